"""In-process listeners for stored events: how other apps react to a change.

Notifications, search indexing and recognition listen here rather than being
called from the service that made the change. A listener runs after the
change's transaction commits, receives the stored event plus who caused it
(never sent to clients), and should only queue background work. A failing
listener is logged; it never undoes the change nor stops the others.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Occurrence:
    """A committed event as listeners see it."""

    stream: str
    sequence: int
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None


Listener = Callable[[Occurrence], None]

_listeners: dict[str, list[Listener]] = defaultdict(list)


def listen(*types: str) -> Callable[[Listener], Listener]:
    """Register a function to run after each committed event of these types.

    Use "*" to hear every type. Register from an AppConfig.ready().
    """

    def register(fn: Listener) -> Listener:
        for type in types:
            if fn not in _listeners[type]:
                _listeners[type].append(fn)
        return fn

    return register


def dispatch(occurrence: Occurrence) -> None:
    """Run the listeners of an event; called on commit by realtime.services.publish."""
    for fn in [*_listeners.get(occurrence.type, ()), *_listeners.get("*", ())]:
        try:
            fn(occurrence)
        except Exception:
            logger.exception(
                "listener %s failed on %s#%s",
                getattr(fn, "__qualname__", fn),
                occurrence.stream,
                occurrence.sequence,
            )
