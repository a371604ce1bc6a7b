"""Publish events: store them on their stream, then fan out after commit."""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from studyhall.realtime.hooks import Occurrence, dispatch
from studyhall.realtime.models import Event, Stream

logger = logging.getLogger(__name__)


def group_name(stream: str) -> str:
    """Return the channel-layer group name for a stream ("thread.42" -> "thread-42")."""
    return stream.replace(".", "-")


def publish(
    stream: str, type: str, payload: dict[str, Any], *, actor: Any = None
) -> Event:
    """Store an event with the stream's next sequence and send it once committed.

    Must run inside the transaction that makes the change the event describes,
    so a change never exists without its event nor an event without its change.
    `actor` (who caused the change) goes only to in-process listeners
    (realtime.hooks), never to clients: payloads must stay safe for every
    viewer of the stream.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the change's transaction")
    Stream.objects.get_or_create(name=stream)
    # The row lock serialises writers of one stream, so sequences never repeat.
    Stream.objects.filter(name=stream).update(last_sequence=F("last_sequence") + 1)
    sequence = Stream.objects.values_list("last_sequence", flat=True).get(name=stream)
    event = Event.objects.create(
        stream=stream, sequence=sequence, type=type, payload=payload
    )
    message = {
        "type": "stream.event",
        "stream": stream,
        "sequence": sequence,
        "event": type,
        "payload": payload,
        # The frame as sockets send it, encoded once rather than per socket.
        "text": json.dumps(
            {
                "type": "event",
                "stream": stream,
                "sequence": sequence,
                "event": type,
                "payload": payload,
            }
        ),
    }
    occurrence = Occurrence(
        stream=stream,
        sequence=sequence,
        type=type,
        payload=payload,
        actor_id=getattr(actor, "pk", None),
    )
    transaction.on_commit(lambda: _after_commit(stream, message, occurrence))
    return event


def _after_commit(stream: str, message: dict[str, Any], occurrence: Occurrence) -> None:
    _send(stream, message)
    dispatch(occurrence)


def _send(stream: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - a channel layer is always configured
        return
    try:
        async_to_sync(layer.group_send)(group_name(stream), message)
    except Exception:
        # The event is stored: clients fill the gap when they resume by sequence.
        logger.exception("could not fan out %s#%s", stream, message["sequence"])


def events_since(stream: str, sequence: int, limit: int = 500) -> list[Event]:
    """Return the stored events of a stream after a sequence, oldest first."""
    return list(
        Event.objects.filter(stream=stream, sequence__gt=sequence).order_by("sequence")[
            :limit
        ]
    )


def broadcast(
    stream: str, type: str, payload: dict[str, Any], *, people: list[int]
) -> None:
    """Send a short-lived signal (typing, presence) to a stream's followers now.

    Nothing is stored and no sequence is taken: a client that misses one loses
    nothing that matters. Callers check the policy first, as for publish().
    `people` names whom the signal is about: a follower who blocked one of
    them, or was blocked by one, is not told about that person.
    """
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - a channel layer is always configured
        return
    message = {
        "type": "stream.ephemeral",
        "stream": stream,
        "event": type,
        "payload": payload,
        "people": people,
    }
    try:
        async_to_sync(layer.group_send)(group_name(stream), message)
    except Exception:
        logger.exception("could not send %s on %s", type, stream)
