"""Feed entries: what people and communities did, written as it happens.

Board events and badge awards arrive through realtime's listeners after their
change commits; portfolio items are recorded by their service. Who may see an
entry is decided when a feed is read (policy.visible).
"""

from __future__ import annotations

import uuid
from typing import Any

from studyhall.discussions.models import Post, Thread
from studyhall.profiles.models import FeedEntry
from studyhall.realtime.hooks import Occurrence, listen
from studyhall.recognition.models import BadgeAward


def record(kind: str, *, actor_id: int, **targets: Any) -> FeedEntry:
    """Store one feed entry; call inside the change's transaction."""
    return FeedEntry.objects.create(kind=kind, actor_id=actor_id, **targets)


@listen("thread.created")
def on_thread_created(occurrence: Occurrence) -> None:
    """Record a new named thread; anonymous threads never reach anyone's feed."""
    thread = Thread.objects.filter(pk=occurrence.payload.get("thread", 0)).first()
    if thread is None or thread.is_anonymous:
        return
    FeedEntry.objects.get_or_create(
        kind=FeedEntry.Kind.THREAD,
        thread=thread,
        defaults={
            "actor_id": thread.author_id,
            "community_id": thread.community_id,
            "created_at": thread.created_at,
        },
    )


@listen("answer.accepted")
def on_answer_accepted(occurrence: Occurrence) -> None:
    """Record that someone's named reply was accepted as the answer."""
    post = (
        Post.objects.select_related("thread")
        .filter(pk=occurrence.payload.get("post", 0))
        .first()
    )
    if post is None or post.is_anonymous:
        return
    FeedEntry.objects.get_or_create(
        kind=FeedEntry.Kind.ANSWER,
        post=post,
        defaults={
            "actor_id": post.author_id,
            "community_id": post.community_id,
            "thread_id": post.thread_id,
        },
    )


@listen("badge.awarded")
def on_badge_awarded(occurrence: Occurrence) -> None:
    """Record a badge someone earned; readers see it only where they may see the
    earner's achievements and the community it was earned in."""
    try:
        uid = uuid.UUID(str(occurrence.payload.get("award", "")))
    except ValueError:
        return
    award = BadgeAward.objects.filter(uid=uid).first()
    if award is None:
        return
    FeedEntry.objects.get_or_create(
        kind=FeedEntry.Kind.BADGE,
        award=award,
        defaults={
            "actor_id": award.recipient_id,
            "community_id": award.community_id,
            "created_at": award.created_at,
        },
    )
