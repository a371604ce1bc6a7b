"""Chat: rooms, conversations and messages, through the same services as the
pages and the socket. Live delivery is on the WebSocket (docs/realtime.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.api.params import Id
from studyhall.api.schemas import ERRORS
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.chat import selectors, services
from studyhall.chat.models import Message, MessageReaction, Room
from studyhall.discussions.selectors import visible_community
from studyhall.policy import Action

router = Router(tags=["chat"])


class PersonOut(Schema):
    id: int
    name: str
    handle: str


class RoomOut(Schema):
    id: int
    kind: str
    name: str
    topic: str
    access: str
    community: str | None = Field(None, description="The community's slug.")
    is_archived: bool
    is_member: bool
    is_muted: bool
    unread_count: int
    last_number: int
    people: list[PersonOut] = Field(
        default_factory=list, description="For conversations: the others in it."
    )


class ReactionOut(Schema):
    kind: str
    count: int
    is_mine: bool


class MessageOut(Schema):
    id: int
    room: int
    number: int
    parent: int | None
    client_id: str
    author: PersonOut
    body: str | None = Field(description="Markdown source; null once deleted.")
    html: str | None = Field(description="Rendered HTML; null once deleted.")
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    is_hidden: bool = Field(
        False, description="Hidden pending review: text only for author and moderators."
    )
    reply_count: int
    board_thread: int | None
    reactions: list[ReactionOut]


class MessageList(Schema):
    items: list[MessageOut]
    has_older: bool


class MessageIn(Schema):
    body: str = Field(json_schema_extra={"maxLength": 10_000, "format": "markdown"})
    client_id: str = Field("", description="Makes a retried send idempotent.")
    parent: int | None = Field(None, description="Reply in this message's thread.")


class MessageEditIn(Schema):
    body: str


class ReactionToggled(Schema):
    on: bool


class ConversationIn(Schema):
    handles: list[str] = Field(description="The other people, up to nine.")


class RoomIn(Schema):
    name: str
    topic: str = ""
    access: str = Room.Access.PUBLIC


class ReadIn(Schema):
    number: int


class ReadOut(Schema):
    number: int


def _person(user: User) -> PersonOut:
    return PersonOut(id=user.pk, name=user.display_name, handle=user.handle)


def _room_out(room: Room, people: list[User] | None = None) -> RoomOut:
    return RoomOut(
        id=room.pk,
        kind=room.kind,
        name=room.name,
        topic=room.topic,
        access=room.access,
        community=room.community.slug if room.community else None,
        is_archived=room.is_archived,
        is_member=bool(getattr(room, "is_member", False)),
        is_muted=bool(getattr(room, "is_muted", False)),
        unread_count=int(getattr(room, "unread_count", 0) or 0),
        last_number=room.last_number,
        people=[_person(p) for p in people or []],
    )


def _readable(user: Any, message: Message) -> bool:
    return policy.can(user, Action.READ_TEXT, message)


def _message_outs(user: Any, messages: list[Message]) -> list[MessageOut]:
    return [
        MessageOut(
            id=m.pk,
            room=m.room_id,
            number=m.number,
            parent=m.parent_id,
            client_id=m.client_id if m.author_id == user.pk else "",
            author=_person(m.author),
            body=m.body if _readable(user, m) else None,
            html=m.body_html if _readable(user, m) else None,
            created_at=m.created_at,
            edited_at=m.edited_at,
            is_deleted=m.is_deleted,
            is_hidden=m.is_hidden,
            reply_count=m.reply_count,
            board_thread=m.board_thread_id,
            reactions=[
                ReactionOut(kind=r.kind, count=r.count, is_mine=r.is_mine)
                for r in view.reactions
            ],
        )
        for view in selectors.message_views(user, messages)
        for m in [view.message]
    ]


@router.get(
    "/communities/{slug}/rooms", response={200: list[RoomOut], **ERRORS}, auth=SIGNED_IN
)
def list_rooms(request: HttpRequest, slug: str) -> Any:
    """List the community's rooms the caller may see, with unread counts."""
    user = viewer(request)
    community = visible_community(user, slug)
    return [_room_out(r) for r in selectors.community_rooms(user, community)]


@router.post(
    "/communities/{slug}/rooms", response={201: RoomOut, **ERRORS}, auth=SIGNED_IN
)
def create_room(request: HttpRequest, slug: str, payload: RoomIn) -> Any:
    """Open a room (owners and instructors)."""
    user = viewer(request)
    community = visible_community(user, slug)
    room = services.create_room(
        user, community, name=payload.name, topic=payload.topic, access=payload.access
    )
    return Status(201, _room_out(room))


@router.get("/conversations", response={200: list[RoomOut], **ERRORS}, auth=SIGNED_IN)
def list_conversations(request: HttpRequest) -> Any:
    """List the caller's direct conversations, newest first, with unread counts."""
    user = viewer(request)
    return [_room_out(c.room, c.people) for c in selectors.conversations(user)]


@router.post("/conversations", response={200: RoomOut, **ERRORS}, auth=SIGNED_IN)
def start_conversation(request: HttpRequest, payload: ConversationIn) -> Any:
    """Open (or find) a conversation with these people."""
    user = viewer(request)
    handles = [h.lstrip("@") for h in payload.handles if h.strip()][:20]
    people = list(User.objects.filter(handle__in=handles, is_active=True))
    if len(people) != len(set(handles)):
        raise ValidationError({"handles": "One of these handles names no one."})
    room = services.start_conversation(user, people)
    return _room_out(room)


@router.get(
    "/rooms/{room_id}/messages", response={200: MessageList, **ERRORS}, auth=SIGNED_IN
)
def list_messages(
    request: HttpRequest,
    room_id: Id,
    before: Annotated[
        int | None, Query(ge=1, description="Older than this message number.")
    ] = None,
) -> Any:
    """Return the room's latest 50 top-level messages, or those before a number."""
    user = viewer(request)
    room = selectors.visible_room(user, room_id)
    page = selectors.room_page(user, room, before=before)
    return MessageList(
        items=_message_outs(user, [v.message for v in page.messages]),
        has_older=page.has_older,
    )


@router.post(
    "/rooms/{room_id}/messages",
    response={200: MessageOut, 201: MessageOut, **ERRORS},
    auth=SIGNED_IN,
)
def send_message(request: HttpRequest, room_id: Id, payload: MessageIn) -> Any:
    """Send a message; the same client_id again returns the first (200)."""
    user = viewer(request)
    room = selectors.visible_room(user, room_id)
    parent = None
    if payload.parent is not None:
        parent = selectors.visible_message(user, payload.parent)
    message, created = services.send_message(
        user, room, body=payload.body, client_id=payload.client_id, parent=parent
    )
    message = selectors.visible_message(user, message.pk)
    return Status(201 if created else 200, _message_outs(user, [message])[0])


@router.patch(
    "/messages/{message_id}", response={200: MessageOut, **ERRORS}, auth=SIGNED_IN
)
def edit_message(request: HttpRequest, message_id: Id, payload: MessageEditIn) -> Any:
    """Edit one of the caller's messages."""
    user = viewer(request)
    message = services.edit_message(
        user, selectors.visible_message(user, message_id), body=payload.body
    )
    return _message_outs(user, [message])[0]


@router.delete("/messages/{message_id}", response={204: None, **ERRORS}, auth=SIGNED_IN)
def delete_message(request: HttpRequest, message_id: Id) -> Any:
    """Delete a message (its author, or a moderator of the community)."""
    user = viewer(request)
    services.delete_message(user, selectors.visible_message(user, message_id))
    return Status(204, None)


def _set_reaction(request: HttpRequest, message_id: int, kind: str, on: bool) -> Any:
    user = viewer(request)
    message = selectors.visible_message(user, message_id)
    mine = MessageReaction.objects.filter(message=message, user=user, kind=kind)
    if mine.exists() != on:
        services.toggle_message_reaction(user, message, kind=kind)
    return {"on": on}


@router.put(
    "/messages/{message_id}/reactions/{kind}",
    response={200: ReactionToggled, **ERRORS},
    auth=SIGNED_IN,
)
def add_reaction(request: HttpRequest, message_id: Id, kind: str) -> Any:
    """Add the caller's reaction of a kind (no change if already there)."""
    return _set_reaction(request, message_id, kind, True)


@router.delete(
    "/messages/{message_id}/reactions/{kind}",
    response={200: ReactionToggled, **ERRORS},
    auth=SIGNED_IN,
)
def remove_reaction(request: HttpRequest, message_id: Id, kind: str) -> Any:
    """Take back the caller's reaction of a kind."""
    return _set_reaction(request, message_id, kind, False)


@router.post("/rooms/{room_id}/read", response={200: ReadOut, **ERRORS}, auth=SIGNED_IN)
def mark_read(request: HttpRequest, room_id: Id, payload: ReadIn) -> Any:
    """Mark the room read up to a message number."""
    user = viewer(request)
    room = selectors.visible_room(user, room_id)
    return {"number": services.mark_room_read(user, room, number=payload.number)}
