"""Background work for data rights; each task is idempotent."""

from __future__ import annotations

from django_tasks import task

from studyhall.privacy import services


@task()
def build_export_task(export_id: int) -> None:
    """Prepare one data download (safe to run twice)."""
    services.build_export(export_id)


@task()
def run_due_deletions_task() -> None:
    """Delete the accounts whose grace period has ended, and expired downloads."""
    services.run_due_deletions()
    services.purge_expired_exports()
