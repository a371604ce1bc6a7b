"""Reads for chat, filtered by the policy, with flat query counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from studyhall import policy
from studyhall.chat.models import Message, MessageReaction, Room, RoomMember
from studyhall.communities.models import Community
from studyhall.policy import Action

HISTORY_SIZE = 50


def can_follow_room(user: Any, pk: int) -> bool:
    """Return whether the person may follow the room's stream."""
    room = Room.objects.filter(pk=pk).first()
    return room is not None and policy.can(user, Action.VIEW, room)


def visible_room(user: Any, pk: int) -> Room:
    """Return the room if the person may see it, else raise Http404."""
    room = (
        policy.visible(user, Room.objects.all())
        .select_related("community")
        .filter(pk=pk)
        .first()
    )
    if room is None:
        raise Http404("No such room.")
    return room


def visible_message(user: Any, pk: int) -> Message:
    """Return the message with its room and author if the person may see it."""
    message = (
        policy.visible(user, Message.objects.all())
        .select_related("room__community", "author", "board_thread")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    return message


def _with_unread(user: Any, rooms: Any) -> Any:
    """Annotate rooms with the person's membership, read mark and unread count."""
    member = RoomMember.objects.filter(room=OuterRef("pk"), user_id=user.pk)
    rooms = rooms.annotate(
        is_member=Coalesce(Subquery(member.values("pk")[:1]), 0),
        read_number=Subquery(member.values("last_read_number")[:1]),
        is_muted=Coalesce(Subquery(member.values("is_muted")[:1]), False),
    )
    unread = (
        Message.objects.filter(
            room=OuterRef("pk"),
            number__gt=Coalesce(OuterRef("read_number"), 0),
            is_deleted=False,
        )
        .exclude(author_id=user.pk)
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return rooms.annotate(unread_count=Coalesce(Subquery(unread), 0))


def community_rooms(user: Any, community: Community) -> list[Room]:
    """Return the community's rooms the person may see, with unread counts.

    A room the person has not joined counts nothing as unread.
    """
    rooms = policy.visible(
        user, Room.objects.filter(community=community, kind=Room.Kind.COMMUNITY)
    ).order_by("is_archived", "name")
    if not getattr(user, "is_authenticated", False):
        return list(rooms)
    result = list(_with_unread(user, rooms))
    for room in result:
        if not room.is_member:
            room.unread_count = 0
    return result


@dataclass
class Conversation:
    room: Room
    people: list[Any]
    unread_count: int

    @property
    def title(self) -> str:
        return ", ".join(p.display_name for p in self.people) or "Just you"


def my_rooms(user: Any) -> list[Room]:
    """Return the community rooms the person has joined and the rooms of their
    study groups, with unread counts."""
    rooms = (
        policy.visible(
            user, Room.objects.filter(kind__in=[Room.Kind.COMMUNITY, Room.Kind.GROUP])
        )
        .filter(members__user_id=user.pk)
        .select_related("community", "group")
        .order_by("community__name", "kind", "name")
    )
    return list(_with_unread(user, rooms))


def group_room(user: Any, group: Any) -> Room | None:
    """Return the study group's room with the person's unread count, if they may
    see it (the group's active members), else None."""
    rooms = policy.visible(user, Room.objects.filter(group=group))
    if not getattr(user, "is_authenticated", False):
        return None
    return _with_unread(user, rooms).first()


def conversations(user: Any) -> list[Conversation]:
    """Return the person's direct conversations, newest first, with the others in
    each and unread counts."""
    rooms = (
        policy.visible(user, Room.objects.filter(kind=Room.Kind.DIRECT))
        .order_by(Coalesce("last_message_at", "created_at").desc())
        .prefetch_related(
            Prefetch(
                "members",
                queryset=RoomMember.objects.exclude(user_id=user.pk).select_related(
                    "user"
                ),
                to_attr="others",
            )
        )
    )
    return [
        Conversation(
            room=room,
            people=[m.user for m in room.others],
            unread_count=room.unread_count,
        )
        for room in _with_unread(user, rooms)
    ]


@dataclass
class ReactionCount:
    kind: str
    label: str
    count: int
    is_mine: bool


@dataclass
class MessageView:
    message: Message
    reactions: list[ReactionCount] = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    can_react: bool = False
    can_move: bool = False
    is_first_unread: bool = False
    # False for a message hidden pending review, unless author or moderator.
    can_read: bool = True
    can_flag: bool = False


@dataclass
class RoomPage:
    room: Room
    messages: list[MessageView]
    has_older: bool
    oldest_number: int | None
    member: RoomMember | None
    first_unread_number: int | None
    can_send: bool
    can_join: bool
    can_leave: bool
    can_manage: bool
    people: list[Any]
    sequence: int


def _reactions(user: Any, messages: list[Message]) -> dict[int, list[ReactionCount]]:
    """Return reaction counts by message in one query, marking the person's own."""
    result: dict[int, list[ReactionCount]] = defaultdict(list)
    if not messages:
        return result
    labels = dict(MessageReaction.Kind.choices)
    uid = getattr(user, "pk", None)
    rows = (
        MessageReaction.objects.filter(message__in=messages)
        .values("message_id", "kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=uid)))
        .order_by("message_id", "kind")
    )
    for row in rows:
        result[row["message_id"]].append(
            ReactionCount(row["kind"], labels[row["kind"]], row["n"], row["mine"] > 0)
        )
    return result


def message_views(user: Any, messages: list[Message]) -> list[MessageView]:
    """Wrap messages with their reactions and what the person may do to each."""
    reactions = _reactions(user, messages)
    return [
        MessageView(
            message=m,
            reactions=reactions.get(m.pk, []),
            can_edit=policy.can(user, Action.EDIT, m),
            can_delete=policy.can(user, Action.DELETE, m),
            can_react=policy.can(user, Action.REACT, m),
            can_move=policy.can(user, Action.MOVE_TO_BOARD, m),
            can_read=policy.can(user, Action.READ_TEXT, m),
            can_flag=policy.can(user, Action.FLAG, m),
        )
        for m in messages
    ]


def room_page(user: Any, room: Room, *, before: int | None = None) -> RoomPage:
    """Return a room's latest top-level messages (or those before a number),
    oldest first, with what the person may do."""
    from studyhall.realtime.selectors import current_sequence

    query = (
        Message.objects.filter(room=room, parent__isnull=True)
        .select_related("author", "room", "board_thread")
        .order_by("-number")
    )
    if before is not None:
        query = query.filter(number__lt=before)
    rows = list(query[: HISTORY_SIZE + 1])
    has_older = len(rows) > HISTORY_SIZE
    rows = rows[:HISTORY_SIZE]
    rows.reverse()
    for m in rows:
        m.room = room
    member = (
        RoomMember.objects.filter(room=room, user_id=user.pk).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    first_unread = None
    if member is not None and member.last_read_number < room.last_number:
        first_unread = member.last_read_number + 1
    views = message_views(user, rows)
    marked = False
    for view in views:
        if (
            first_unread is not None
            and not marked
            and view.message.number >= first_unread
        ):
            view.is_first_unread = marked = True
    people: list[Any] = []
    if room.is_members_only:
        people = [
            m.user
            for m in RoomMember.objects.filter(room=room)
            .select_related("user")
            .order_by("user__display_name")
        ]
    return RoomPage(
        room=room,
        messages=views,
        has_older=has_older,
        oldest_number=rows[0].number if rows else None,
        member=member,
        first_unread_number=first_unread,
        can_send=policy.can(user, Action.SEND_MESSAGE, room),
        can_join=policy.can(user, Action.JOIN, room),
        can_leave=policy.can(user, Action.LEAVE, room),
        can_manage=policy.can(user, Action.MANAGE_ROOM, room),
        people=people,
        sequence=current_sequence(f"room.{room.pk}"),
    )


def message_thread(user: Any, message: Message) -> list[MessageView]:
    """Return a message's replies, oldest first, with what the person may do."""
    replies = list(
        Message.objects.filter(parent=message)
        .select_related("author")
        .order_by("number")
    )
    for reply in replies:
        reply.room = message.room
    return message_views(user, replies)


def messages_after(
    user: Any, room: Room, *, after: int, limit: int = 100
) -> list[Message]:
    """Return the room's messages after a number, oldest first (for the API)."""
    return list(
        Message.objects.filter(room=room, number__gt=after)
        .select_related("author")
        .order_by("number")[:limit]
    )
