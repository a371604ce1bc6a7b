"""Reads for the event streams."""

from __future__ import annotations

from typing import Any

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.discussions.models import Thread
from studyhall.policy import Action
from studyhall.realtime.services import events_since


def can_follow(user: Any, stream: str) -> bool:
    """Return whether the person may follow the stream ("thread.42", "community.3")."""
    kind, _, ident = stream.partition(".")
    if not ident.isdigit():
        return False
    obj: Community | Thread | None
    if kind == "thread":
        obj = (
            Thread.objects.select_related("community", "category")
            .filter(pk=ident)
            .first()
        )
    elif kind == "community":
        obj = Community.objects.filter(pk=ident).first()
    else:
        return False
    return obj is not None and policy.can(user, Action.VIEW, obj)


def missed_events(stream: str, since: int) -> list[dict[str, Any]]:
    """Return the stream's stored events after a sequence, as frames for a client."""
    return [
        {
            "type": "event",
            "stream": stream,
            "sequence": e.sequence,
            "event": e.type,
            "payload": e.payload,
        }
        for e in events_since(stream, since)
    ]
