"""Background indexing; each task loads fresh rows, so retries do no harm."""

from __future__ import annotations

from django_tasks import task

from studyhall.search import indexing


@task()
def index_documents(kind: str, ids: list[int]) -> None:
    """Refresh the documents of these objects of one kind."""
    indexing.index(kind, ids)


@task()
def index_thread(thread_id: int) -> None:
    """Refresh a thread's document and its replies'."""
    indexing.index_thread(thread_id)
