"""React to committed discussion events by queueing index updates."""

from __future__ import annotations

from studyhall.realtime.hooks import Occurrence, listen
from studyhall.search import tasks
from studyhall.search.kinds import REPLY, THREAD


@listen("thread.created")
def thread_created(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(THREAD, [occurrence.payload["thread"]])


@listen("reply.created")
def reply_created(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(REPLY, [occurrence.payload["post"]])


@listen("post.edited")
def post_edited(occurrence: Occurrence) -> None:
    payload = occurrence.payload
    if payload.get("number") == 1:
        tasks.index_documents.enqueue(THREAD, [payload["thread"]])
    else:
        tasks.index_documents.enqueue(REPLY, [payload["post"]])


@listen("post.deleted")
def post_deleted(occurrence: Occurrence) -> None:
    payload = occurrence.payload
    if payload.get("number") == 1:
        # The opening post takes its thread and every reply out of search.
        tasks.index_thread.enqueue(payload["thread"])
    else:
        tasks.index_documents.enqueue(REPLY, [payload["post"]])


@listen(
    "answer.accepted",
    "answer.cleared",
    "post.endorsed",
    "post.unendorsed",
    "thread.merged",
)
def thread_changed(occurrence: Occurrence) -> None:
    tasks.index_thread.enqueue(occurrence.payload["thread"])
    into = occurrence.payload.get("into")
    if into:
        tasks.index_thread.enqueue(into)
