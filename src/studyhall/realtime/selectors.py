"""Reads for the event streams."""

from __future__ import annotations

from typing import Any

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.discussions.models import Thread
from studyhall.policy import Action
from studyhall.realtime.services import events_since


def can_follow(user: Any, stream: str) -> bool:
    """Return whether the person may follow the stream ("thread.42", "community.3").

    Reloads the person's roles first: a connection lives for hours, and a
    member removed meanwhile must stop receiving the community's events.
    """
    policy.forget(user)
    kind, _, ident = stream.partition(".")
    pk = parse_id(ident)
    if pk is None:
        return False
    obj: Community | Thread | None
    if kind == "thread":
        obj = (
            Thread.objects.select_related("community", "category").filter(pk=pk).first()
        )
    elif kind == "community":
        obj = Community.objects.filter(pk=pk).first()
    elif kind == "live":
        return _can_follow_live(user, pk)
    elif kind == "group":
        return _can_follow_group(user, pk)
    else:
        return False
    return obj is not None and policy.can(user, Action.VIEW, obj)


def _can_follow_live(user: Any, pk: int) -> bool:
    from studyhall.live.models import LiveSession

    live = (
        LiveSession.objects.select_related("community", "group").filter(pk=pk).first()
    )
    return live is not None and policy.can(user, Action.VIEW, live)


def _can_follow_group(user: Any, pk: int) -> bool:
    from studyhall.groups.models import StudyGroup

    group = StudyGroup.objects.select_related("community").filter(pk=pk).first()
    return group is not None and policy.can(user, Action.VIEW_GROUP_SPACE, group)


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
