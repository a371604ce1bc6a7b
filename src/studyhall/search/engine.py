"""The full-text engine of the database in use, chosen at run time by vendor.

SQLite: the FTS5 table `search_fts` (rowid = document id), ranked by bm25()
with the title weighted above the body, snippets from snippet()/highlight().
PostgreSQL: `search_document.search_vector` (title weight A, body weight B)
under a GIN index, `websearch_to_tsquery` with the configured language for
stemming, ranked by ts_rank, snippets from ts_headline.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, QuerySet

from studyhall.core import sql
from studyhall.search import query as q
from studyhall.search.models import Document

# bm25() weights for (title, body): a word in the title says more.
TITLE_WEIGHT, BODY_WEIGHT = 8.0, 1.0
SNIPPET_WORDS = 24


def vendor() -> str:
    return connection.vendor


def language() -> str:
    """Return the PostgreSQL text search configuration used for stemming."""
    return settings.SEARCH_LANGUAGE


# --- writing ----------------------------------------------------------------


def write_text(documents: Sequence[Document]) -> None:
    """Put the documents' current title and body into the text index.

    Must run inside the transaction that saved the documents.
    """
    if not documents:
        return
    ids = [d.pk for d in documents]
    if vendor() == "sqlite":
        with connection.cursor() as cursor:
            _sqlite_delete(cursor, ids)
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [(d.pk, d.title, d.body) for d in documents],
            )
    elif vendor() == "postgresql":
        config = language()
        Document.objects.filter(pk__in=ids).update(
            search_vector=SearchVector("title", weight="A", config=config)
            + SearchVector("body", weight="B", config=config)
        )


def delete_text(ids: Sequence[int]) -> None:
    """Drop documents from the text index (PostgreSQL drops them with the row)."""
    if ids and vendor() == "sqlite":
        with connection.cursor() as cursor:
            _sqlite_delete(cursor, list(ids))


def clear_text() -> None:
    """Empty the text index, before a rebuild."""
    if vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


def optimize() -> None:
    """Tidy the text index after a rebuild: FTS5 merges its segments into one;
    PostgreSQL refreshes the planner's statistics, so it knows a common word
    from a rare one (walk the primary key, or scan the GIN index)."""
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        elif vendor() == "postgresql":
            cursor.execute("ANALYZE search_document")


def _sqlite_delete(cursor: object, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(  # type: ignore[attr-defined]
            f"DELETE FROM search_fts WHERE rowid IN ({marks})",  # noqa: S608
            chunk,
        )


# A page of hits is read by a query compiled once for its number of ids,
# rounded up to a multiple of this; the rest are padded with an id no row has.
ID_SLOTS = 10


def id_slots(ids: Sequence[int]) -> dict[str, int]:
    """Return a page's ids as the named values of a compiled query (`sql.rows`)."""
    count = max(ID_SLOTS, -(-len(ids) // ID_SLOTS) * ID_SLOTS)
    padded = [*ids, *[0] * (count - len(ids))]
    return {f"id{i:03d}": pk for i, pk in enumerate(padded)}


# --- matching ---------------------------------------------------------------


def match(
    documents: QuerySet[Document], parsed: q.ParsedQuery, *, any_term: bool = False
) -> QuerySet[Document]:
    """Narrow documents to those matching the query, best first (annotates `rank`,
    higher is better).

    Snippets are left to `marks`, asked for one page of hits only: computing
    them in the ranking query would cost them for every match.
    """
    if vendor() == "postgresql":
        tsquery = _tsquery(parsed, any_term=any_term)
        return (
            documents.filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "-id")
        )
    return documents.extra(  # noqa: S610 - every value is a bound parameter
        select={"rank": f"-bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"},
        tables=["search_fts"],
        where=["search_fts.rowid = search_document.id", "search_fts MATCH %s"],
        params=[q.fts5(parsed, any_term=any_term)],
    ).order_by("-rank", "-id")


def newest_matches(
    key: Hashable,
    documents: Callable[[], QuerySet[Document]],
    parsed: q.ParsedQuery,
    limit: int,
    *,
    any_term: bool = False,
) -> list[tuple[int, float]]:
    """Return (document id, rank) of the newest `limit` matches, newest first
    (rank higher is better).

    The candidates are read in document-id order, which both indexes serve
    without scoring (FTS5 walks its doclists by rowid; PostgreSQL walks the
    primary key backwards or sorts a GIN bitmap of a rare word), so the cost
    is bounded by `limit`, not by how many posts hold a common word. Only
    these candidates are scored. `documents()` carries the policy and the
    filters, so they narrow the scan itself rather than a page already cut.

    The query is compiled once per `key`, which must hold everything
    `documents()` is built from (the viewer's access and the filters); the
    typed words are its only value, so the next search by the same viewer
    with the same filters runs the same SQL without building it again.
    """
    text = _match_text(parsed, any_term=any_term)
    found = sql.rows(
        ("newest", key, limit, any_term),
        lambda text: _newest_query(documents(), text, limit, any_term=any_term),
        text=text,
    )
    return [(int(pk), float(rank)) for pk, rank in found]


def _match_text(parsed: q.ParsedQuery, *, any_term: bool) -> str:
    if vendor() == "postgresql":
        return q.raw_any(parsed) if any_term else q.websearch(parsed)
    return q.fts5(parsed, any_term=any_term)


def _newest_query(
    documents: QuerySet[Document], text: str, limit: int, *, any_term: bool
) -> QuerySet[Any]:
    if vendor() == "postgresql":
        tsquery = SearchQuery(
            text, config=language(), search_type="raw" if any_term else "websearch"
        )
        newest = documents.filter(search_vector=tsquery).order_by("-id")[:limit]
        return (
            Document.objects.filter(pk__in=newest.values("pk"))
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-id")
            .values_list("pk", "rank")
        )
    return (
        documents.extra(  # noqa: S610 - every value is a bound parameter
            select={"rank": f"-bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"},
            tables=["search_fts"],
            where=["search_fts.rowid = search_document.id", "search_fts MATCH %s"],
            params=[text],
            order_by=["-search_fts.rowid"],
        ).values_list("pk", "rank")
    )[:limit]


def _tsquery(parsed: q.ParsedQuery, *, any_term: bool) -> SearchQuery:
    config = language()
    if any_term:
        return SearchQuery(q.raw_any(parsed), config=config, search_type="raw")
    return SearchQuery(q.websearch(parsed), config=config, search_type="websearch")


def marks(
    parsed: q.ParsedQuery, ids: Sequence[int], *, any_term: bool = False
) -> dict[int, tuple[str, str]]:
    """Return (title, snippet) with START/STOP markers around matched words, not
    yet escaped, for a page of matching documents (one query)."""
    if not ids:
        return {}
    if vendor() == "postgresql":
        slots = id_slots(ids)
        rows = sql.rows(
            ("marks", len(slots), any_term),
            lambda text, **ids: _headlines(text, list(ids.values()), any_term),
            text=_match_text(parsed, any_term=any_term),
            **slots,
        )
        return {pk: (title, snippet) for pk, title, snippet in rows}
    placeholders = ", ".join(["%s"] * len(ids))
    statement = (
        "SELECT rowid, highlight(search_fts, 0, %s, %s), "  # noqa: S608 - ids are bound
        f"snippet(search_fts, 1, %s, %s, %s, {SNIPPET_WORDS}) "
        f"FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
                q.START,
                q.STOP,
                q.START,
                q.STOP,
                "…",
                q.fts5(parsed, any_term=any_term),
                *ids,
            ],
        )
        return {pk: (title, snippet) for pk, title, snippet in cursor.fetchall()}


def _headlines(text: str, ids: list[int], any_term: bool) -> QuerySet[Any]:
    config = language()
    tsquery = SearchQuery(
        text, config=config, search_type="raw" if any_term else "websearch"
    )
    return (
        Document.objects.filter(pk__in=ids)
        .annotate(
            title_marked=SearchHeadline(
                "title",
                tsquery,
                config=config,
                start_sel=q.START,
                stop_sel=q.STOP,
                highlight_all=True,
            ),
            snippet_marked=SearchHeadline(
                "body",
                tsquery,
                config=config,
                start_sel=q.START,
                stop_sel=q.STOP,
                max_words=SNIPPET_WORDS,
                min_words=10,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .values_list("pk", "title_marked", "snippet_marked")
    )
