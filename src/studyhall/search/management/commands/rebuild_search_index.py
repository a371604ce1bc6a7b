"""Empty the search index and fill it again from every registered kind."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyhall.search import indexing, registry
from studyhall.search.models import Document

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the full-text search index, showing a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            help="Rebuild only this kind (repeatable); every kind by default.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the index already holds documents (after a seed).",
        )

    def handle(
        self,
        *args: Any,
        kinds: list[str] | None = None,
        if_empty: bool = False,
        **options: Any,
    ) -> None:
        if if_empty and Document.objects.exists():
            self.stdout.write("The search index is not empty; nothing to do.")
            return
        unknown = [k for k in kinds or [] if k not in registry.KINDS]
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(unknown)}; choose from "
                + ", ".join(registry.KINDS)
            )
        started = time.monotonic()
        count = indexing.rebuild(kinds, progress=self._progress)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} documents in {elapsed:.1f} s.")
        )

    def _progress(self, kind: str, done: int, total: int) -> None:
        filled = BAR_WIDTH if total == 0 else BAR_WIDTH * done // total
        percent = 100 if total == 0 else 100 * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        ending = "\n" if done >= total else "\r"
        self.stdout.write(
            f"{kind:>10} [{bar}] {percent:3d}% {done}/{total}", ending=ending
        )
        self.stdout.flush()
