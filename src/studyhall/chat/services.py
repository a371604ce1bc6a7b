"""Writes for chat: rooms, conversations, messages, reactions, read marks.

Every function checks the policy, validates, writes in one transaction and
publishes its event on the room's stream ("room.7"). A message takes the
room's next number inside that transaction, so it is stored before anyone is
sent it, and a retried send with the same client id returns the first one.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from studyhall import policy
from studyhall.accounts.models import Block, User
from studyhall.accounts.selectors import blocked_ids, blocker_ids, either_blocked
from studyhall.chat.models import (
    Message,
    MessageMention,
    MessageReaction,
    Room,
    RoomMember,
)
from studyhall.communities.models import Community, Membership
from studyhall.core.errors import DomainError
from studyhall.core.markdown import extract_mentions, render_markdown
from studyhall.core.text import clean_text
from studyhall.discussions.models import Category, Thread
from studyhall.groups.models import StudyGroup
from studyhall.library.selectors import citation_resolver
from studyhall.moderation import contact
from studyhall.notifications import social as notifications_social
from studyhall.policy import Action
from studyhall.realtime.access import notify_access_changed
from studyhall.realtime.services import broadcast, publish

MAX_CONVERSATION_PEOPLE = 10
CLIENT_ID_MAX_LENGTH = 64


def room_stream(room: Room | int) -> str:
    return f"room.{room if isinstance(room, int) else room.pk}"


def message_limit() -> int:
    return int(getattr(settings, "CHAT_MESSAGE_MAX_LENGTH", 10_000))


# --- rooms -------------------------------------------------------------------


def create_room(
    actor: User,
    community: Community,
    *,
    name: str,
    topic: str = "",
    access: str = Room.Access.PUBLIC,
) -> Room:
    """Open a room in a community; owners and instructors may. The creator joins."""
    if not policy.can(actor, Action.CREATE_ROOM, community):
        raise PermissionDenied("Only owners and instructors can open rooms.")
    if access not in Room.Access.values:
        raise ValidationError({"access": "Choose public or members only."})
    name = clean_text(name or "").strip().lstrip("#").strip()
    if not name:
        raise ValidationError({"name": "Give the room a name."})
    if len(name) > 80:
        raise ValidationError({"name": "Use at most 80 characters for the name."})
    slug = slugify(name, allow_unicode=True)[:60] or "room"
    if Room.objects.filter(
        kind=Room.Kind.COMMUNITY, community=community, slug=slug
    ).exists():
        raise ValidationError(
            {"name": "This community already has a room by that name."}
        )
    with transaction.atomic():
        room = Room.objects.create(
            kind=Room.Kind.COMMUNITY,
            community=community,
            name=name,
            slug=slug,
            topic=clean_text(topic or "").strip()[:300],
            access=access,
            created_by=actor,
        )
        RoomMember.objects.create(room=room, user=actor)
        publish(
            f"community.{community.pk}",
            "room.created",
            {"room": room.pk},
            actor=actor,
        )
    policy.forget(actor)
    return room


def join_room(user: User, room: Room) -> RoomMember:
    """Join a public room, so it shows among the person's rooms with unread counts."""
    if not policy.can(user, Action.JOIN, room):
        raise PermissionDenied("You cannot join this room.")
    member, _ = RoomMember.objects.get_or_create(
        room=room, user=user, defaults={"last_read_number": room.last_number}
    )
    policy.forget(user)
    return member


def leave_room(user: User, room: Room) -> None:
    """Leave a room; a members-only room or conversation is then closed to the person."""
    if not policy.can(user, Action.LEAVE, room):
        raise DomainError("You are not in this room.", code="not_member")
    with transaction.atomic():
        RoomMember.objects.filter(room=room, user=user).delete()
        notify_access_changed(user.pk)
    policy.forget(user)


def add_room_member(actor: User, room: Room, person: User) -> RoomMember:
    """Add a person to a members-only room or a conversation."""
    if not policy.can(actor, Action.MANAGE_ROOM, room):
        raise PermissionDenied("Only the room's managers can add people.")
    if room.is_direct:
        if room.pair_key is not None:
            raise DomainError(
                "Start a new conversation to talk with more people.", code="pair"
            )
        if room.members.count() >= MAX_CONVERSATION_PEOPLE:
            raise DomainError(
                f"A conversation holds at most {MAX_CONVERSATION_PEOPLE} people.",
                code="too_many_people",
            )
        others = list(room.members.values_list("user_id", flat=True))
        if _blocks_between(person.pk, others):
            raise PermissionDenied("This person cannot be added to the conversation.")
    elif not Membership.objects.filter(
        community=room.community,
        user=person,
        status=Membership.Status.ACTIVE,
    ).exists():
        raise ValidationError({"person": "Only members of the community can be added."})
    member, _ = RoomMember.objects.get_or_create(room=room, user=person)
    policy.forget(person)
    return member


def remove_room_member(actor: User, room: Room, person: User) -> None:
    """Take a person out of a room; their open sockets lose it at once."""
    if not policy.can(actor, Action.MANAGE_ROOM, room):
        raise PermissionDenied("Only the room's managers can remove people.")
    with transaction.atomic():
        RoomMember.objects.filter(room=room, user=person).delete()
        notify_access_changed(person.pk)
    policy.forget(person)


def set_muted(user: User, room: Room, *, muted: bool) -> RoomMember:
    """Mute a room (no unread badge) or unmute it; joins a public room if needed."""
    if not policy.can(user, Action.VIEW, room):
        raise PermissionDenied("You cannot see this room.")
    member = RoomMember.objects.filter(room=room, user=user).first()
    if member is None:
        member = join_room(user, room)
    member.is_muted = muted
    member.save(update_fields=["is_muted"])
    return member


def archive_room(actor: User, room: Room, *, archived: bool = True) -> Room:
    """Close a room to new messages (its history stays), or open it again."""
    if not policy.can(actor, Action.MANAGE_ROOM, room) or room.is_direct:
        raise PermissionDenied("Only the room's managers can archive it.")
    with transaction.atomic():
        room.is_archived = archived
        room.save(update_fields=["is_archived"])
        publish(
            room_stream(room),
            "room.archived" if archived else "room.reopened",
            {"room": room.pk},
            actor=actor,
        )
    return room


# --- study group rooms -----------------------------------------------------------
#
# A group's room is made with the group and its people follow the group's
# active members. The groups services decide (through the policy) who joins
# or leaves the group and call these inside their own transaction; the room
# itself is never joined or left on its own.


def open_group_room(group: StudyGroup, *, created_by: User) -> Room:
    """Make the members-only room of a new study group (or return the one it has).

    Called by `groups.services.create_group` inside its transaction."""
    room, _ = Room.objects.get_or_create(
        group=group,
        defaults={
            "kind": Room.Kind.GROUP,
            "community_id": group.community_id,
            "name": group.name[:80],
            "topic": "The study group's own room.",
            "access": Room.Access.MEMBERS,
            "created_by": created_by,
        },
    )
    return room


def rename_group_room(group: StudyGroup) -> None:
    """Keep the room's name in step with the group's."""
    Room.objects.filter(group=group).update(name=group.name[:80])


def add_to_group_room(group: StudyGroup, person_id: int) -> None:
    """Put a new active member of the group in its room, with nothing unread.

    Called by the groups services inside the transaction that activates them."""
    room = Room.objects.filter(group=group).first()
    if room is None:
        return
    RoomMember.objects.get_or_create(
        room=room, user_id=person_id, defaults={"last_read_number": room.last_number}
    )
    notify_access_changed(person_id)


def remove_from_group_room(group: StudyGroup, person_id: int) -> None:
    """Take someone who left or was removed from the group out of its room; their
    open sockets drop the room's stream once the transaction commits."""
    RoomMember.objects.filter(room__group=group, user_id=person_id).delete()
    notify_access_changed(person_id)


# --- conversations -------------------------------------------------------------


def _blocks_between(user_id: int, others: list[int]) -> bool:
    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=others)
        | Q(blocked_id=user_id, blocker_id__in=others)
    ).exists()


def dm_muted_notice(person: Any) -> str:
    """Return what a person muted from direct messages is told."""
    until = person.dm_muted_until
    when = f" until {until:%d %b %Y, %H:%M} UTC" if until else ""
    return (
        f"The site's administrators paused your direct messages{when}, after a "
        "report. You can still read your conversations; see "
        "Moderation of my posts to appeal."
    )


def _cannot_start(actor: User) -> str:
    if policy.is_dm_muted(actor):
        return dm_muted_notice(actor)
    return "Verify your email address to send messages."


def start_conversation(actor: User, people: list[User]) -> Room:
    """Open a direct conversation with one person (reusing the existing one) or a
    small group (up to ten people in all). Nobody blocked either way, and each
    person must share a community with the one who starts it."""
    if not policy.can(actor, Action.START_CONVERSATION):
        raise PermissionDenied(_cannot_start(actor))
    others = {p.pk: p for p in people if p.pk != actor.pk and p.is_active}
    if not others:
        raise ValidationError({"people": "Choose at least one other person."})
    if len(others) + 1 > MAX_CONVERSATION_PEOPLE:
        raise ValidationError(
            {
                "people": f"A conversation holds at most {MAX_CONVERSATION_PEOPLE} "
                "people, you included."
            }
        )
    mine = Membership.objects.filter(
        user=actor, status=Membership.Status.ACTIVE
    ).values("community_id")
    sharing = set(
        Membership.objects.filter(
            user_id__in=list(others),
            status=Membership.Status.ACTIVE,
            community_id__in=mine,
        ).values_list("user_id", flat=True)
    )
    if sharing != set(others) or _blocks_between(actor.pk, list(others)):
        # One answer for both: a block is never revealed to the blocked person.
        raise PermissionDenied(
            "You can only message people who share a community with you."
            if sharing != set(others)
            else "You cannot message this person."
        )
    return _open_conversation(actor, others)


def open_direct_conversation(actor: User, person: User) -> Room:
    """Open (or reuse) the one-to-one conversation with a person the actor has a
    standing reason to reach, such as an accepted mentorship.

    The caller has checked that reason; this checks verification and blocks
    either way, not a shared community.
    """
    if not policy.can(actor, Action.START_CONVERSATION):
        raise PermissionDenied(_cannot_start(actor))
    if person.pk == actor.pk or not person.is_active:
        raise ValidationError({"people": "Choose another person."})
    if _blocks_between(actor.pk, [person.pk]):
        raise PermissionDenied("You cannot message this person.")
    return _open_conversation(actor, {person.pk: person})


def _open_conversation(actor: User, others: dict[int, User]) -> Room:
    pair_key = None
    if len(others) == 1:
        low, high = sorted([actor.pk, *others])
        pair_key = f"{low}:{high}"
        existing = Room.objects.filter(pair_key=pair_key).first()
        if existing is not None:
            return existing
    contact.check_new_conversation(actor, list(others))
    try:
        with transaction.atomic():
            room = Room.objects.create(
                kind=Room.Kind.DIRECT, created_by=actor, pair_key=pair_key
            )
            RoomMember.objects.bulk_create(
                [RoomMember(room=room, user_id=pk) for pk in [actor.pk, *others]]
            )
    except IntegrityError:
        # The other person opened the same one-to-one conversation just now.
        return Room.objects.get(pair_key=pair_key)
    for pk in [actor.pk, *others]:
        notify_access_changed(pk)
    for person in [actor, *others.values()]:
        policy.forget(person)
    return room


# --- messages ------------------------------------------------------------------


def clean_message_body(body: str) -> str:
    """Return the message text without trailing space, or raise ValidationError."""
    body = clean_text(body or "").rstrip()
    if not body.strip():
        raise ValidationError(
            {"body": ValidationError("Write something before sending.", code="empty")}
        )
    limit = message_limit()
    if len(body) > limit:
        raise ValidationError(
            {
                "body": ValidationError(
                    f"A message can be at most {limit:,} characters "
                    f"(this one has {len(body):,}).",
                    code="too_long",
                )
            }
        )
    return body


def _check_rate(author: User) -> None:
    count = int(getattr(settings, "CHAT_RATE_MESSAGES", 10))
    seconds = int(getattr(settings, "CHAT_RATE_SECONDS", 10))
    since = timezone.now() - timedelta(seconds=seconds)
    recent = Message.objects.filter(author=author, created_at__gte=since).count()
    if recent >= count:
        raise DomainError(
            f"You are sending messages too fast: at most {count} in {seconds} "
            "seconds. Wait a moment and send again; your text is kept.",
            code="rate_limited",
        )


def _mentionable(room: Room, author: User, handles: list[str]) -> dict[str, User]:
    """Return the mentioned people who can see the room and have not blocked the
    author (a block means no mentions from them), by lowercased handle."""
    if not handles:
        return {}
    people = User.objects.annotate(handle_lower=Lower("handle")).filter(
        handle_lower__in=[h.lower() for h in handles], is_active=True
    )
    if room.is_direct or room.is_members_only:
        people = people.filter(rooms__room=room)
    else:
        people = people.filter(
            memberships__community=room.community,
            memberships__status=Membership.Status.ACTIVE,
        )
    blockers = Block.objects.filter(blocked_id=author.pk).values("blocker_id")
    people = people.exclude(pk__in=blockers).exclude(pk=author.pk)
    return {p.handle.lower(): p for p in people}


def render_message(room: Room, author: User, body: str) -> tuple[str, list[User]]:
    """Render a message's Markdown like a post, library citations included;
    return the HTML and who is mentioned."""
    known = _mentionable(room, author, extract_mentions(body))

    def resolve(handle: str) -> str | None:
        person = known.get(handle.lower())
        if person is None:
            return None
        return reverse("accounts:profile", kwargs={"handle": person.handle})

    # A room's people can all read its community's library, so items of that
    # library become link cards; group shelves and conversations stay plain.
    citations = citation_resolver(room.community_id if not room.is_direct else None)
    html = render_markdown(body, resolve_mention=resolve, resolve_citation=citations)
    return html, list(known.values())


def message_payload(message: Message) -> dict[str, Any]:
    """Return a message as every viewer of its room may see it, for events."""
    author = message.author
    return {
        "room": message.room_id,
        "message": message.pk,
        "number": message.number,
        "parent": message.parent_id,
        "client_id": message.client_id,
        "author": {
            "id": author.pk,
            "name": author.display_name,
            "handle": author.handle,
        },
        "html": "" if message.is_deleted or message.is_hidden else message.body_html,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "is_deleted": message.is_deleted,
        "is_hidden": message.is_hidden,
    }


def set_message_hidden(
    actor: User | None, message: Message, *, hidden: bool
) -> Message:
    """Hide a message pending review, or show it again; live pages are told.
    `actor` None means enough flags hid it automatically. Called by
    moderation.services, which checks the policy and audits it."""
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(is_hidden=hidden)
        message.is_hidden = hidden
        publish(
            room_stream(message.room_id),
            "message.edited",
            message_payload(message),
            actor=actor,
        )
    return message


def send_message(
    author: User,
    room: Room,
    *,
    body: str,
    client_id: str = "",
    parent: Message | None = None,
) -> tuple[Message, bool]:
    """Store a message with the room's next number and publish it on commit.

    Returns the message and whether it is new: a retried send with the same
    client id returns the message stored the first time.
    """
    client_id = (client_id or "").strip()
    if len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise ValidationError({"client_id": "That client message id is too long."})
    if client_id:
        existing = Message.objects.filter(author=author, client_id=client_id).first()
        if existing is not None:
            if existing.room_id != room.pk:
                raise ValidationError(
                    {"client_id": "That client message id was used in another room."}
                )
            return existing, False
    if not policy.can(author, Action.SEND_MESSAGE, room):
        if room.is_direct and policy.is_dm_muted(author):
            raise PermissionDenied(dm_muted_notice(author))
        raise PermissionDenied(
            "This room is archived."
            if room.is_archived and policy.can(author, Action.VIEW, room)
            else "You cannot send messages here."
        )
    if room.pair_key is not None:
        other = room.members.exclude(user=author).select_related("user").first()
        if other is None or either_blocked(author, other.user):
            raise PermissionDenied("You cannot message this person.")
    if parent is not None and (
        parent.room_id != room.pk or parent.is_deleted or parent.parent_id is not None
    ):
        raise ValidationError(
            {"parent": "You can only reply to a message of this room."}
        )
    body = clean_message_body(body)
    _check_rate(author)
    contact.check_unanswered(author, room)
    body_html, mentioned = render_message(room, author, body)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = Room.objects.select_for_update().get(pk=room.pk)
            number = locked.last_number + 1
            message = Message.objects.create(
                room=room,
                author=author,
                number=number,
                client_id=client_id,
                body=body,
                body_html=body_html,
                parent=parent,
                created_at=now,
            )
            Room.objects.filter(pk=room.pk).update(
                last_number=number, last_message_at=now
            )
            if parent is not None:
                Message.objects.filter(pk=parent.pk).update(
                    reply_count=F("reply_count") + 1
                )
            member, _ = RoomMember.objects.get_or_create(room=room, user=author)
            RoomMember.objects.filter(pk=member.pk).update(last_read_number=number)
            MessageMention.objects.bulk_create(
                [MessageMention(message=message, user=p) for p in mentioned]
            )
            payload = message_payload(message)
            payload["mentions"] = [p.pk for p in mentioned]
            publish(room_stream(room), "message.created", payload, actor=author)
    except IntegrityError:
        # The same client id raced itself (two tabs, a retry): the first one won.
        if client_id:
            existing = Message.objects.filter(
                author=author, client_id=client_id
            ).first()
            if existing is not None:
                return existing, False
        raise
    room.last_number = number
    room.last_message_at = now
    return message, True


def edit_message(editor: User, message: Message, *, body: str) -> Message:
    """Change a message's text; it then shows as edited."""
    if not policy.can(editor, Action.EDIT, message):
        raise PermissionDenied("You can only edit your own messages.")
    body = clean_message_body(body)
    if body == message.body:
        return message
    body_html, _ = render_message(message.room, editor, body)
    with transaction.atomic():
        message.body = body
        message.body_html = body_html
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at"])
        publish(
            room_stream(message.room_id),
            "message.edited",
            message_payload(message),
            actor=editor,
        )
    return message


def delete_message(actor: User, message: Message) -> Message:
    """Delete a message softly: it shows as deleted and its text is no longer sent.
    Its author, or whoever moderates it (a site administrator for a reported
    direct message), may."""
    if not (
        policy.can(actor, Action.DELETE, message)
        or policy.can(actor, Action.MODERATE, message)
    ):
        raise PermissionDenied("You can only delete your own messages.")
    with transaction.atomic():
        message.is_deleted = True
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        message.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
        if message.parent_id is not None:
            Message.objects.filter(pk=message.parent_id).update(
                reply_count=F("reply_count") - 1
            )
        publish(
            room_stream(message.room_id),
            "message.deleted",
            message_payload(message),
            actor=actor,
        )
    return message


def toggle_message_reaction(user: User, message: Message, *, kind: str) -> bool:
    """Add the person's reaction of this kind or take it back; return whether it is on."""
    if kind not in MessageReaction.Kind.values:
        raise ValidationError({"kind": "Choose one of the offered reactions."})
    if not policy.can(user, Action.REACT, message):
        raise PermissionDenied("You cannot react to this message.")
    with transaction.atomic():
        deleted, _ = MessageReaction.objects.filter(
            message=message, user=user, kind=kind
        ).delete()
        on = not deleted
        if on:
            try:
                with transaction.atomic():
                    MessageReaction.objects.create(
                        message=message, user=user, kind=kind
                    )
            except IntegrityError:
                return True
        count = MessageReaction.objects.filter(message=message, kind=kind).count()
        publish(
            room_stream(message.room_id),
            "message.reacted",
            {
                "room": message.room_id,
                "message": message.pk,
                "number": message.number,
                "kind": kind,
                "count": count,
                "user": user.pk,
                "on": on,
            },
            actor=user,
        )
    return on


def mark_room_read(user: User, room: Room, *, number: int) -> int:
    """Record that the person has read the room up to a message number (never back).

    Returns the person's read mark afterwards.
    """
    if not policy.can(user, Action.VIEW, room):
        raise PermissionDenied("You cannot see this room.")
    number = max(0, min(int(number), room.last_number))
    RoomMember.objects.filter(room=room, user=user, last_read_number__lt=number).update(
        last_read_number=number
    )
    mark = (
        RoomMember.objects.filter(room=room, user=user)
        .values_list("last_read_number", flat=True)
        .first()
    )
    if mark and mark >= room.last_number:  # Read to the end: its news is read too.
        notifications_social.mark_room_notifications_read(user, room.pk)
    return mark or 0


# --- typing and presence ---------------------------------------------------------


def signal_typing(user: User, room: Room) -> None:
    """Tell the room's open pages that the person is typing; nothing is stored."""
    if not policy.can(user, Action.SEND_MESSAGE, room):
        raise PermissionDenied("You cannot send messages here.")
    broadcast(
        room_stream(room),
        "typing",
        {"room": room.pk, "user": user.pk, "name": user.display_name},
        people=[user.pk],
    )


PRESENCE_SECONDS = 60
# At most one presence list per room per interval: a class joining at once
# would otherwise send every member's list to every member.
PRESENCE_BROADCAST_SECONDS = 1.0


def _presence_key(room_id: int) -> str:
    return f"chat:presence:{room_id}"


def update_presence(user: User, room_id: int, online: bool) -> None:
    """Record that the person has the room open (or closed it), and send the
    room who came and went since the last presence signal, at most once a
    second.

    Entries expire unless renewed by the socket's ping; a change held back by
    the interval goes out with a later call (each socket calls on each ping).
    Signals carry changes, not the whole list, so a large room costs little.
    """
    key = _presence_key(room_id)
    now = time.time()
    state: dict[str, Any] = cache.get(key) or {"people": {}, "sent": 0.0, "told": []}
    people: dict[int, tuple[float, str]] = state["people"]
    current = people.get(user.pk)
    unsent = set(people) != set(state.get("told", []))
    fresh = current is not None and current[0] - now > PRESENCE_SECONDS / 2
    due = unsent and now - state["sent"] >= PRESENCE_BROADCAST_SECONDS
    if online and fresh and not due:
        return  # Still fresh, nothing due: spare the cache a write.
    if online:
        people[user.pk] = (now + PRESENCE_SECONDS, user.display_name)
    else:
        people.pop(user.pk, None)
    people = {pk: entry for pk, entry in people.items() if entry[0] > now}
    told = set(state.get("told", []))
    joined = [pk for pk in people if pk not in told]
    left = sorted(told - set(people))
    send = bool(joined or left) and now - state["sent"] >= PRESENCE_BROADCAST_SECONDS
    cache.set(
        key,
        {
            "people": people,
            "sent": now if send else state["sent"],
            "told": sorted(people) if send else sorted(told),
        },
        PRESENCE_SECONDS * 2,
    )
    if send:
        broadcast(
            room_stream(room_id),
            "presence",
            {
                "room": room_id,
                "count": len(people),
                "joined": [{"id": pk, "name": people[pk][1]} for pk in joined],
                "left": left,
            },
            # Everyone here, so a page that must not see someone counts
            # without them.
            people=sorted(people),
        )


def forget_presence(user_id: int, room_ids: list[int]) -> None:
    """Remove a person from the presence lists of these rooms at once (their
    account is being erased), rather than waiting for the entries to expire."""
    for room_id in room_ids:
        key = _presence_key(room_id)
        state = cache.get(key)
        if not state or user_id not in state["people"]:
            continue
        state["people"].pop(user_id, None)
        cache.set(key, state, PRESENCE_SECONDS * 2)


def _online_list(
    people: dict[int, tuple[float, str]], now: float, hidden: set[int]
) -> list[dict[str, Any]]:
    return [
        {"id": pk, "name": name}
        for pk, (until, name) in sorted(people.items(), key=lambda i: i[1][1])
        if until > now and pk not in hidden
    ]


def online_in(room: Room, viewer: Any) -> list[dict[str, Any]]:
    """Return who has the room open now, by name, leaving out the people the
    viewer blocked or was blocked by."""
    state = cache.get(_presence_key(room.pk)) or {"people": {}}
    hidden = blocked_ids(viewer) | blocker_ids(viewer) if state["people"] else set()
    return _online_list(state["people"], time.time(), hidden)


def conceal_signal(
    type: str, payload: dict[str, Any], people: list[int], hidden: frozenset[int]
) -> dict[str, Any] | None:
    """Return a room signal without the people hidden from a viewer (blocked
    either way), or None when it was only about them."""
    if type != "presence":
        return None  # Typing is about its typist alone.
    joined = [p for p in payload["joined"] if p["id"] not in hidden]
    left = [pk for pk in payload["left"] if pk not in hidden]
    if not joined and not left:
        return None
    count = len([pk for pk in people if pk not in hidden])
    return {**payload, "joined": joined, "left": left, "count": count}


# --- to the board ----------------------------------------------------------------


def move_to_board(
    actor: User,
    message: Message,
    *,
    title: str,
    category: Category | None = None,
) -> Thread:
    """Turn a message and its replies into a question on the community's board.

    The author of the message or the community's staff may. The thread quotes
    the conversation and links back to it; the message links to the thread.
    """
    from studyhall.discussions.services import create_thread

    if not policy.can(actor, Action.MOVE_TO_BOARD, message):
        raise PermissionDenied(
            "Only the message's author or the community's staff can do this."
        )
    room = message.room
    assert room.community is not None
    if room.is_group:
        # What a group says among itself goes to the group's own board.
        category = Category.objects.filter(study_group__room=room).first() or category
    replies = list(
        message.replies.filter(is_deleted=False)
        .select_related("author")
        .order_by("number")
    )
    link = settings.SITE_URL + reverse("chat:message-detail", kwargs={"pk": message.pk})
    parts = [message.body, ""]
    for reply in replies:
        quoted = "\n".join(f"> {line}" for line in reply.body.splitlines())
        parts += [f"**{reply.author.display_name}** replied:", "", quoted, ""]
    parts.append(f"*From the chat room [#{room.name}]({link}).*")
    body = "\n".join(parts)
    if len(body) > settings.BODY_MAX_LENGTH:
        body = body[: settings.BODY_MAX_LENGTH - 200] + f"\n\n[…]({link})"
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.board_thread_id is not None:
            raise DomainError("This message is already on the board.", code="moved")
        thread = create_thread(
            actor,
            room.community,
            title=title,
            body=body,
            kind=Thread.Kind.QUESTION,
            category=category,
        )
        Message.objects.filter(pk=message.pk).update(board_thread=thread)
        message.board_thread = thread
        payload = message_payload(message)
        payload["thread"] = thread.pk
        publish(room_stream(room), "message.moved", payload, actor=actor)
    return thread
