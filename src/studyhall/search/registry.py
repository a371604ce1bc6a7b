"""The registry of document kinds: how each app's content enters the index.

A kind knows how to turn object ids into index entries (fresh from the
database; None drops the object from the index), how to list every object (with its date) for a
rebuild, and how to show a page of hits to one viewer, loading the objects
through the policy so a stale index entry can never show anything private.
Threads and replies register in search.kinds; other apps add their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyhall.policy import AuthorView


@dataclass(frozen=True)
class Entry:
    """What the index stores about one object."""

    community_id: int | None
    title: str
    body: str
    created_at: datetime
    author_id: int | None = None
    is_anonymous: bool = False
    is_hidden: bool = False
    thread_id: int | None = None
    is_question: bool = False
    is_answered: bool = False
    has_code: bool = False
    # Whose visibility the document shares (Document.Scope) and the id of the
    # room, group, library item or person for scopes other than community.
    scope: str = "community"
    scope_id: int | None = None


@dataclass(frozen=True)
class Shown:
    """How one hit is shown to one viewer, built from the object loaded through the policy."""

    url: str
    title: str
    community_name: str
    author: AuthorView | None
    context: str = ""
    can_merge: bool = False


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: str  # plural, for filters: "Threads"
    singular: str  # beside one hit: "Thread"
    entries: Callable[[list[int]], dict[int, Entry | None]]
    # (created_at, id) of every object to index, for a rebuild.
    all_keys: Callable[[], Iterable[tuple[datetime, int]]]
    show: Callable[[Any, list[int]], dict[int, Shown]]


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Add a document kind to the index; register from an AppConfig.ready()."""
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> DocumentKind:
    """Return a registered kind or raise KeyError."""
    return KINDS[name]


def choices() -> list[tuple[str, str]]:
    """Return (name, label) of every registered kind, for filters."""
    return [(k.name, k.label) for k in KINDS.values()]
