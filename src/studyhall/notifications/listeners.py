"""Hear board events after they commit and queue the work of notifying people.

Listeners return at once; tasks.py does the work in the background, loading
fresh rows, so a notification never reflects a change that was rolled back.
"""

from __future__ import annotations

import logging

from studyhall.realtime.hooks import Occurrence, listen

logger = logging.getLogger(__name__)

BOARD_EVENTS = (
    "reply.created",
    "thread.created",
    "post.edited",
    "answer.accepted",
    "post.endorsed",
)


@listen(*BOARD_EVENTS)
def queue_board_notifications(occurrence: Occurrence) -> None:
    from studyhall.notifications.tasks import notify_board_event

    notify_board_event.enqueue(
        occurrence.type, dict(occurrence.payload), occurrence.actor_id
    )
