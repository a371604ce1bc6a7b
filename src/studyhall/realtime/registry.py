"""Stream kinds and who may follow them.

Each app registers the kinds of stream it publishes ("thread", "room",
"user") with a check that answers, through the policy, whether a person may
follow one stream of that kind. Register from an AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A check receives the person and the id after the dot ("room.7" -> 7).
Check = Callable[[Any, int], bool]

# A presence hook hears that a person's socket follows (True) or stopped
# following (False) one stream of the kind; it is called again on each ping.
PresenceHook = Callable[[Any, int, bool], None]

# A conceal hook receives a signal's type, payload and the people it is about,
# and the ids of people hidden from the viewer (blocked either way); it
# returns the payload without them, or None when nothing is left to send.
ConcealHook = Callable[
    [str, dict[str, Any], list[int], frozenset[int]], dict[str, Any] | None
]

_kinds: dict[str, Check] = {}
_presence: dict[str, PresenceHook] = {}
_conceal: dict[str, ConcealHook] = {}


def register_stream(
    kind: str,
    check: Check,
    *,
    presence: PresenceHook | None = None,
    conceal: ConcealHook | None = None,
) -> None:
    """Declare a stream kind and the check deciding who may follow its streams."""
    if "." in kind or not kind:
        raise ValueError("a stream kind is a plain word such as 'room'")
    _kinds[kind] = check
    if presence is not None:
        _presence[kind] = presence
    if conceal is not None:
        _conceal[kind] = conceal


def conceal_hook(kind: str) -> ConcealHook | None:
    """Return the hook that removes hidden people from a kind's signals, or None."""
    return _conceal.get(kind)


def presence_hook(kind: str) -> PresenceHook | None:
    """Return the presence hook of a stream kind, or None."""
    return _presence.get(kind)


def check_for(kind: str) -> Check | None:
    """Return the registered check of a stream kind, or None for an unknown kind."""
    return _kinds.get(kind)


def kinds() -> list[str]:
    """Return the registered stream kinds."""
    return sorted(_kinds)


# A frame handler receives the person and the decoded frame, runs in a worker
# thread (it may use the database), calls one service and returns the reply
# frame, or None. It raises ValidationError, DomainError, PermissionDenied or
# Http404 for the consumer to turn into an error frame.
FrameHandler = Callable[[Any, dict[str, Any]], dict[str, Any] | None]

_frames: dict[str, FrameHandler] = {}


def register_frame(type: str, handler: FrameHandler) -> None:
    """Declare how an inbound frame type ("send", "typing") is handled."""
    _frames[type] = handler


def frame_handler(type: str) -> FrameHandler | None:
    """Return the handler of an inbound frame type, or None."""
    return _frames.get(type)
