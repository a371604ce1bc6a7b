"""Hear committed events and queue the recognition work they imply."""

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
# Live sessions and study groups: the event type and the stream it must come
# from, so a same-named event of another app is never misread.
ACTIVITY_EVENTS = {
    "live.ended": "live",
    "group.created": "group",
    "member.joined": "group",
    "member.left": "group",
}


@listen(*BOARD_EVENTS, *ACTIVITY_EVENTS)
def queue_points(occurrence: Occurrence) -> None:
    """Queue the points task for a board, session or group event; returns at once."""
    from studyhall.recognition.tasks import apply_board_event

    stream_kind = ACTIVITY_EVENTS.get(occurrence.type)
    if stream_kind is not None and occurrence.stream.partition(".")[0] != stream_kind:
        return
    apply_board_event.enqueue(
        occurrence.type, dict(occurrence.payload), occurrence.actor_id
    )
