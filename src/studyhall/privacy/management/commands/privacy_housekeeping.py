"""Delete accounts past their grace period and downloads past their expiry.

Run it daily (cron or a scheduler); it is safe to run at any time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from studyhall.privacy import services


class Command(BaseCommand):
    help = "Delete accounts past their grace period and expired data downloads."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = services.run_due_deletions()
        exports = services.purge_expired_exports()
        self.stdout.write(f"deleted {accounts} account(s), {exports} download(s)")
