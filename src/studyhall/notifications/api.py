"""REST API for notifications, subscriptions and preferences (under /api/v1/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.notifications import selectors, services
from studyhall.notifications.models import Digest, Level, TargetType
from studyhall.realtime.models import Stream

router = Router(tags=["notifications"])

LevelName = Literal["watching", "tracking", "normal", "muted"]
TargetName = Literal["community", "category", "thread", "group", "room", "person"]
DigestName = Literal["off", "daily", "weekly"]


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    count: int
    is_read: bool
    created_at: datetime
    updated_at: datetime


class NotificationList(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class UnreadOut(Schema):
    unread: int
    sequence: int


class ReadAllOut(Schema):
    marked: int


class SubscriptionIn(Schema):
    target_type: TargetName
    target_id: int
    level: LevelName


class SubscriptionOut(Schema):
    target_type: str
    target_id: int
    level: str
    label: str


class PreferencesIO(Schema):
    time_zone: str
    email_mention: bool
    email_reply: bool
    email_message: bool
    digest: DigestName
    digest_hour: int
    triage_digest: bool
    daily_email_cap: int | None
    session_reminders: bool
    reminder_minutes: int | None
    email_reminder: bool


class PreferencesPatch(Schema):
    time_zone: str | None = None
    email_mention: bool | None = None
    email_reply: bool | None = None
    email_message: bool | None = None
    digest: DigestName | None = None
    digest_hour: int | None = None
    triage_digest: bool | None = None
    daily_email_cap: int | None = None
    session_reminders: bool | None = None
    reminder_minutes: int | None = None
    email_reminder: bool | None = None


def _out(item: selectors.Item) -> NotificationOut:
    n = item.notification
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        text=item.text,
        url=item.url,
        count=n.count,
        is_read=item.is_read,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )


@router.get(
    "/notifications", response={200: NotificationList, **ERRORS}, auth=SIGNED_IN
)
def list_notifications(
    request: HttpRequest,
    unread: bool = False,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """List your notifications, newest news first (as the notifications page)."""
    user = viewer(request)
    qs = selectors.notifications_for(user).select_related(
        "post__author", "thread", "community", "target_type"
    )
    if unread:
        qs = qs.filter(read_at__isnull=True)
    page = keyset_page(
        qs.order_by("-updated_at", "-id"),
        scope=f"notifications:{int(unread)}",
        cursor=cursor,
        limit=limit,
    )
    items = [_out(i) for i in selectors.items_for(user, page.items)]
    return {"items": items, "next_cursor": page.next_cursor}


@router.get(
    "/notifications/unread", response={200: UnreadOut, **ERRORS}, auth=SIGNED_IN
)
def unread(request: HttpRequest) -> Any:
    """Your unread count, and the sequence of your stream `user.<id>` to resume from."""
    user = viewer(request)
    sequence = (
        Stream.objects.filter(name=services.user_stream(user))
        .values_list("last_sequence", flat=True)
        .first()
    )
    return {"unread": selectors.unread_count(user), "sequence": sequence or 0}


@router.post(
    "/notifications/read-all", response={200: ReadAllOut, **ERRORS}, auth=SIGNED_IN
)
def read_all(request: HttpRequest) -> Any:
    """Mark all your notifications read."""
    return {"marked": services.mark_all_read(viewer(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    auth=SIGNED_IN,
)
def read_one(request: HttpRequest, notification_id: Id) -> Any:
    """Mark one of your notifications read."""
    user = viewer(request)
    services.mark_read(user, notification_id)
    n = selectors.notification_for(user, notification_id)
    if n is None:
        raise Http404
    return _out(selectors.items_for(user, [n])[0])


@router.get(
    "/notifications/subscriptions",
    response={200: list[SubscriptionOut], **ERRORS},
    auth=SIGNED_IN,
)
def list_subscriptions(request: HttpRequest) -> Any:
    """List the levels you chose for communities, categories, threads and people."""
    return [
        SubscriptionOut(
            target_type=f.subscription.target_type,
            target_id=f.subscription.target_id,
            level=f.subscription.level,
            label=f.label,
        )
        for f in selectors.subscriptions_for(viewer(request))
    ]


@router.put(
    "/notifications/subscriptions",
    response={200: SubscriptionOut, **ERRORS},
    auth=SIGNED_IN,
)
def set_subscription(request: HttpRequest, data: SubscriptionIn) -> Any:
    """Choose watching, tracking, normal or muted for a target (people: muted or normal)."""
    user = viewer(request)
    sub = services.set_subscription(
        user, TargetType(data.target_type), data.target_id, level=Level(data.level)
    )
    label = next(
        (
            f.label
            for f in selectors.subscriptions_for(user)
            if f.subscription.pk == sub.pk
        ),
        "",
    )
    return SubscriptionOut(
        target_type=sub.target_type,
        target_id=sub.target_id,
        level=sub.level,
        label=label,
    )


def _prefs_out(pref: Any) -> PreferencesIO:
    return PreferencesIO(
        time_zone=pref.time_zone,
        email_mention=pref.email_mention,
        email_reply=pref.email_reply,
        email_message=pref.email_message,
        digest=Digest(pref.digest).value,  # type: ignore[arg-type]
        digest_hour=pref.digest_hour,
        triage_digest=pref.triage_digest,
        daily_email_cap=pref.daily_email_cap,
        session_reminders=pref.session_reminders,
        reminder_minutes=pref.reminder_minutes,
        email_reminder=pref.email_reminder,
    )


@router.get(
    "/notifications/preferences",
    response={200: PreferencesIO, **ERRORS},
    auth=SIGNED_IN,
)
def get_preferences(request: HttpRequest) -> Any:
    """Your email and digest settings."""
    return _prefs_out(services.preference_for(viewer(request)))


@router.patch(
    "/notifications/preferences",
    response={200: PreferencesIO, **ERRORS},
    auth=SIGNED_IN,
)
def update_preferences(request: HttpRequest, data: PreferencesPatch) -> Any:
    """Change some of your email and digest settings."""
    changes = {
        k: v
        for k, v in data.dict(exclude_unset=True).items()
        if v is not None or k in ("daily_email_cap", "reminder_minutes")
    }
    return _prefs_out(services.update_preferences(viewer(request), **changes))
