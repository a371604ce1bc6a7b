"""React to committed events (and, for apps without events, to saves) by
queueing index updates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from studyhall.accounts.models import User
from studyhall.library.models import LibraryItem
from studyhall.profiles.models import Opportunity, Profile, ProfileTag
from studyhall.realtime.hooks import Occurrence, listen
from studyhall.search import tasks
from studyhall.search.kinds import (
    GROUP,
    MESSAGE,
    OPPORTUNITY,
    PERSON,
    REPLY,
    RESOURCE,
    THREAD,
)


@listen("thread.created")
def thread_created(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(THREAD, [occurrence.payload["thread"]])


@listen("reply.created")
def reply_created(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(REPLY, [occurrence.payload["post"]])


@listen("post.edited", "post.hidden", "post.restored")
def post_edited(occurrence: Occurrence) -> None:
    payload = occurrence.payload
    if payload.get("number") == 1 and occurrence.type == "post.edited":
        tasks.index_documents.enqueue(THREAD, [payload["thread"]])
    elif payload.get("number") == 1:
        # Hiding the opening post hides the thread and every reply with it.
        tasks.index_thread.enqueue(payload["thread"])
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


@listen("message.created", "message.edited", "message.deleted")
def message_changed(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(MESSAGE, [occurrence.payload["message"]])


@listen("group.created", "group.updated")
def group_changed(occurrence: Occurrence) -> None:
    tasks.index_documents.enqueue(GROUP, [occurrence.payload["group"]])


# Library items, opportunities and profiles publish no events: their saves
# and deletions queue the same idempotent task, as plumbing like a cache.


def _queue(kind: str, pk: int | None) -> None:
    if pk is not None:
        transaction.on_commit(lambda: tasks.index_documents.enqueue(kind, [pk]))


def _resource_saved(sender: Any, instance: LibraryItem, **kwargs: Any) -> None:
    _queue(RESOURCE, instance.pk)


def _opportunity_saved(sender: Any, instance: Opportunity, **kwargs: Any) -> None:
    _queue(OPPORTUNITY, instance.pk)


def _profile_saved(sender: Any, instance: Profile | ProfileTag, **kwargs: Any) -> None:
    _queue(PERSON, instance.user_id)


def _user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    _queue(PERSON, instance.pk)


def connect_signals() -> None:
    """Connect the saves and deletions that change documents; called from ready()."""
    for model, receiver in (
        (LibraryItem, _resource_saved),
        (Opportunity, _opportunity_saved),
        (Profile, _profile_saved),
        (ProfileTag, _profile_saved),
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"search-{model.__name__}-{signal is post_save}",
            )
    post_save.connect(_user_saved, sender=User, dispatch_uid="search-user")
