"""Read one reply email from standard input and post it as a reply in its thread.

For a mail server to pipe to, e.g. in Postfix's aliases:
    reply: "|/path/to/manage.py receive_email"
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyhall.notifications import inbound


class Command(BaseCommand):
    help = "Turn a reply email read from standard input into a reply in its thread."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient, when the mail server passes it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read(inbound.MAX_MESSAGE_BYTES + 1)
        try:
            post = inbound.receive(raw, recipient=options["recipient"])
        except inbound.InboundError as error:
            # A non-zero exit makes the mail server bounce the message with this text.
            raise CommandError(error.message) from error
        self.stdout.write(f"Posted reply {post.pk} in thread {post.thread_id}.")
