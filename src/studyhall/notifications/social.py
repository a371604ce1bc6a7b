"""Notifications about people and groups: messages, invitations, join requests,
connection and mentorship requests.

Each function takes ids from a committed event (see listeners.py), loads
fresh rows and calls `services.notify`, so the own-action, mute, block and
visibility rules are the same as for board notifications. Running one twice
collapses into the same unread notification rather than a second one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.chat.models import Message, Room, RoomMember
from studyhall.groups.models import GroupMembership, StudyGroup
from studyhall.notifications.models import (
    Kind,
    Level,
    Notification,
    Subscription,
    TargetType,
)
from studyhall.notifications.services import notify, user_stream
from studyhall.profiles.models import (
    ConnectionRequest,
    Distinction,
    MentorshipRequest,
)
from studyhall.realtime.services import publish

# --- chat ---------------------------------------------------------------------------


def _room_levels(room: Room, user_ids: list[int]) -> dict[int, str]:
    """Return the level each person chose for a room; direct rooms default to
    watching (every message), other rooms to normal (mentions only)."""
    default = Level.WATCHING if room.is_direct else Level.NORMAL
    levels: dict[int, str] = {pk: str(default) for pk in user_ids}
    levels.update(
        Subscription.objects.filter(
            user_id__in=user_ids, target_type=TargetType.ROOM, target_id=room.pk
        ).values_list("user_id", "level")
    )
    return levels


def message_url(room_id: int, number: int) -> str:
    """Return the address of a message in its room's page."""
    return reverse("chat:room-detail", kwargs={"pk": room_id}) + f"#m-{number}"


def notify_message(message_id: Any, mentions: list[int]) -> list[Notification]:
    """Notify the other people of a conversation, and those @mentioned in a room.

    A burst of messages collapses into one unread notification per room
    ("3 new messages from ..."); nothing is sent to whoever already read the
    message, muted the room or its author, or blocked the author. In a
    community room only mentions notify, unless the person watches the room
    (every message) or tracks it (a quiet count).
    """
    if not isinstance(message_id, int):
        return []
    message = (
        Message.objects.select_related("room", "author")
        .filter(pk=message_id, is_deleted=False)
        .first()
    )
    if message is None:
        return []
    room, author = message.room, message.author
    mentioned = {pk for pk in mentions if isinstance(pk, int)}
    # Only the people concerned are loaded, never a large room's whole roster.
    if room.is_direct:
        wanted = set(
            RoomMember.objects.filter(room=room).values_list("user_id", flat=True)
        )
    else:
        wanted = mentioned | set(
            Subscription.objects.filter(
                target_type=TargetType.ROOM,
                target_id=room.pk,
                level__in=[Level.WATCHING, Level.TRACKING],
            ).values_list("user_id", flat=True)
        )
    wanted.discard(author.pk)
    members = {
        m.user_id: m
        for m in RoomMember.objects.filter(
            room=room, user_id__in=wanted
        ).select_related("user")
    }
    people = {m.user_id: m.user for m in members.values()}
    missing = [pk for pk in wanted if pk not in people]
    people.update({u.pk: u for u in User.objects.filter(pk__in=missing)})
    levels = _room_levels(room, sorted(wanted))
    made = []
    for user_id in sorted(wanted):
        member, person = members.get(user_id), people.get(user_id)
        level = levels[user_id]
        if person is None or level == Level.MUTED or (member and member.is_muted):
            continue
        if member is not None and member.last_read_number >= message.number:
            continue
        kind, text, key = _message_kind(room, author, user_id in mentioned, level)
        if kind is None:
            continue
        made_one = notify(
            person,
            kind,
            actor=author,
            target=room,
            url=message_url(room.pk, message.number),
            text=text,
            group_key=key,
        )
        if made_one is not None:
            made.append(made_one)
    return made


def _message_kind(
    room: Room, author: User, is_mentioned: bool, level: str
) -> tuple[str | None, str, str]:
    name = author.display_name
    if room.is_direct:
        return Kind.MESSAGE, f"{name} sent you a message", f"room:{room.pk}"
    if is_mentioned:
        return Kind.MENTION, f"{name} mentioned you in #{room.name}", ""
    if level == Level.WATCHING:
        return Kind.MESSAGE, f"New messages in #{room.name}", f"room:{room.pk}"
    if level == Level.TRACKING:
        return (
            Kind.ACTIVITY,
            f"New messages in #{room.name}",
            f"activity:room:{room.pk}",
        )
    return None, "", ""


def mark_room_notifications_read(user: User, room_id: int) -> int:
    """Mark the person's unread notifications about a chat room read, as reading
    the room answers them; return how many changed."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            recipient=user,
            target_type=ContentType.objects.get_for_model(Room),
            target_id=room_id,
            read_at__isnull=True,
        ).update(read_at=timezone.now())
        if changed:
            from studyhall.notifications.selectors import unread_count

            publish(
                user_stream(user), "notification.read", {"unread": unread_count(user)}
            )
    return changed


# --- study groups -------------------------------------------------------------------


def _group(group_id: Any) -> StudyGroup | None:
    if not isinstance(group_id, int):
        return None
    return StudyGroup.objects.select_related("community").filter(pk=group_id).first()


def _group_url(group: StudyGroup) -> str:
    return reverse("groups:group-detail", kwargs={"pk": group.pk})


def notify_join_request(group_id: Any, actor_id: int | None) -> list[Notification]:
    """Tell a group's organizers that someone asked to join; requests to one
    group collapse into one unread notification ("3 requests to join ...")."""
    group = _group(group_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if group is None or actor is None:
        return []
    organizers = User.objects.filter(
        group_memberships__group=group,
        group_memberships__role=GroupMembership.Role.ORGANIZER,
        group_memberships__status=GroupMembership.Status.ACTIVE,
        is_active=True,
    )
    made = []
    for organizer in organizers:
        n = notify(
            organizer,
            Kind.JOIN_REQUEST,
            actor=actor,
            target=group,
            url=_group_url(group) + "#requests",
            text=f"{actor.display_name} asked to join {group.name}",
            group_key=f"join-requests:{group.pk}",
        )
        if n is not None:
            made.append(n)
    return made


# What an organizer's act means to the person it concerns, by their membership
# status afterwards (invited, active) or before it ended (requested, active).
_GROUP_TEXTS = {
    "group.invited": {
        "invited": (Kind.GROUP_INVITATION, "{actor} invited you to {group}"),
        "active": (Kind.JOIN_REQUEST, "{actor} approved your request to join {group}"),
    },
    "group.request_answered": {
        "active": (Kind.JOIN_REQUEST, "{actor} approved your request to join {group}"),
    },
    "group.membership_ended": {
        "requested": (Kind.JOIN_REQUEST, "Your request to join {group} was declined"),
        "active": (Kind.JOIN_REQUEST, "You were removed from {group}"),
    },
}


def notify_group_member(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> Notification | None:
    """Tell a person an organizer invited them, approved or declined their
    request, or removed them. A declined or removed person no longer sees a
    hidden group, so they hear nothing about it."""
    status = str(payload.get("status") or "")
    found = _GROUP_TEXTS.get(type, {}).get(status)
    group = _group(payload.get("group"))
    recipient = User.objects.filter(pk=recipient_id).first()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if found is None or group is None or recipient is None or actor is None:
        return None
    kind, text = found
    return notify(
        recipient,
        kind,
        actor=actor,
        target=group,
        url=_group_url(group),
        text=text.format(actor=actor.display_name, group=group.name),
        group_key=f"{type}:{group.pk}",
    )


# --- connections and mentorship -----------------------------------------------------


def _id(value: Any) -> int:
    """Return an id from an event payload, or 0 (matches nothing) if it is not one."""
    return value if isinstance(value, int) else 0


def notify_connection(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> Notification | None:
    """Tell a person someone asked to connect, or accepted their request.

    A declined request is not announced: declining stays quiet.
    """
    request = (
        ConnectionRequest.objects.select_related("sender", "recipient")
        .filter(pk=_id(payload.get("request")))
        .first()
    )
    recipient = User.objects.filter(pk=recipient_id).first()
    if request is None or recipient is None:
        return None
    if type == "connection.requested":
        actor, text = request.sender, "{} asked to connect with you"
    elif payload.get("status") == ConnectionRequest.Status.ACCEPTED:
        actor, text = request.recipient, "{} accepted your connection request"
    else:
        return None
    return notify(
        recipient,
        Kind.CONNECTION_REQUEST,
        actor=actor,
        target=request,
        url=reverse("profiles:network"),
        text=text.format(actor.display_name),
        group_key=f"{type}:{request.pk}",
    )


def notify_mentorship(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> Notification | None:
    """Tell a mentor about a request, or a mentee about the mentor's answer."""
    request = (
        MentorshipRequest.objects.select_related("mentee", "mentor")
        .filter(pk=_id(payload.get("mentorship")))
        .first()
    )
    recipient = User.objects.filter(pk=recipient_id).first()
    if request is None or recipient is None:
        return None
    if type == "mentorship.requested":
        actor, text = request.mentee, "{} asked you for mentorship"
    elif type == "meeting.scheduled":
        # Either side may schedule; the other one hears of it.
        actor = request.mentor if recipient_id == request.mentee_id else request.mentee
        text = "{} scheduled a mentorship meeting"
    elif payload.get("status") == MentorshipRequest.Status.ACCEPTED:
        actor, text = request.mentor, "{} accepted your mentorship request"
    elif payload.get("status") == MentorshipRequest.Status.DECLINED:
        actor, text = request.mentor, "{} declined your mentorship request"
    else:
        return None
    return notify(
        recipient,
        Kind.MENTORSHIP_REQUEST,
        actor=actor,
        target=request,
        url=reverse("profiles:mentorship-detail", kwargs={"mentorship_id": request.pk}),
        text=text.format(actor.display_name),
        group_key=f"{type}:{request.pk}",
    )


# --- alumni and experts ------------------------------------------------------------


def notify_distinction(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> Notification | None:
    """Tell a community's owners someone claims to be an alum, expert or partner, or tell
    the person whether their claim was verified."""
    found = (
        Distinction.objects.select_related("user", "community")
        .filter(pk=_id(payload.get("distinction")))
        .first()
    )
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if found is None or recipient is None:
        return None
    kind = found.get_kind_display().lower()
    community = found.community
    actor: User | None
    if type == "distinction.claimed":
        actor = found.user
        text = f"{actor.display_name} asks to be shown as {kind} in {community.name}"
    elif type == "distinction.decided" and recipient_id == found.user_id:
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        verdict = {
            Distinction.Status.VERIFIED: "is verified",
            Distinction.Status.REJECTED: "was not verified",
        }.get(Distinction.Status(found.status))
        if verdict is None:
            return None
        text = f"Your place as {kind} in {community.name} {verdict}"
    else:
        return None
    return notify(
        recipient,
        Kind.DISTINCTION,
        actor=actor,
        url=reverse("profiles:distinctions", kwargs={"slug": community.slug}),
        text=text,
        group_key=f"{type}:{found.pk}",
    )
