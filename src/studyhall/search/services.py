"""Writes owned by search: merging a duplicate thread into another."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.discussions.models import Post, Reaction, Thread
from studyhall.discussions.services import create_reply, thread_stream
from studyhall.policy import Action
from studyhall.realtime.services import publish
from studyhall.search.models import ThreadMerge


def merge_thread(actor: User, duplicate: Thread, *, into: Thread) -> ThreadMerge:
    """Move a duplicate thread's replies to the end of another thread of the same
    community and leave a pointer reply in the duplicate; moderators may.

    The duplicate keeps its opening post, so links to it still lead somewhere,
    followed by a reply linking to the thread that now holds the answers.
    """
    if not policy.can(actor, Action.MERGE_THREAD, duplicate):
        raise PermissionDenied("Only moderators can merge threads.")
    if into.pk == duplicate.pk:
        raise ValidationError({"into": "Choose a different thread to merge into."})
    if into.community_id != duplicate.community_id or not policy.can(
        actor, Action.MERGE_THREAD, into
    ):
        raise ValidationError({"into": "Choose a thread of the same community."})
    if ThreadMerge.objects.filter(thread=into).exists():
        raise ValidationError(
            {"into": "That thread was itself merged; choose the thread it points to."}
        )
    with transaction.atomic():
        # Lock both threads in id order so two merges cannot deadlock.
        locked = {
            t.pk: t
            for t in Thread.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        source, target = locked[duplicate.pk], locked[into.pk]
        if ThreadMerge.objects.filter(thread=source).exists():
            raise ValidationError({"into": "This thread was already merged."})
        moving = list(
            Post.objects.filter(thread=source, number__gt=1).order_by("number")
        )
        moved_ids = {p.pk for p in moving}
        number = target.last_post_number
        now = timezone.now()
        for post in moving:
            number += 1
            post.thread = target
            post.number = number
            if post.reply_to_id is not None and post.reply_to_id not in moved_ids:
                post.reply_to = None
            post.save(update_fields=["thread", "number", "reply_to"])
        live = [p for p in moving if not p.is_deleted]
        reactions = Reaction.objects.filter(post__in=live).aggregate(n=Count("id"))["n"]
        latest = max([p.created_at for p in live], default=target.last_activity_at)
        Thread.objects.filter(pk=target.pk).update(
            last_post_number=number,
            reply_count=F("reply_count") + len(live),
            reaction_count=F("reaction_count") + reactions,
            last_activity_at=max(latest, target.last_activity_at),
            has_endorsed_reply=Post.objects.filter(
                thread=target, number__gt=1, is_deleted=False, endorsed_at__isnull=False
            ).exists(),
        )
        Thread.objects.filter(pk=source.pk).update(
            last_post_number=1,
            reply_count=0,
            reaction_count=F("reaction_count") - reactions,
            accepted_post=None,
            has_endorsed_reply=False,
        )
        source.refresh_from_db()
        merge = ThreadMerge.objects.create(
            thread=source,
            into=target,
            merged_by=actor,
            moved_count=len(moving),
            merged_at=now,
        )
        url = reverse("discussions:thread-detail", kwargs={"pk": target.pk})
        create_reply(
            actor,
            source,
            body=f"This question was merged into [{_link_text(target.title)}]({url}), "
            f"where its {len(live)} repl{'y' if len(live) == 1 else 'ies'} now are.",
        )
        payload = {"thread": source.pk, "into": target.pk}
        publish(thread_stream(source), "thread.merged", payload, actor=actor)
        publish(thread_stream(target), "thread.merged.into", payload, actor=actor)
    return merge


def _link_text(title: str) -> str:
    """Escape the characters that would end a Markdown link's text early."""
    return "".join(f"\\{c}" if c in "[]\\`*_<>" else c for c in title)
