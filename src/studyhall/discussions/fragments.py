"""Each post's HTML, rendered once per distinct state and then served from the cache.

A post's markup is a pure function of a `PostCard`: a frozen record holding
every value the template may read, already resolved for one viewer (the author
as this viewer may see them, the buttons this viewer may use). The template is
rendered with the card alone, in a context of its own, so it cannot reach
anything the card does not hold; the cache key is a digest of the whole card.
A viewer therefore only ever receives a fragment rendered from exactly their
own card: nothing can be added to the markup without also entering the key.

The CSRF token is secret to one browser session, so cards carry a placeholder
that is swapped for the viewer's token after the cache read.

Each process also keeps copies of the fragments it served last (up to
`LOCAL_ENTRIES`) in front of the shared cache, for at most `LOCAL_SECONDS`:
a copy is never older than that, so a post erased elsewhere leaves every
process's memory within that time. The shared cache keeps, for each post, an
index of its fragments' keys (up to `INDEXED_PER_POST`; a post's further
variants are kept only in the process), so `forget_posts` can remove every
fragment of a post when its text is erased or its author's name changes.

See docs/decisions/0002-thread-page-speed.md and
0007-thread-page-requests.md for the figures behind this.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from studyhall.core.urls import reverse_cached
from studyhall.discussions.models import Thread
from studyhall.discussions.selectors import PostView

CSRF_PLACEHOLDER = "\x00csrf\x00"
TEMPLATE = "discussions/post.html"
KEY_PREFIX = "post-card:2:"
TIMEOUT = 60 * 60 * 24
LOCAL_ENTRIES = 4096
LOCAL_SECONDS = 300
INDEXED_PER_POST = 200
COUNT_PREFIX = "post-card-count:"  # how many of a post's fragments are indexed
SLOT_PREFIX = "post-card-slot:"  # post id and slot number -> a fragment's key
# The index outlives every fragment it names: refreshed on each new fragment.
INDEX_TIMEOUT = TIMEOUT * 2

# card -> (monotonic time the copy expires, fragment); oldest first, so expired
# copies are always at the front. Keyed by the card itself (frozen, so hashed
# and compared field by field), which costs less than its digest.
_local: OrderedDict[PostCard, tuple[float, str]] = OrderedDict()
_local_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Reaction:
    kind: str
    label: str
    count: int
    is_mine: bool


@dataclasses.dataclass(frozen=True)
class PostCard:
    """Everything one post's markup shows, as one viewer sees it."""

    id: int
    number: int
    heading: str
    level: int
    body_html: str
    is_deleted: bool
    created_at: datetime
    edited: bool
    endorsed_by: str | None
    reply_to_number: int | None
    reply_to_label: str | None
    reply_to_author: str | None
    author_name: str
    author_url: str | None
    author_role: str | None
    author_is_you: bool
    label: str
    label_display: str
    label_note: str
    is_hidden: bool
    is_accepted: bool
    is_unread: bool
    reactions: tuple[Reaction, ...]
    can_react: bool
    can_reply: bool
    can_accept: bool
    can_endorse: bool
    can_edit: bool
    can_delete: bool
    can_read: bool
    can_flag: bool
    can_moderate: bool
    can_appeal: bool
    can_label: bool
    thread_id: int
    community_slug: str
    page_number: int
    time_zone: str
    language: str

    def key(self) -> str:
        digest = hashlib.blake2b(repr(self).encode(), digest_size=20).hexdigest()
        return KEY_PREFIX + digest


def _heading(thread: Thread, number: int) -> str:
    if number == 1:
        if thread.kind == Thread.Kind.QUESTION:
            return "Question"
        return f"Question opening the {thread.get_kind_display().lower()}"
    return f"Reply #{number - 1}"


@dataclasses.dataclass(frozen=True)
class Surroundings:
    """What every card of one page shares, worked out once per page."""

    thread: Thread
    page_number: int
    can_reply: bool
    profile_url: str  # with HANDLE in place of the handle
    time_zone: str
    language: str

    @classmethod
    def of(cls, thread: Thread, *, page_number: int, can_reply: bool) -> Surroundings:
        return cls(
            thread=thread,
            page_number=page_number,
            can_reply=can_reply,
            profile_url=reverse_cached("accounts:profile", args=[HANDLE]),
            time_zone=timezone.get_current_timezone_name(),
            language=translation.get_language() or "",
        )


HANDLE = "--handle--"  # cannot be a handle: handles never start with a dash


def card_for(pv: PostView, around: Surroundings, *, level: int = 3) -> PostCard:
    """Return the card of one post as the viewer of `pv` sees it."""
    post = pv.post
    thread = around.thread
    reply_to = post.reply_to if post.reply_to_id else None
    author = pv.author
    author_url = None
    if author.handle and not author.is_anonymous:
        author_url = around.profile_url.replace(HANDLE, author.handle)
    return PostCard(
        id=post.pk,
        number=post.number,
        heading=_heading(thread, post.number),
        level=level,
        body_html=post.body_html,
        is_deleted=post.is_deleted,
        created_at=post.created_at,
        edited=post.edited_at is not None,
        endorsed_by=(
            post.endorsed_by.display_name if post.endorsed_by else "an instructor"
        )
        if post.endorsed_at
        else None,
        reply_to_number=reply_to.number if reply_to and pv.reply_to_author else None,
        reply_to_label=(
            "the opening post"
            if reply_to.number == 1
            else f"reply #{reply_to.number - 1}"
        )
        if reply_to and pv.reply_to_author
        else None,
        reply_to_author=pv.reply_to_author.name if pv.reply_to_author else None,
        author_name=author.name,
        author_url=author_url,
        author_role=author.role,
        author_is_you=author.is_you,
        label=post.label,
        label_display=str(post.get_label_display()) if post.label else "",
        label_note=post.label_note,
        is_hidden=post.is_hidden,
        is_accepted=pv.is_accepted,
        is_unread=pv.is_unread,
        reactions=tuple(
            Reaction(r.kind, r.label, r.count, r.is_mine) for r in pv.reactions
        ),
        can_react=pv.can_react,
        can_reply=around.can_reply,
        can_accept=pv.can_accept,
        can_endorse=pv.can_endorse,
        can_edit=pv.can_edit,
        can_delete=pv.can_delete,
        can_read=pv.can_read,
        can_flag=pv.can_flag,
        can_moderate=pv.can_moderate,
        can_appeal=pv.can_appeal,
        can_label=pv.can_label,
        thread_id=thread.pk,
        community_slug=thread.community.slug,
        page_number=around.page_number,
        time_zone=around.time_zone,
        language=around.language,
    )


def render_card(card: PostCard) -> str:
    """Render one card, with the CSRF placeholder in place of a token."""
    return get_template(TEMPLATE).render({"c": card, "csrf": CSRF_PLACEHOLDER})


def render_posts(
    request: HttpRequest,
    posts: Sequence[PostView],
    thread: Thread,
    *,
    page_number: int,
    can_reply: bool,
) -> list[SafeString]:
    """Return each post's HTML, from the cache where this exact card was seen before."""
    around = Surroundings.of(thread, page_number=page_number, can_reply=can_reply)
    cards = [card_for(pv, around) for pv in posts]
    now = time.monotonic()
    html: list[str | None] = []
    with _local_lock:
        while _local and next(iter(_local.values()))[0] <= now:
            _local.popitem(last=False)
        for card in cards:
            entry = _local.get(card)
            html.append(entry[1] if entry is not None else None)
    # Only a card this process has no copy of needs its digest (the shared
    # cache's key): a warm page hashes its cards and compares them, no more.
    keys = {card: card.key() for card, f in zip(cards, html, strict=True) if f is None}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing: dict[str, tuple[int, str]] = {}
    fresh: dict[PostCard, str] = {}
    for i, card in enumerate(cards):
        if html[i] is not None:
            continue
        key = keys[card]
        fragment = found.get(key)
        if fragment is None:
            fragment = render_card(card)
            missing[key] = (card.id, fragment)
        fresh[card] = fragment
        html[i] = fragment
    if missing:
        _store(missing)
    if fresh:
        expires = now + LOCAL_SECONDS
        with _local_lock:
            for card, fragment in fresh.items():
                _local.pop(card, None)
                _local[card] = (expires, fragment)
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    done = [f or "" for f in html]
    token = get_token(request) if any(CSRF_PLACEHOLDER in f for f in done) else ""
    return [mark_safe(f.replace(CSRF_PLACEHOLDER, token)) for f in done]


def _store(rendered: dict[str, tuple[int, str]]) -> None:
    """Put new fragments in the shared cache, each named in its post's index.

    A post with `INDEXED_PER_POST` fragments indexed already gets no more in
    the shared cache (only the process's own copy), so every fragment there
    can be found and removed by `forget_posts`.
    """
    shared: dict[str, str] = {}
    slots: dict[str, str] = {}
    for key, (post_id, fragment) in rendered.items():
        counter = f"{COUNT_PREFIX}{post_id}"
        cache.add(counter, 0, INDEX_TIMEOUT)
        try:
            slot = cache.incr(counter) - 1
        except ValueError:  # evicted between add and incr: index it next time
            continue
        cache.touch(counter, INDEX_TIMEOUT)
        if slot >= INDEXED_PER_POST:
            continue
        slots[f"{SLOT_PREFIX}{post_id}:{slot}"] = key
        shared[key] = fragment
    if slots:
        # The index first: a fragment is never in the cache unnamed.
        cache.set_many(slots, INDEX_TIMEOUT)
        cache.set_many(shared, TIMEOUT)


def forget_posts(post_ids: Iterable[int]) -> None:
    """Remove every cached fragment of these posts (erased text, a changed name).

    Clears this process's copies too; other processes' copies expire within
    `LOCAL_SECONDS`.
    """
    ids = sorted(set(post_ids))
    forget()
    if not ids:
        return
    counters = [f"{COUNT_PREFIX}{pk}" for pk in ids]
    counts = cache.get_many(counters)
    slots = [
        f"{SLOT_PREFIX}{pk}:{n}"
        for pk in ids
        for n in range(min(int(counts.get(f"{COUNT_PREFIX}{pk}", 0)), INDEXED_PER_POST))
    ]
    keys = list(cache.get_many(slots).values()) if slots else []
    cache.delete_many([*keys, *slots, *counters])


def forget() -> None:
    """Drop this process's copies of fragments (tests; erasure)."""
    with _local_lock:
        _local.clear()
