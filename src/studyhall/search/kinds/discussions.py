"""Threads and replies as search documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import unescape
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import strip_tags

from studyhall import policy
from studyhall.core import sql
from studyhall.discussions.models import Post, Thread
from studyhall.policy import Action
from studyhall.search.engine import id_slots
from studyhall.search.registry import DocumentKind, Entry, Shown, register

THREAD = "thread"
REPLY = "reply"


def _is_answered(thread: Thread) -> bool:
    return thread.accepted_post_id is not None or thread.has_endorsed_reply


def _has_code(post: Post) -> bool:
    return "<code" in post.body_html


def plain_text(html: str) -> str:
    """Return the words of rendered HTML, so snippets show text, not Markdown."""
    return " ".join(unescape(strip_tags(html.replace("<", " <"))).split())


def thread_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for threads: the title and the opening post's text."""
    threads = {t.pk: t for t in Thread.objects.filter(pk__in=ids)}
    openings = {
        p.thread_id: p for p in Post.objects.filter(thread_id__in=ids, number=1)
    }
    result: dict[int, Entry | None] = {}
    for pk in ids:
        thread = threads.get(pk)
        opening = openings.get(pk)
        if thread is None or thread.is_deleted or opening is None:
            result[pk] = None
            continue
        result[pk] = Entry(
            community_id=thread.community_id,
            title=thread.title,
            body=plain_text(opening.body_html),
            created_at=thread.created_at,
            author_id=thread.author_id,
            is_anonymous=thread.is_anonymous,
            is_hidden=thread.is_hidden,
            thread_id=thread.pk,
            is_question=thread.is_question,
            is_answered=_is_answered(thread),
            has_code=_has_code(opening),
        )
    return result


def reply_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for replies; deleted ones and those of deleted threads drop out."""
    posts = {
        p.pk: p
        for p in Post.objects.filter(pk__in=ids, number__gt=1).select_related("thread")
    }
    result: dict[int, Entry | None] = {}
    for pk in ids:
        post = posts.get(pk)
        if post is None or post.is_deleted or post.thread.is_deleted:
            result[pk] = None
            continue
        result[pk] = Entry(
            community_id=post.community_id,
            title="",
            body=plain_text(post.body_html),
            created_at=post.created_at,
            author_id=post.author_id,
            is_anonymous=post.is_anonymous,
            is_hidden=post.is_hidden or post.thread.is_hidden,
            thread_id=post.thread_id,
            is_question=post.thread.is_question,
            is_answered=_is_answered(post.thread),
            has_code=_has_code(post),
        )
    return result


def thread_keys() -> Iterable[tuple[datetime, int]]:
    return Thread.objects.filter(is_deleted=False).values_list("created_at", "pk")


def reply_keys() -> Iterable[tuple[datetime, int]]:
    return Post.objects.filter(
        number__gt=1, is_deleted=False, thread__is_deleted=False
    ).values_list("created_at", "pk")


def _threads(user: Any, **ids: int) -> QuerySet[Thread]:
    return policy.visible(
        user, Thread.objects.filter(pk__in=list(ids.values()), is_deleted=False)
    ).select_related("community", "author")


def _replies(user: Any, **ids: int) -> QuerySet[Post]:
    return policy.visible(
        user,
        Post.objects.filter(
            pk__in=list(ids.values()), is_deleted=False, thread__is_deleted=False
        ),
    ).select_related("thread__community", "author")


def show_threads(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load threads through the policy (one query, compiled once per viewer's
    access: `policy.fingerprint`) and say how to show each."""
    slots = id_slots(ids)
    threads: list[Thread] = sql.instances(
        ("search.threads", policy.fingerprint(user), len(slots)),
        lambda **ids: _threads(user, **ids),
        **slots,
    )
    return {
        t.pk: Shown(
            url=reverse("discussions:thread-detail", kwargs={"pk": t.pk}),
            title=t.title,
            community_name=t.community.name,
            author=policy.author_for(user, t),
            can_merge=policy.can(user, Action.MERGE_THREAD, t),
        )
        for t in threads
    }


def show_replies(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load replies through the policy (one query) and say how to show each."""
    slots = id_slots(ids)
    posts: list[Post] = sql.instances(
        ("search.replies", policy.fingerprint(user), len(slots)),
        lambda **ids: _replies(user, **ids),
        **slots,
    )
    return {
        p.pk: Shown(
            url=reverse("discussions:post-detail", kwargs={"pk": p.pk}),
            title=p.thread.title,
            community_name=p.thread.community.name,
            author=policy.author_for(user, p),
            context="Reply",
        )
        for p in posts
    }


register(
    DocumentKind(
        name=THREAD,
        label="Threads",
        singular="Thread",
        entries=thread_entries,
        all_keys=thread_keys,
        show=show_threads,
    )
)
register(
    DocumentKind(
        name=REPLY,
        label="Replies",
        singular="Reply",
        entries=reply_entries,
        all_keys=reply_keys,
        show=show_replies,
    )
)
