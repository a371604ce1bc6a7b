"""Hear the boards' committed events and queue the recognition work they imply."""

from __future__ import annotations

from studyhall.realtime.hooks import Occurrence, listen

BOARD_EVENTS = (
    "answer.accepted",
    "answer.cleared",
    "post.endorsed",
    "post.unendorsed",
    "reaction.changed",
    "post.deleted",
)


@listen(*BOARD_EVENTS)
def queue_points(occurrence: Occurrence) -> None:
    """Queue the points task for a board event; returns at once."""
    from studyhall.recognition.tasks import apply_board_event

    apply_board_event.enqueue(
        occurrence.type, dict(occurrence.payload), occurrence.actor_id
    )
