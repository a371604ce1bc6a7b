"""Reads for search: results, similar questions and recommendations.

The index narrows candidates (already limited by policy.visible and, for
the author filter, policy.authored_by); each page of hits is then loaded
through its kind's `show`, which reads the objects through the policy again,
so a stale index entry can never show what the viewer may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core import sql
from studyhall.core.pagination import Page
from studyhall.policy import AuthorView
from studyhall.search import engine, registry, semantic
from studyhall.search import query as q
from studyhall.search.kinds import THREAD
from studyhall.search.models import Document

ANSWERED_CHOICES = {"": "Any", "answered": "Answered", "unanswered": "Unanswered"}
PLAIN_SNIPPET_CHARS = 220
MAX_COUNTED = 1000
SIMILAR_LIMIT = 5
SIMILAR_CANDIDATES = 20
# Cosine similarity below which a thread is not offered as "similar".
SEMANTIC_MIN_SCORE = 0.35


@dataclass
class Filters:
    """What the search box and its filters ask for; `community` and `author`
    are already resolved (a community the viewer may see, an active person)."""

    text: str = ""
    community: Community | None = None
    kind: str = ""
    author: User | None = None
    after: date | None = None
    before: date | None = None
    answered: str = ""
    has_code: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.text.strip()
            or self.community
            or self.kind
            or self.author
            or self.after
            or self.before
            or self.answered
            or self.has_code
        )


@dataclass
class Hit:
    kind: str
    kind_label: str
    object_id: int
    url: str
    title: str
    title_html: SafeString
    snippet_html: SafeString
    community_name: str
    author: AuthorView | None
    created_at: datetime
    is_question: bool
    is_answered: bool
    has_code: bool
    context: str = ""
    can_merge: bool = False
    why: list[str] = field(default_factory=list)


def marked_html(text: str) -> SafeString:
    """Escape text from the index, then turn the match markers into <mark>.

    The only markup in the result is what this function adds, so nothing
    typed into a post can reach the page as HTML through a snippet.
    """
    escaped = escape(text)
    opened = False
    out = []
    for char in escaped:
        if char == q.START:
            if not opened:
                out.append("<mark>")
                opened = True
        elif char == q.STOP:
            if opened:
                out.append("</mark>")
                opened = False
        else:
            out.append(char)
    if opened:
        out.append("</mark>")
    return mark_safe("".join(out))


def _plain_snippet(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= PLAIN_SNIPPET_CHARS:
        return text
    return text[:PLAIN_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def candidates(user: Any, filters: Filters) -> QuerySet[Document]:
    """Return the documents the person may see that pass the filters (no text yet)."""
    documents = policy.visible(user, Document.objects.all())
    if filters.community is not None:
        documents = documents.filter(community=filters.community)
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    if filters.author is not None:
        documents = policy.authored_by(user, documents, filters.author)
    tz = timezone.get_current_timezone()
    if filters.after is not None:
        start = datetime.combine(filters.after, time.min, tzinfo=tz)
        documents = documents.filter(created_at__gte=start)
    if filters.before is not None:
        end = datetime.combine(filters.before, time.max, tzinfo=tz)
        documents = documents.filter(created_at__lte=end)
    if filters.answered == "answered":
        documents = documents.filter(is_question=True, is_answered=True)
    elif filters.answered == "unanswered":
        documents = documents.filter(is_question=True, is_answered=False)
    if filters.has_code:
        documents = documents.filter(has_code=True)
    return documents


def search(
    user: Any, filters: Filters, *, page: int = 1, size: int | None = None
) -> Page[Hit]:
    """Return one page of results, best match first, with highlighted snippets.

    Without words, filtered documents come newest first. Costs a fixed number
    of queries: the ranked candidates (or the count), the page of documents,
    its snippets, and one per kind shown.
    """
    size = size or settings.PAGE_SIZE
    if filters.is_empty:
        return Page(items=[], number=1, page_count=1, total=0)
    parsed = q.parse(filters.text)
    if filters.text.strip() and parsed.is_empty:
        return Page(items=[], number=1, page_count=1, total=0)
    if parsed.is_empty:
        documents = candidates(user, filters)
        documents = documents.order_by("-created_at", "-id")
        # Counting every filtered document costs more than showing a page;
        # past MAX_COUNTED the page says "more than" and stops counting.
        total = documents.order_by()[: MAX_COUNTED + 1].count()
        number, start = _page_start(page, total, size)
        rows = list(documents[start : start + size])
    else:
        # Rank the newest MAX_COUNTED + 1 matches the person may see: a
        # bounded set the index hands over in id order, so a word found in
        # every post costs no more than a rare one. Its size is the count.
        found = engine.newest_matches(
            (policy.documents_fingerprint(user), _filters_key(filters)),
            lambda: candidates(user, filters),
            parsed,
            MAX_COUNTED + 1,
        )
        total = len(found)
        number, start = _page_start(page, total, size)
        best = sorted(found, key=lambda row: (-row[1], -row[0]))[start : start + size]
        loaded = _documents([pk for pk, _rank in best])
        rows = [loaded[pk] for pk, _rank in best if pk in loaded]
        marked = engine.marks(parsed, [d.pk for d in rows])
        for row in rows:
            title, snippet = marked.get(row.pk, ("", ""))
            setattr(row, "title_marked", title)  # noqa: B010 - not a model field
            setattr(row, "snippet_marked", snippet)  # noqa: B010
    return Page(
        items=hits_for(user, rows),
        number=number,
        page_count=_page_count(total, size),
        total=total,
    )


def _documents(ids: list[int]) -> dict[int, Document]:
    """Load a page of documents by id, with a query compiled once per page size."""
    if not ids:
        return {}
    slots = engine.id_slots(ids)
    found = sql.instances(
        ("search.documents", len(slots)),
        lambda **ids: Document.objects.filter(pk__in=list(ids.values())),
        **slots,
    )
    return {d.pk: d for d in found}


def _filters_key(filters: Filters) -> tuple[Any, ...]:
    """Return everything `candidates` builds its filters from, but the text."""
    return (
        filters.community.pk if filters.community is not None else None,
        filters.kind,
        filters.author.pk if filters.author is not None else None,
        filters.after,
        filters.before,
        timezone.get_current_timezone_name(),
        filters.answered,
        filters.has_code,
    )


def _page_count(total: int, size: int) -> int:
    return max(1, -(-min(total, MAX_COUNTED) // size))


def _page_start(page: int, total: int, size: int) -> tuple[int, int]:
    """Return the page number to show (clamped to the pages there are) and its
    first row's offset."""
    number = min(max(page, 1), _page_count(total, size))
    return number, (number - 1) * size


def hits_for(user: Any, documents: list[Document]) -> list[Hit]:
    """Show documents to a viewer, dropping any the policy no longer lets them see."""
    by_kind: dict[str, list[int]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document.object_id)
    shown = {
        name: registry.get(name).show(user, ids)
        for name, ids in by_kind.items()
        if name in registry.KINDS
    }
    hits = []
    for document in documents:
        view = shown.get(document.kind, {}).get(document.object_id)
        if view is None:
            continue
        title_marked = getattr(document, "title_marked", None) or view.title
        if not document.title:
            # Replies and messages index no title; they show their context's.
            title_marked = view.title
        snippet = getattr(document, "snippet_marked", None)
        hits.append(
            Hit(
                kind=document.kind,
                kind_label=registry.get(document.kind).singular,
                object_id=document.object_id,
                url=view.url,
                title=view.title,
                title_html=marked_html(title_marked),
                snippet_html=marked_html(
                    snippet if snippet else _plain_snippet(document.body)
                ),
                community_name=view.community_name,
                author=view.author,
                created_at=document.created_at,
                is_question=document.is_question,
                is_answered=document.is_answered,
                has_code=document.has_code,
                context=view.context,
                can_merge=view.can_merge,
            )
        )
    return hits


# --- similar questions -----------------------------------------------------------


def similar_threads(
    user: Any,
    *,
    title: str,
    body: str = "",
    community: Community | None = None,
    exclude: int | None = None,
    limit: int = SIMILAR_LIMIT,
    method: str = "auto",
) -> list[Hit]:
    """Return up to `limit` threads like a draft question, answered ones first.

    Uses the semantic method when installed (method "auto"), else BM25 /
    ts_rank over any of the draft's topic words.
    """
    documents = policy.visible(user, Document.objects.filter(kind=THREAD))
    if community is not None:
        documents = documents.filter(community=community)
    if exclude is not None:
        documents = documents.exclude(object_id=exclude)
    text = f"{title}\n{body}"
    if method == "semantic" or (method == "auto" and semantic.is_enabled()):
        ranked = [
            (pk, score)
            for pk, score in semantic.nearest(text, documents, SIMILAR_CANDIDATES)
            if score >= SEMANTIC_MIN_SCORE
        ]
        rows = {d.pk: d for d in documents.filter(pk__in=[pk for pk, _ in ranked])}
        found = [rows[pk] for pk, _ in ranked if pk in rows]
    else:
        words = q.topic_words(title, 12) + q.topic_words(body, 12)
        parsed = q.ParsedQuery(terms=list(dict.fromkeys(words))[:16])
        if parsed.is_empty:
            return []
        found = list(
            engine.match(documents, parsed, any_term=True)[:SIMILAR_CANDIDATES]
        )
    # Answered first, each group keeping its relevance order; stable sort.
    best = sorted(found[: limit * 2], key=lambda d: not d.is_answered)
    return hits_for(user, best)[:limit]
