"""Send digests and session reminders that are due, and retry emails whose
time has come.

Run it every few minutes (cron or a systemd timer); each person's digest goes
out once a day or week at their chosen hour in their own time zone, and each
session reminder at their chosen lead time before the session.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from studyhall.notifications import digests, emails, reminders


class Command(BaseCommand):
    help = (
        "Queue due digests and session reminders, email unread messages, and "
        "retry failed emails whose backoff has passed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        retried = emails.retry_due()
        messages = emails.email_unread_messages()
        reminded = reminders.send_due_reminders()
        queued = digests.send_due_digests()
        self.stdout.write(
            f"Retried {retried} emails; emailed {messages} unread messages; "
            f"sent {reminded} session reminders; queued {queued} digests."
        )
