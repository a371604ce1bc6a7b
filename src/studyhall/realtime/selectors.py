"""Reads for the event streams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from studyhall import policy
from studyhall.accounts.selectors import blocked_ids, blocker_ids
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.discussions.models import Thread
from studyhall.policy import Action
from studyhall.realtime.models import Event, Stream
from studyhall.realtime.registry import check_for
from studyhall.realtime.services import events_since


def can_follow(user: Any, stream: str, *, fresh: bool = True) -> bool:
    """Return whether the person may follow the stream ("thread.42", "room.3").

    With `fresh`, reloads the person's roles first: a connection lives for
    hours, and a member removed meanwhile must stop receiving the events.
    """
    if fresh:
        policy.forget(user)
    kind, _, ident = stream.partition(".")
    pk = parse_id(ident)
    check = check_for(kind)
    if pk is None or check is None:
        return False
    return check(user, pk)


def can_follow_thread(user: Any, pk: int) -> bool:
    """Return whether the person may see the thread."""
    thread = (
        Thread.objects.select_related("community", "category").filter(pk=pk).first()
    )
    return thread is not None and policy.can(user, Action.VIEW, thread)


def can_follow_community(user: Any, pk: int) -> bool:
    """Return whether the person may see the community."""
    community = Community.objects.filter(pk=pk).first()
    return community is not None and policy.can(user, Action.VIEW, community)


def hidden_people(user: Any) -> frozenset[int]:
    """Return the ids of the people blocked by, or blocking, the person: their
    typing and presence are not shown to them."""
    return frozenset(blocked_ids(user) | blocker_ids(user))


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


def oldest_kept_sequence(stream: str) -> int | None:
    """Return the lowest sequence still stored for a stream, or None if none is."""
    return (
        Event.objects.filter(stream=stream)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )


@dataclass
class ReplayPlan:
    """What a subscriber is sent first: the missed frames, or "reload"."""

    last_sequence: int
    reload: bool = False
    frames: list[dict[str, Any]] = field(default_factory=list)


def replay_plan(stream: str, since: int) -> ReplayPlan:
    """Return what a client that saw `since` must be sent before the live tail.

    A client whose last sequence is older than the kept history, or too far
    behind to replay, is told to reload rather than left with a silent gap.
    """
    last = current_sequence(stream)
    if since >= last:
        # Nothing missed; a client ahead of the server (restored data) reloads.
        return ReplayPlan(last_sequence=last, reload=since > last)
    limit = int(getattr(settings, "REALTIME_REPLAY_LIMIT", 500))
    oldest = oldest_kept_sequence(stream)
    if oldest is None or oldest > since + 1 or last - since > limit:
        return ReplayPlan(last_sequence=last, reload=True)
    return ReplayPlan(last_sequence=last, frames=missed_events(stream, since))


def current_sequence(stream: str) -> int:
    """Return the stream's last sequence (0 for a stream with no events yet)."""
    return (
        Stream.objects.filter(name=stream)
        .values_list("last_sequence", flat=True)
        .first()
    ) or 0


def sequence_at(stream: str, timestamp: float) -> int:
    """Return the stream's last sequence stored at a moment (seconds since epoch).

    Lets a page that knows only when it was rendered resume after what it
    showed, without a query while rendering.
    """
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    after = (
        Event.objects.filter(stream=stream, created_at__gt=moment)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if after is None:
        return current_sequence(stream)
    return after - 1


def current_sequences(streams: list[str]) -> dict[str, int]:
    """Return the last sequence of each stream that has events (one query)."""
    if not streams:
        return {}
    return dict(
        Stream.objects.filter(name__in=streams).values_list("name", "last_sequence")
    )


def session_is_valid(user: Any, session_key: str | None) -> bool:
    """Return whether a socket's person and login session still hold.

    False once the account is deactivated or deleted, the session logged out
    or expired, or the password changed (the session's hash no longer matches).
    """
    if user is None or not user.is_authenticated:
        return True
    fresh = get_user_model().objects.filter(pk=user.pk).first()
    if fresh is None or not fresh.is_active:
        return False
    if session_key is None:
        # A socket built without a session (tests, internal tools) has only the
        # account to check.
        return True
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key)
    data = store.load()
    if str(data.get(SESSION_KEY)) != str(fresh.pk):
        return False
    expected = fresh.get_session_auth_hash()
    return constant_time_compare(data.get(HASH_SESSION_KEY, ""), expected)
