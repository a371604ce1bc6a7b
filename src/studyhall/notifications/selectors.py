"""Reads for notifications, subscriptions and preferences, filtered by the policy."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat.models import Room
from studyhall.communities.models import Community
from studyhall.core import sql
from studyhall.core.pagination import Page, paginate
from studyhall.discussions.models import Category, Thread
from studyhall.groups.models import StudyGroup
from studyhall.notifications.models import (
    Kind,
    Level,
    Notification,
    Preference,
    Subscription,
    TargetType,
)
from studyhall.policy import Action

PAGE_SIZE = 30


def _visible_q(user: Any) -> Q:
    """Keep notifications whose community and thread the person may still see.

    The twin of policy.can(..., VIEW) on each target: a person who left a
    private community, or whose thread was deleted, stops seeing its news.
    Each test is correlated with the notification's own thread and community
    (a primary-key lookup per notification), so its cost follows the person's
    notifications, not the number of threads on the site.
    """
    thread = policy.visible(user, Thread.objects.filter(pk=OuterRef("thread_id")))
    community = policy.visible(
        user, Community.objects.filter(pk=OuterRef("community_id"))
    )
    return (
        (Q(thread__isnull=True) | Q(Exists(thread)))
        & (Q(community__isnull=True) | Q(Exists(community)))
        & (Q(post__isnull=True) | Q(post__is_deleted=False))
    )


def notifications_for(user: Any) -> QuerySet[Notification]:
    """Return the person's notifications they may still see, newest news first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).filter(_visible_q(user))


def unread_count(user: Any) -> int:
    """Return how many unread notifications the person has (one query).

    Every page a member opens shows it, so the query is compiled once per
    policy snapshot and then only run (core.sql).
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    return sql.count(
        ("unread-notifications", policy.fingerprint(user)),
        lambda: notifications_for(user).filter(read_at__isnull=True),
    )


@dataclass
class Item:
    """One notification as its recipient sees it."""

    notification: Notification
    text: str
    url: str
    is_read: bool

    @property
    def pk(self) -> int:
        return self.notification.pk


@dataclass
class Day:
    day: date
    items: list[Item]


def time_zone_of(user: Any) -> tzinfo:
    """Return the person's chosen time zone (UTC by default)."""
    name = (
        Preference.objects.filter(user_id=user.pk)
        .values_list("time_zone", flat=True)
        .first()
    )
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def describe(viewer: Any, n: Notification) -> str:
    """Return the sentence for a notification, naming authors only through
    policy.author_for so an anonymous author stays anonymous."""
    thread = n.thread
    title = f"“{thread.title}”" if thread is not None else ""
    name = policy.author_for(viewer, n.post).name if n.post is not None else "Someone"
    if n.kind == Kind.REPLY and thread is not None:
        if n.count > 1:
            return f"{n.count} new replies in {title}"
        return f"{name} replied in {title}"
    if n.kind == Kind.THREAD and n.community is not None:
        if n.count > 1:
            return f"{n.count} new threads in {n.community.name}"
        return f"{name} started {title} in {n.community.name}"
    if n.kind == Kind.ACTIVITY and thread is not None:
        if n.count > 1:
            return f"{n.count} new posts in {title}"
        if n.post is not None and n.post.number == 1:
            return f"New thread {title}"
        return f"New post in {title}"
    if n.kind == Kind.MENTION and thread is not None:
        return f"{name} mentioned you in {title}"
    if n.kind == Kind.ACCEPTED and thread is not None:
        return f"Your answer in {title} was accepted"
    if n.kind == Kind.ENDORSED and thread is not None:
        return f"Your post in {title} was endorsed"
    if n.count > 1:
        return f"{n.text} ({n.count})"
    return n.text or n.get_kind_display()


def _generic_targets_visible(user: Any, rows: list[Notification]) -> set[int]:
    """Return ids of notifications about other apps' rows the person may still see.

    One query per kind of target, each through policy.visible.
    """
    wanted: dict[Any, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for n in rows:
        if n.target_type_id is not None and n.target_id is not None:
            wanted[n.target_type][n.target_id].append(n.pk)
    keep: set[int] = set()
    for content_type, by_id in wanted.items():
        model: type[Model] | None = content_type.model_class()
        if model is None:
            continue
        try:
            found = set(
                policy.visible(
                    user, model._default_manager.filter(pk__in=list(by_id))
                ).values_list("pk", flat=True)
            )
        except TypeError:  # No visibility rule: the target is the person's own.
            found = set(by_id)
        for pk in found:
            keep.update(by_id[pk])
    return keep


def items_for(viewer: Any, rows: list[Notification]) -> list[Item]:
    """Turn loaded notifications into items, dropping any whose target is now hidden."""
    generic = _generic_targets_visible(viewer, rows)
    items = []
    for n in rows:
        if n.target_type_id is not None and n.pk not in generic:
            continue
        items.append(
            Item(
                notification=n,
                text=describe(viewer, n),
                url=n.url or "/",
                is_read=n.read_at is not None,
            )
        )
    return items


def notification_page(
    user: Any, *, page: int = 1, unread_only: bool = False
) -> tuple[Page[Item], list[Day]]:
    """Return one page of the person's notifications and the same items by day.

    Days are the person's own (their time zone). The query count does not
    grow with the number of notifications.
    """
    qs = notifications_for(user).select_related(
        "post__author", "thread", "community", "target_type"
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    raw = paginate(qs.order_by("-updated_at", "-id"), page, PAGE_SIZE)
    items = items_for(user, raw.items)
    tz = time_zone_of(user)
    days: list[Day] = []
    for item in items:
        day = timezone.localtime(item.notification.updated_at, tz).date()
        if not days or days[-1].day != day:
            days.append(Day(day=day, items=[]))
        days[-1].items.append(item)
    result = Page(
        items=items, number=raw.number, page_count=raw.page_count, total=raw.total
    )
    return result, days


def notification_for(user: Any, notification_id: int) -> Notification | None:
    """Return one of the person's notifications, if they may still see it."""
    return (
        notifications_for(user)
        .select_related("post__author", "thread", "community", "target_type")
        .filter(pk=notification_id)
        .first()
    )


# --- subscriptions ----------------------------------------------------------------


@dataclass
class Followed:
    subscription: Subscription
    label: str
    url: str


def subscriptions_for(user: Any) -> list[Followed]:
    """Return the person's chosen subscription levels with names, hidden ones left out.

    One query per kind of target.
    """
    subs = list(
        Subscription.objects.filter(user_id=user.pk).order_by("target_type", "pk")
    )
    ids: dict[str, list[int]] = defaultdict(list)
    for s in subs:
        ids[s.target_type].append(s.target_id)
    names: dict[tuple[str, int], tuple[str, str]] = {}
    if ids.get(TargetType.COMMUNITY):
        for c in policy.visible(
            user, Community.objects.filter(pk__in=ids[TargetType.COMMUNITY])
        ):
            names[(TargetType.COMMUNITY, c.pk)] = (
                c.name,
                reverse("discussions:thread-list", kwargs={"slug": c.slug}),
            )
    if ids.get(TargetType.CATEGORY):
        for cat in policy.visible(
            user, Category.objects.filter(pk__in=ids[TargetType.CATEGORY])
        ).select_related("community"):
            names[(TargetType.CATEGORY, cat.pk)] = (
                f"{cat.community.name} › {cat.name}",
                f"/c/{cat.community.slug}/?category={cat.slug}",
            )
    if ids.get(TargetType.THREAD):
        for t in policy.visible(
            user, Thread.objects.filter(pk__in=ids[TargetType.THREAD])
        ):
            names[(TargetType.THREAD, t.pk)] = (
                t.title,
                reverse("discussions:thread-detail", kwargs={"pk": t.pk}),
            )
    if ids.get(TargetType.GROUP):
        for g in policy.visible(
            user, StudyGroup.objects.filter(pk__in=ids[TargetType.GROUP])
        ):
            names[(TargetType.GROUP, g.pk)] = (
                g.name,
                reverse("groups:group-detail", kwargs={"pk": g.pk}),
            )
    if ids.get(TargetType.ROOM):
        for r in policy.visible(user, Room.objects.filter(pk__in=ids[TargetType.ROOM])):
            names[(TargetType.ROOM, r.pk)] = (
                f"#{r.name}" if r.name else "a conversation",
                reverse("chat:room-detail", kwargs={"pk": r.pk}),
            )
    if ids.get(TargetType.PERSON):
        for p in User.objects.filter(pk__in=ids[TargetType.PERSON], is_active=True):
            names[(TargetType.PERSON, p.pk)] = (
                f"{p.display_name} (@{p.handle})",
                reverse("accounts:profile", kwargs={"handle": p.handle}),
            )
    result = []
    for s in subs:
        found = names.get((s.target_type, s.target_id))
        if found is not None:
            result.append(Followed(subscription=s, label=found[0], url=found[1]))
    return result


def level_for(user: Any, target_type: str, target_id: int) -> str:
    """Return the level the person chose for a target, or normal."""
    level = (
        Subscription.objects.filter(
            user_id=user.pk, target_type=target_type, target_id=target_id
        )
        .values_list("level", flat=True)
        .first()
    )
    return level or Level.NORMAL


def describe_target(obj: Model) -> str:
    """Return how a subscription target is named on its settings page."""
    if isinstance(obj, User):
        return f"{obj.display_name} (@{obj.handle})"
    if isinstance(obj, Thread):
        return f"the thread “{obj.title}”"
    if isinstance(obj, Category):
        return f"the category {obj.name}"
    if isinstance(obj, Community):
        return obj.name
    if isinstance(obj, StudyGroup):
        return f"the study group {obj.name}"
    if isinstance(obj, Room):
        return f"the room #{obj.name}" if obj.name else "this conversation"
    return str(obj)


def can_view(user: Any, obj: Model) -> bool:
    """Return whether the person may view the object (policy.can)."""
    return policy.can(user, Action.VIEW, obj)


def localtime_in(tz: tzinfo, moment: datetime) -> datetime:
    """Return the moment in the given time zone."""
    return timezone.localtime(moment, tz)


def can_follow_own_stream(user: Any, pk: int) -> bool:
    """Return whether the person may follow the stream `user.<pk>`: only their own.

    It carries their notification count; nobody else may listen to it.
    """
    return bool(getattr(user, "is_authenticated", False)) and user.pk == pk
