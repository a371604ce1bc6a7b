"""Checks every new post passes before it is written: blackouts, slow mode,
rate limits, link floods, repeated text and the community's word filter.

discussions.services calls `screen_post` before writing and `hold_post`
inside its transaction when the word filter holds the post for review. This
module imports only models, so it can be called from the boards' services.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from studyhall import policy
from studyhall.core.errors import RateLimited
from studyhall.core.markdown import extract_mentions
from studyhall.discussions.models import Category, Post, Thread
from studyhall.moderation.models import (
    AuditEntry,
    Blackout,
    Case,
    ModerationSettings,
)
from studyhall.realtime.services import publish

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
FILTER_ACTIONS = ("block", "hold", "replace")


@dataclass(frozen=True)
class WordRule:
    word: str
    action: str
    replacement: str = ""

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w){re.escape(self.word)}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Screened:
    body: str
    hold_reason: str = ""


def parse_word_filter(text: str) -> list[WordRule]:
    """Parse "word = block", "word = hold" and "word = replace: ***" lines;
    raise ValidationError naming the first bad line."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, sep, rest = line.partition("=")
        action, _, replacement = rest.strip().partition(":")
        action = action.strip().lower()
        if not sep or not word.strip() or action not in FILTER_ACTIONS:
            raise ValidationError(
                {
                    "word_filter": f"Line {number}: write “word = block”, "
                    "“word = hold” or “word = replace: ***”."
                }
            )
        rules.append(WordRule(word.strip(), action, replacement.strip()))
    return rules


def active_blackout(community_id: int, category: Category | None) -> Blackout | None:
    """Return the blackout closing this category (or the whole community) now."""
    now = timezone.now()
    scope = Q(categories__isnull=True)
    if category is not None:
        scope |= Q(categories=category)
    return (
        Blackout.objects.filter(
            scope, community_id=community_id, starts_at__lte=now, ends_at__gt=now
        )
        .order_by("ends_at")
        .first()
    )


def _wait_message(what: str, wait: int) -> str:
    if wait < 90:
        return f"{what} Try again in {wait} seconds."
    return f"{what} Try again in {math.ceil(wait / 60)} minutes."


def _check_posting_rate(author: Any) -> None:
    limit = settings.POSTS_PER_MINUTE
    since = timezone.now() - timedelta(seconds=60)
    recent = list(
        Post.objects.filter(author=author, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    wait = 60
    if recent:
        wait = max(
            1,
            math.ceil(
                (recent[-1] + timedelta(seconds=60) - timezone.now()).total_seconds()
            ),
        )
    raise RateLimited(
        _wait_message(f"You can post {limit} times a minute.", wait),
        code="post_rate_limited",
        retry_after=wait,
    )


def _check_slow_mode(author: Any, thread: Thread) -> None:
    seconds = thread.slow_mode_seconds
    if not seconds:
        return
    last = (
        Post.objects.filter(thread=thread, author=author)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return
    wait = math.ceil(
        (last + timedelta(seconds=seconds) - timezone.now()).total_seconds()
    )
    if wait > 0:
        raise RateLimited(
            _wait_message(
                f"Slow mode is on in this thread: one reply every {seconds} seconds.",
                wait,
            ),
            code="slow_mode",
            retry_after=wait,
        )


NEW, MEMBER, TRUSTED = 0, 1, 2
TRUST_LEVELS = {NEW: "New", MEMBER: "Member", TRUSTED: "Trusted"}
IMAGE = re.compile(r"!\[[^\]]*\]\(")


def trust_level(author: Any, community_id: int) -> int:
    """Return the person's trust level in the community: set by a moderator,
    else earned (staff and mentors are trusted; students become members after
    some days and posts, and trusted after ten times as many posts)."""
    from studyhall.communities.models import Membership, Role

    role = policy.snapshot(author).role_in(community_id)
    row = (
        Membership.objects.filter(community_id=community_id, user=author)
        .values_list("joined_at", "trust_level")
        .first()
    )
    if row is not None and row[1] is not None:
        return int(row[1])
    if role is None:
        return NEW
    if role != Role.STUDENT:
        return TRUSTED
    joined = row[0] if row else None
    days = settings.MODERATION_TRUSTED_AFTER_DAYS
    if joined is None or joined > timezone.now() - timedelta(days=days):
        return NEW
    posts = Post.objects.filter(
        community_id=community_id, author=author, is_deleted=False
    ).count()
    if posts >= settings.MODERATION_TRUSTED_AFTER_POSTS * 10:
        return TRUSTED
    if posts >= settings.MODERATION_TRUSTED_AFTER_POSTS:
        return MEMBER
    return NEW


def _check_limit(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ValidationError(
            {
                "body": f"New members may use at most {limit} {what} in one post "
                f"(this one has {count}). The limit lifts as you take part."
            }
        )


def _check_spam(author: Any, community_id: int, body: str) -> None:
    links = len(LINK.findall(body))
    if trust_level(author, community_id) == NEW:
        _check_limit(links, settings.NEW_MEMBER_MAX_LINKS_PER_POST, "links")
        _check_limit(
            len(IMAGE.findall(body)), settings.NEW_MEMBER_MAX_IMAGES_PER_POST, "images"
        )
        _check_limit(
            len(extract_mentions(body)),
            settings.NEW_MEMBER_MAX_MENTIONS_PER_POST,
            "mentions",
        )
    limit = settings.MAX_LINKS_PER_POST
    if links > limit:
        raise ValidationError(
            {"body": f"Use at most {limit} links in one post (this one has {links})."}
        )
    window = settings.SPAM_REPEAT_WINDOW_SECONDS
    since = timezone.now() - timedelta(seconds=window)
    if (
        window
        and Post.objects.filter(
            author=author, community_id=community_id, body=body, created_at__gte=since
        ).exists()
    ):
        raise ValidationError(
            {"body": "You posted this same text a moment ago. Link to it instead."}
        )


def _apply_word_filter(community_id: int, body: str) -> Screened:
    text = (
        ModerationSettings.objects.filter(community_id=community_id)
        .values_list("word_filter", flat=True)
        .first()
    )
    if not text:
        return Screened(body)
    try:
        rules = parse_word_filter(text)
    except ValidationError:
        return Screened(body)
    hold = ""
    for rule in rules:
        if not rule.pattern.search(body):
            continue
        if rule.action == "block":
            raise ValidationError(
                {"body": f"This community does not allow “{rule.word}”."}
            )
        if rule.action == "replace":
            body = rule.pattern.sub(rule.replacement or "***", body)
        else:
            hold = f"Contains “{rule.word}”"
    return Screened(body, hold)


def screen_post(
    author: Any,
    community_id: int,
    *,
    category: Category | None,
    thread: Thread | None,
    body: str,
) -> Screened:
    """Check a new post before it is written and return its (filtered) body.

    Raises ValidationError (blackout, link flood, repeated text, blocked
    word) or RateLimited (posts per minute, slow mode). Moderating roles pass
    blackouts, slow mode and the rate limit.
    """
    role = policy.snapshot(author).role_in(community_id)
    is_staff = role in policy.MODERATING_ROLES
    if not is_staff:
        blackout = active_blackout(community_id, category)
        if blackout is not None:
            until = timezone.localtime(blackout.ends_at).strftime("%-d %b %Y, %H:%M")
            raise ValidationError(
                {"body": f"Posting here is closed until {until}: {blackout.notice}"}
            )
        _check_posting_rate(author)
        if thread is not None:
            _check_slow_mode(author, thread)
        _check_spam(author, community_id, body)
    return _apply_word_filter(community_id, body)


def hold_post(post: Post, reason: str) -> None:
    """Hide a post the word filter held and open its case for review.

    Must run inside the transaction that created the post.
    """
    from studyhall.discussions.services import set_post_hidden

    set_post_hidden(None, post, hidden=True)
    case, _ = Case.objects.get_or_create(
        content_type="post",
        object_id=post.pk,
        defaults={
            "community_id": post.community_id,
            "author_id": post.author_id,
            "is_auto_hidden": True,
        },
    )
    publish(
        f"user.{post.author_id}",
        "moderation.hidden",
        {"case": case.pk, "kind": "post", "id": post.pk},
    )
    AuditEntry.objects.create(
        community_id=post.community_id,
        kind=AuditEntry.Kind.HOLD,
        case=case,
        content_type="post",
        object_id=post.pk,
        target_id=post.author_id,
        reason=reason,
    )
