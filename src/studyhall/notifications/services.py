"""Writes for notifications, subscriptions and email preferences.

`notify` is the one way to create a notification; board events reach it
through the listeners in listeners.py, and other apps call it for their own
kinds (messages, invitations, reminders, badges, moderation notices).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import Block, User
from studyhall.chat.models import Room
from studyhall.communities.models import Community, Membership
from studyhall.core.markdown import extract_mentions
from studyhall.discussions.models import Category, Post, Thread
from studyhall.groups.models import StudyGroup
from studyhall.notifications.models import (
    IMMEDIATE_EMAIL_KINDS,
    Digest,
    Kind,
    Level,
    Notification,
    Preference,
    Subscription,
    SuppressedAddress,
    TargetType,
)
from studyhall.policy import Action
from studyhall.realtime.services import publish

logger = logging.getLogger(__name__)


def user_stream(user: Any) -> str:
    """Return the personal stream of a person ("user.15")."""
    return f"user.{user if isinstance(user, int) else user.pk}"


def post_url(post: Post) -> str:
    """Return the address of a post inside its thread page (the exact reply)."""
    from studyhall.discussions.selectors import page_of_post

    url = reverse("discussions:thread-detail", kwargs={"pk": post.thread_id})
    return f"{url}?page={page_of_post(post.number)}#post-{post.number}"


# --- creating notifications ---------------------------------------------------------


def notify(
    recipient: User,
    kind: str,
    *,
    actor: User | None = None,
    target: Model | None = None,
    url: str = "",
    text: str = "",
    group_key: str = "",
) -> Notification | None:
    """Notify a person, unless it is their own action or they cannot see the target.

    `target` is what the notification is about; the recipient must be allowed
    to view it (policy.can). A post or thread target links to it; other apps
    pass their own row plus `url` and `text`. An unread notification with the
    same `group_key` collapses with this one ("5 new replies in ..."). Returns
    None when nothing was created. Publishes the new unread count on the
    person's stream.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    if actor is not None and _silences(recipient, actor):
        return None
    if target is not None and not policy.can(recipient, Action.VIEW, target):
        return None
    fields = _target_fields(target)
    now = timezone.now()
    created = False
    with transaction.atomic():
        existing = None
        if group_key:
            existing = (
                Notification.objects.select_for_update()
                .filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
                .first()
            )
        if existing is not None:
            # Keep the first unread post: the link lands on the oldest news.
            Notification.objects.filter(pk=existing.pk).update(
                count=F("count") + 1, updated_at=now, actor=actor
            )
            existing.refresh_from_db()
            notification = existing
        else:
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                actor=actor,
                url=url[:500],
                text=text[:300],
                group_key=group_key,
                created_at=now,
                updated_at=now,
                **fields,
            )
            created = True
        publish(
            user_stream(recipient),
            "notification.created",
            {"unread": _unread_total(recipient), "notification": notification.pk},
        )
        if created and kind in IMMEDIATE_EMAIL_KINDS:
            nid = notification.pk
            transaction.on_commit(lambda: _queue_email(nid, kind))
    return notification


def _queue_email(notification_id: int, kind: str) -> None:
    """Queue a notification's immediate email; a message's waits a few minutes,
    so one read by then is not emailed and a burst gets one email."""
    from studyhall.notifications.tasks import email_notification

    delay = timedelta(minutes=settings.NOTIFICATIONS_MESSAGE_EMAIL_DELAY_MINUTES)
    if kind != Kind.MESSAGE or not delay:
        email_notification.enqueue(notification_id)
    elif email_notification.get_backend().supports_defer:
        email_notification.using(run_after=timezone.now() + delay).enqueue(
            notification_id
        )
    # Otherwise the periodic run (deliver_mail) emails it once the delay passed.


def _target_fields(target: Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    if isinstance(target, Post):
        return {
            "post": target,
            "thread_id": target.thread_id,
            "community_id": target.community_id,
        }
    if isinstance(target, Thread):
        return {"thread": target, "community_id": target.community_id}
    if isinstance(target, Community):
        return {"community": target}
    return {
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
    }


def _silences(recipient: User, actor: User) -> bool:
    """Return whether the recipient blocked or muted the actor."""
    if Block.objects.filter(blocker_id=recipient.pk, blocked_id=actor.pk).exists():
        return True
    return Subscription.objects.filter(
        user=recipient,
        target_type=TargetType.PERSON,
        target_id=actor.pk,
        level=Level.MUTED,
    ).exists()


def _unread_total(recipient: User) -> int:
    from studyhall.notifications.selectors import unread_count

    return unread_count(recipient)


# --- board events -----------------------------------------------------------------


@dataclass
class Audience:
    """Who hears about a post, and the subscription levels that decide it."""

    levels: dict[int, str]
    mentioned: set[int]
    muted_actor: set[int]


def _mentioned_ids(post: Post) -> set[int]:
    """Return active members of the post's community mentioned in its text."""
    handles = extract_mentions(post.body)
    if not handles:
        return set()
    rows = (
        User.objects.annotate(handle_lower=Lower("handle"))
        .filter(
            handle_lower__in=[h.lower() for h in handles],
            is_active=True,
            memberships__community_id=post.community_id,
            memberships__status=Membership.Status.ACTIVE,
        )
        .values_list("pk", flat=True)
    )
    return set(rows)


def _audience(
    post: Post, actor_id: int | None, *, participants: Iterable[int]
) -> Audience:
    thread = post.thread
    targets = Q(target_type=TargetType.THREAD, target_id=thread.pk) | Q(
        target_type=TargetType.COMMUNITY, target_id=thread.community_id
    )
    group_id = None
    if thread.category_id is not None:
        targets |= Q(target_type=TargetType.CATEGORY, target_id=thread.category_id)
        # A study group's board: a level on the group counts as one on the board.
        group_id = (
            StudyGroup.objects.filter(board_id=thread.category_id)
            .values_list("pk", flat=True)
            .first()
        )
        if group_id is not None:
            targets |= Q(target_type=TargetType.GROUP, target_id=group_id)
    if actor_id is not None:
        targets |= Q(target_type=TargetType.PERSON, target_id=actor_id)
    rows = Subscription.objects.filter(targets).values_list(
        "user_id", "target_type", "level"
    )
    by_user: dict[int, dict[str, str]] = {}
    muted_actor: set[int] = set()
    for user_id, target_type, level in rows:
        if target_type == TargetType.PERSON:
            if level == Level.MUTED:
                muted_actor.add(user_id)
            continue
        by_user.setdefault(user_id, {})[target_type] = level
    levels: dict[int, str] = {}
    # Starting or replying to a thread watches it unless the person chose otherwise.
    for user_id in participants:
        levels[user_id] = Level.WATCHING
    for user_id, chosen in by_user.items():
        if TargetType.THREAD in chosen:
            levels[user_id] = chosen[TargetType.THREAD]
        elif user_id in levels:
            continue
        elif TargetType.CATEGORY in chosen:
            levels[user_id] = chosen[TargetType.CATEGORY]
        elif TargetType.GROUP in chosen:
            levels[user_id] = chosen[TargetType.GROUP]
        else:
            levels[user_id] = chosen[TargetType.COMMUNITY]
    return Audience(
        levels=levels, mentioned=_mentioned_ids(post), muted_actor=muted_actor
    )


def _load_post(post_id: Any) -> Post | None:
    if not isinstance(post_id, int):
        return None
    return (
        Post.objects.select_related(
            "thread__community", "thread__category", "author", "reply_to"
        )
        .filter(pk=post_id, is_deleted=False, thread__is_deleted=False)
        .first()
    )


def _people(ids: Iterable[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=set(ids), is_active=True)}


def notify_reply(post_id: Any, actor_id: int | None) -> list[Notification]:
    """Notify watchers of a new reply, the person replied to, and those mentioned.

    Each person gets at most one notification for the post: a mention wins
    over a reply. Nobody hears about their own post; a muted thread or person
    silences everything, and a blocked author's mentions are dropped.
    """
    post = _load_post(post_id)
    if post is None:
        return []
    thread = post.thread
    participants = set(
        Post.objects.filter(thread=thread, is_deleted=False).values_list(
            "author_id", flat=True
        )
    )
    audience = _audience(post, actor_id, participants=participants)
    direct = {post.reply_to.author_id} if post.reply_to is not None else set()
    plan: dict[int, str] = {}
    for user_id, level in audience.levels.items():
        if level == Level.WATCHING:
            plan[user_id] = Kind.REPLY
        elif level == Level.TRACKING:
            plan[user_id] = Kind.ACTIVITY
    for user_id in direct:
        if audience.levels.get(user_id) != Level.MUTED:
            plan[user_id] = Kind.REPLY
    for user_id in audience.mentioned:
        if audience.levels.get(user_id) != Level.MUTED:
            plan[user_id] = Kind.MENTION
    return _send_plan(post, plan, actor_id, audience)


def notify_thread(thread_id: Any, actor_id: int | None) -> list[Notification]:
    """Notify watchers of the community or category of a new thread, and mentions."""
    if not isinstance(thread_id, int):
        return []
    opening = (
        Post.objects.filter(thread_id=thread_id, number=1).values_list("pk", flat=True)
    ).first()
    post = _load_post(opening)
    if post is None:
        return []
    audience = _audience(post, actor_id, participants=())
    plan: dict[int, str] = {}
    for user_id, level in audience.levels.items():
        if level == Level.WATCHING:
            plan[user_id] = Kind.THREAD
        elif level == Level.TRACKING:
            plan[user_id] = Kind.ACTIVITY
    for user_id in audience.mentioned:
        if audience.levels.get(user_id) != Level.MUTED:
            plan[user_id] = Kind.MENTION
    return _send_plan(post, plan, actor_id, audience)


def notify_edit(post_id: Any, actor_id: int | None) -> list[Notification]:
    """Notify people newly mentioned by an edit; earlier mentions are not repeated."""
    post = _load_post(post_id)
    if post is None:
        return []
    audience = _audience(post, actor_id, participants=())
    already = set(
        Notification.objects.filter(post=post, kind=Kind.MENTION).values_list(
            "recipient_id", flat=True
        )
    )
    plan: dict[int, str] = {
        user_id: Kind.MENTION
        for user_id in audience.mentioned - already
        if audience.levels.get(user_id) != Level.MUTED
    }
    return _send_plan(post, plan, actor_id, audience)


def _send_plan(
    post: Post, plan: dict[int, str], actor_id: int | None, audience: Audience
) -> list[Notification]:
    plan.pop(actor_id or 0, None)
    for user_id in audience.muted_actor:
        plan.pop(user_id, None)
    if actor_id is not None and plan:
        blockers = set(
            Block.objects.filter(blocked_id=actor_id, blocker_id__in=plan).values_list(
                "blocker_id", flat=True
            )
        )
        for user_id in blockers:
            plan.pop(user_id, None)
    people = _people(plan)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    made = []
    for user_id, kind in sorted(plan.items()):
        recipient = people.get(user_id)
        if recipient is None:
            continue
        if kind == Kind.REPLY:
            group_key = f"replies:{post.thread_id}"
        elif kind == Kind.THREAD:
            group_key = f"threads:{post.community_id}"
        elif kind == Kind.ACTIVITY:
            group_key = f"activity:{post.thread_id}"
        else:
            group_key = ""
        notification = notify(
            recipient,
            kind,
            actor=actor,
            target=post,
            url=post_url(post),
            group_key=group_key,
        )
        if notification is not None:
            made.append(notification)
    return made


def notify_post_author(
    post_id: Any, actor_id: int | None, *, kind: str
) -> Notification | None:
    """Tell a post's author their answer was accepted or their post endorsed."""
    post = _load_post(post_id)
    if post is None:
        return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return notify(post.author, kind, actor=actor, target=post, url=post_url(post))


# --- reading ------------------------------------------------------------------------


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the person's notifications read; others' answer 404."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=user
    ).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            _publish_count(user)
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the person read; return how many."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if changed:
            _publish_count(user)
    return changed


def _publish_count(user: User) -> None:
    publish(user_stream(user), "notification.read", {"unread": _unread_total(user)})


# --- subscriptions ----------------------------------------------------------------


def subscription_target(user: Any, target_type: str, target_id: int) -> Model:
    """Return the object a subscription would follow, if the person may see it."""
    model: type[Model] | None = {
        TargetType.COMMUNITY: Community,
        TargetType.CATEGORY: Category,
        TargetType.THREAD: Thread,
        TargetType.PERSON: User,
        TargetType.GROUP: StudyGroup,
        TargetType.ROOM: Room,
    }.get(target_type)  # type: ignore[call-overload]
    if model is None:
        raise Http404("No such thing to follow.")
    qs = model._default_manager.all()
    if model is Thread:
        qs = qs.select_related("community", "category")
    elif model in (Category, StudyGroup, Room):
        qs = qs.select_related("community")
    obj = qs.filter(pk=target_id).first()
    if obj is None:
        raise Http404("No such thing to follow.")
    if isinstance(obj, User):
        if not obj.is_active:
            raise Http404("No such person.")
        return obj
    if not policy.can(user, Action.VIEW, obj):
        raise Http404("No such thing to follow.")
    return obj


def set_subscription(
    user: User, target_type: str, target_id: int, *, level: str
) -> Subscription:
    """Choose how the person hears about a community, category, thread or person.

    A person can only be muted or followed normally; "normal" on a person
    removes the mute.
    """
    if level not in Level.values:
        raise ValidationError({"level": "Choose watching, tracking, normal or muted."})
    target = subscription_target(user, target_type, target_id)
    if isinstance(target, User):
        if target.pk == user.pk:
            raise ValidationError({"level": "You cannot mute yourself."})
        if level not in (Level.MUTED, Level.NORMAL):
            raise ValidationError({"level": "People can only be muted or unmuted."})
    subscription, _ = Subscription.objects.update_or_create(
        user=user,
        target_type=target_type,
        target_id=target.pk,
        defaults={"level": level, "updated_at": timezone.now()},
    )
    return subscription


def mute_person(user: User, handle: str) -> Subscription:
    """Mute a person by @handle: nothing they do notifies you, anywhere."""
    handle = (handle or "").strip().lstrip("@")
    person = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if person is None:
        raise ValidationError({"handle": "Nobody has that handle."})
    return set_subscription(user, TargetType.PERSON, person.pk, level=Level.MUTED)


# --- preferences --------------------------------------------------------------------


def preference_for(user: User) -> Preference:
    """Return the person's preferences, unsaved defaults when they never chose."""
    pref = Preference.objects.filter(user=user).first()
    return pref if pref is not None else Preference(user=user)


def update_preferences(user: User, **changes: Any) -> Preference:
    """Save the person's email and digest settings after checking each value."""
    pref = preference_for(user)
    errors: dict[str, str] = {}
    if "time_zone" in changes:
        tz = str(changes["time_zone"] or "").strip()
        if tz not in zoneinfo.available_timezones():
            errors["time_zone"] = (
                "Choose a time zone from the list, such as Europe/Paris."
            )
        changes["time_zone"] = tz
    if "digest" in changes and changes["digest"] not in Digest.values:
        errors["digest"] = "Choose daily, weekly or no digest."
    if "digest_hour" in changes:
        hour = changes["digest_hour"]
        if not isinstance(hour, int) or not 0 <= hour <= 23:
            errors["digest_hour"] = "Choose an hour from 0 to 23."
    if "reminder_minutes" in changes:
        minutes = changes["reminder_minutes"]
        if minutes is not None and (
            not isinstance(minutes, int) or not 5 <= minutes <= 10080
        ):
            errors["reminder_minutes"] = (
                "Choose 5 minutes to a week (10080 minutes), or leave it empty."
            )
    if "daily_email_cap" in changes:
        cap = changes["daily_email_cap"]
        if cap is not None and (not isinstance(cap, int) or not 0 <= cap <= 500):
            errors["daily_email_cap"] = (
                "Choose a number from 0 to 500, or leave it empty."
            )
    allowed = {
        "time_zone",
        "email_mention",
        "email_reply",
        "email_message",
        "digest",
        "digest_hour",
        "triage_digest",
        "daily_email_cap",
        "session_reminders",
        "reminder_minutes",
        "email_reminder",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown preferences {sorted(unknown)}")
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(pref, name, value)
    pref.save()
    return pref


def unsubscribe(user: User, kind: str) -> Preference:
    """Stop one kind of email (mention, reply, message, digest, triage, reminder)."""
    field = {
        "mention": ("email_mention", False),
        "reply": ("email_reply", False),
        "message": ("email_message", False),
        "digest": ("digest", Digest.OFF),
        "triage": ("triage_digest", False),
        "reminder": ("email_reminder", False),
    }.get(kind)
    if field is None:
        raise Http404("No such kind of email.")
    return update_preferences(user, **{field[0]: field[1]})


def daily_cap(pref: Preference) -> int:
    """Return how many immediate emails the person may get in 24 hours."""
    if pref.daily_email_cap is not None:
        return pref.daily_email_cap
    return int(settings.NOTIFICATIONS_DAILY_EMAIL_CAP)


# --- bounces ------------------------------------------------------------------------


def suppress_address(email: str, *, reason: str = "") -> SuppressedAddress:
    """Stop all mail to an address that bounced for good or complained."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValidationError({"email": "Give the address that bounced."})
    row, _ = SuppressedAddress.objects.get_or_create(
        email=email, defaults={"reason": reason[:200]}
    )
    logger.info("mail to %s suppressed: %s", email, reason)
    return row


# What each personal event says and where it leads; the payloads carry ids
# only, and nothing here names a moderator.
_PERSONAL: dict[str, tuple[str, str]] = {
    "feedback.given": (Kind.FEEDBACK, "An instructor left you private feedback."),
    "feedback.responded": (Kind.FEEDBACK, "Someone answered your feedback request."),
    "kudos.received": (Kind.BADGE, "You received kudos."),
    "badge.awarded": (Kind.BADGE, "You earned a badge."),
    "certificate.issued": (Kind.BADGE, "You were issued a certificate."),
    "moderation.hidden": (Kind.MODERATION, "One of your posts is hidden for review."),
    "moderation.restored": (Kind.MODERATION, "Your post is visible again."),
    "moderation.appeal_denied": (Kind.MODERATION, "Your appeal was reviewed."),
    "moderation.warn": (Kind.MODERATION, "You received a warning from the moderators."),
    "moderation.mute": (Kind.MODERATION, "You are muted in a community for a while."),
    "moderation.suspend": (Kind.MODERATION, "You are suspended from a community."),
    "moderation.ban": (Kind.MODERATION, "You are banned from a community."),
    "moderation.dm_deleted": (
        Kind.MODERATION,
        "A direct message of yours was deleted after a report.",
    ),
    "moderation.dm_mute": (
        Kind.MODERATION,
        "You cannot send direct messages for a while, after a report.",
    ),
    "moderation.site_suspend": (
        Kind.MODERATION,
        "Your account is suspended for a while, after a report.",
    ),
    "moderation.report_closed": (
        Kind.MODERATION,
        "The site's administrators reviewed a message you reported.",
    ),
}


def _personal_url(type: str, payload: dict[str, Any]) -> str:
    if type.startswith("feedback.") and payload.get("post"):
        return reverse("recognition:post-feedback", args=[payload["post"]])
    if type.startswith("feedback.") and payload.get("showcase"):
        return reverse("recognition:showcase-feedback", args=[payload["showcase"]])
    if type == "badge.awarded" and payload.get("award"):
        return reverse("recognition:award-detail", args=[payload["award"]])
    if type == "certificate.issued" and payload.get("certificate"):
        return reverse("recognition:certificate-verify", args=[payload["certificate"]])
    if type == "kudos.received":
        return reverse("recognition:dashboard")
    return reverse("moderation:mine")


def notify_personal(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> Notification | None:
    """Notify a person of an event published on their own stream."""
    if type not in _PERSONAL:
        return None
    recipient = User.objects.filter(pk=recipient_id).first()
    if recipient is None:
        return None
    kind, text = _PERSONAL[type]
    # Moderation notices come from the moderators as a body, never a person.
    actor = None
    if actor_id is not None and not type.startswith("moderation."):
        actor = User.objects.filter(pk=actor_id).first()
    return notify(
        recipient,
        kind,
        actor=actor,
        url=_personal_url(type, payload),
        text=text,
        group_key=f"{type}:{payload.get('post') or payload.get('case') or ''}",
    )
