"""Keep the index in step with the content: add, refresh and drop documents.

Every function loads fresh rows through the kind's `entries`, so running one
twice, or late, does no harm: the index ends up matching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from studyhall.discussions.models import Post
from studyhall.search import engine, registry, semantic
from studyhall.search.kinds import REPLY, THREAD
from studyhall.search.models import Document, Embedding
from studyhall.search.query import strip_markers
from studyhall.search.registry import Entry

T = TypeVar("T")
BATCH_SIZE = 500


def _fill(document: Document, entry: Entry) -> Document:
    document.community_id = entry.community_id
    document.thread_id = entry.thread_id
    document.author_id = entry.author_id
    document.is_anonymous = entry.is_anonymous
    document.is_hidden = entry.is_hidden
    document.scope = entry.scope
    document.scope_id = entry.scope_id
    document.title = strip_markers(entry.title)[:300]
    document.body = strip_markers(entry.body)
    document.is_question = entry.is_question
    document.is_answered = entry.is_answered
    document.has_code = entry.has_code
    document.created_at = entry.created_at
    document.indexed_at = timezone.now()
    return document


def index(kind_name: str, ids: Iterable[int]) -> None:
    """Add or refresh the documents of these objects; drop those gone or hidden."""
    kind = registry.get(kind_name)
    ids = list(ids)
    if not ids:
        return
    entries = kind.entries(ids)
    with transaction.atomic():
        remove(kind_name, [pk for pk, entry in entries.items() if entry is None])
        existing = {
            d.object_id: d
            for d in Document.objects.filter(kind=kind_name, object_id__in=ids)
        }
        saved = []
        for pk, entry in entries.items():
            if entry is None:
                continue
            document = existing.get(pk) or Document(kind=kind_name, object_id=pk)
            _fill(document, entry).save()
            saved.append(document)
        engine.write_text(saved)
        semantic.store(saved)


def remove(kind_name: str, ids: Iterable[int]) -> None:
    """Drop the documents of these objects from the index."""
    ids = list(ids)
    if not ids:
        return
    with transaction.atomic():
        doomed = list(
            Document.objects.filter(kind=kind_name, object_id__in=ids).values_list(
                "pk", flat=True
            )
        )
        engine.delete_text(doomed)
        Document.objects.filter(pk__in=doomed).delete()


def index_thread(thread_id: int) -> None:
    """Refresh a thread's document and all of its replies' (after a merge, delete,
    accepted answer or endorsement)."""
    index(THREAD, [thread_id])
    current = set(
        Post.objects.filter(thread_id=thread_id, number__gt=1).values_list(
            "pk", flat=True
        )
    )
    # Replies indexed under this thread that have since moved or gone.
    listed = set(
        Document.objects.filter(kind=REPLY, thread_id=thread_id).values_list(
            "object_id", flat=True
        )
    )
    index(REPLY, sorted(current | listed))


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(
    kinds: Iterable[str] | None = None,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Empty the index and fill it again from every registered kind; return the count.

    Documents are written oldest first across all kinds, so document ids
    follow creation order: search ranks the newest matches of a common word
    (engine.newest_matches), and that must not mean "the kind rebuilt last".
    `progress("documents", done, total)` is called after each batch.
    """
    names = list(kinds) if kinds is not None else list(registry.KINDS)
    with transaction.atomic():
        if kinds is None:
            engine.clear_text()
            Embedding.objects.all().delete()
            Document.objects.all().delete()
        else:
            for name in names:
                doomed = list(
                    Document.objects.filter(kind=name).values_list("pk", flat=True)
                )
                engine.delete_text(doomed)
                Document.objects.filter(pk__in=doomed).delete()
    keys = sorted(
        (created_at, name, pk)
        for name in names
        for created_at, pk in registry.get(name).all_keys()
    )
    total_indexed = done = 0
    if progress:
        progress("documents", 0, len(keys))
    for batch in _batches(keys, BATCH_SIZE):
        by_kind: dict[str, list[int]] = {}
        for _created_at, name, pk in batch:
            by_kind.setdefault(name, []).append(pk)
        entries = {
            name: registry.get(name).entries(ids) for name, ids in by_kind.items()
        }
        documents = [
            _fill(Document(kind=name, object_id=pk), entry)
            for _created_at, name, pk in batch
            if (entry := entries[name].get(pk)) is not None
        ]
        with transaction.atomic():
            Document.objects.bulk_create(documents)
            engine.write_text(documents)
            semantic.store(documents)
        done += len(batch)
        total_indexed += len(documents)
        if progress:
            progress("documents", done, len(keys))
    engine.optimize()
    return total_indexed
