"""Background work for recognition; every task takes ids and is safe to rerun."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from studyhall.recognition import points_from_events
from studyhall.recognition.services import certificates


@task()
def apply_board_event(type: str, payload: dict[str, Any], actor_id: int | None) -> None:
    """Turn one committed board, session or group event into points or reversals."""
    points_from_events.apply(type, payload, actor_id)


@task()
def run_certificate_batch(batch_id: int) -> None:
    """Issue the certificates of a batch, updating its progress."""
    certificates.run_batch(batch_id)
