"""Load the demo: a Masters programme, its courses, people and a term of posts.

    manage.py seed_demo [--people 60] [--threads 400] [--replies 3000]

The same sizes always load the same data. When the demo is already there the
command says so and changes nothing.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core.demo import cast, is_loaded
from studyhall.core.demo.catalogue import COMMUNITIES
from studyhall.core.demo.load import load_plan
from studyhall.core.demo.plan import DEFAULT_REPLIES, DEFAULT_THREADS, build_plan

ALREADY_LOADED = "Demo community already loaded; keeping existing data."


class ProgressBar:
    """A one-line text bar on a stream, redrawn in place with a carriage return."""

    def __init__(self, stream: OutputWrapper, label: str, width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.percent = -1

    def update(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        # Redraw once per percent, not for every item.
        if percent == self.percent:
            return
        self.percent = percent
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label}  [{bar}]  {done}/{total}", ending="")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line, if one was drawn."""
        if self.percent >= 0:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Load the demo programme, courses, people and discussions. Does nothing "
        "if the demo is already loaded."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=cast.DEFAULT_PEOPLE,
            help=f"people to create, {cast.MIN_PEOPLE} to {cast.MAX_PEOPLE} "
            f"(default {cast.DEFAULT_PEOPLE})",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=DEFAULT_THREADS,
            help=f"threads to create (default {DEFAULT_THREADS})",
        )
        parser.add_argument(
            "--replies",
            type=int,
            default=DEFAULT_REPLIES,
            help=f"replies to create across all threads (default {DEFAULT_REPLIES})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        people = options["people"]
        threads = options["threads"]
        replies = options["replies"]
        if is_loaded():
            self._say(verbosity, ALREADY_LOADED)
            return
        self._check_sizes(people, threads, replies)
        self._check_free(people)
        started = time.monotonic()
        plan = build_plan(people, threads, replies)
        bar = ProgressBar(self.stderr, "Seeding posts") if verbosity > 0 else None
        with transaction.atomic():
            # Checked again inside the transaction, in case another seed got there first.
            if is_loaded():
                self._say(verbosity, ALREADY_LOADED)
                return
            summary = load_plan(plan, progress=bar.update if bar else None)
        if bar is not None:
            bar.finish()
        elapsed = time.monotonic() - started
        self._say(
            verbosity,
            self.style.SUCCESS(
                f"Loaded the demo in {elapsed:.1f} s: {summary.communities} "
                f"communities, {summary.people} people, {summary.threads} threads, "
                f"{summary.replies} replies, {summary.reactions} reactions."
            ),
        )
        self._say(verbosity, "See who to sign in as with: manage.py demo_logins")

    def _say(self, verbosity: int, message: str) -> None:
        if verbosity > 0:
            self.stdout.write(message)

    @staticmethod
    def _check_sizes(people: int, threads: int, replies: int) -> None:
        if not cast.MIN_PEOPLE <= people <= cast.MAX_PEOPLE:
            raise CommandError(
                f"--people must be between {cast.MIN_PEOPLE} and {cast.MAX_PEOPLE}."
            )
        if threads < 0 or replies < 0:
            raise CommandError("--threads and --replies cannot be negative.")
        if replies and not threads:
            raise CommandError("--replies needs at least one thread to reply to.")

    @staticmethod
    def _check_free(people: int) -> None:
        """Refuse, before writing anything, when demo names are already taken."""
        chosen = cast.cast(people)
        # Demo handles and emails are lower case; existing ones may not be.
        taken_people = (
            User.objects.annotate(
                lower_handle=Lower("handle"), lower_email=Lower("email")
            )
            .filter(
                Q(lower_handle__in=[p.handle for p in chosen])
                | Q(lower_email__in=[p.email for p in chosen])
            )
            .values_list("email", flat=True)
        )
        taken_slugs = Community.objects.filter(
            slug__in=[spec.slug for spec in COMMUNITIES]
        ).values_list("slug", flat=True)
        taken = sorted(taken_people) + sorted(taken_slugs)
        if taken:
            raise CommandError(
                "Cannot load the demo: these demo accounts or community addresses "
                f"already exist: {', '.join(taken)}. Load it into a fresh database."
            )
