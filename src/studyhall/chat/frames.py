"""Chat's WebSocket frames: each parses one frame and calls one service.

Frames arrive on the stream socket (realtime.consumers) and answer with an
"ack" or an error frame; the message itself reaches every open page, the
sender's included, as an event on the room's stream.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from studyhall.chat import selectors, services
from studyhall.chat.models import Message, Room
from studyhall.core.errors import DomainError
from studyhall.realtime.registry import register_frame


def _id(content: dict[str, Any], key: str) -> int:
    value = content.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise DomainError(f"The frame needs a numeric {key!r}.", code="bad_frame")
    return value


def _text(content: dict[str, Any], key: str) -> str:
    value = content.get(key, "")
    if not isinstance(value, str):
        raise DomainError(f"The frame's {key!r} must be text.", code="bad_frame")
    return value


def _signed_in(user: Any) -> None:
    if user is None or not user.is_authenticated:
        raise DomainError("Log in to chat.", code="login_required")


def _room(user: Any, content: dict[str, Any]) -> Room:
    return selectors.visible_room(user, _id(content, "room"))


def _message(user: Any, content: dict[str, Any]) -> Message:
    return selectors.visible_message(user, _id(content, "message"))


def handle_send(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    _signed_in(user)
    room = _room(user, content)
    parent = None
    if content.get("parent") is not None:
        parent = Message.objects.filter(pk=_id(content, "parent")).first()
        if parent is None:
            raise Http404("No such message.")
    message, created = services.send_message(
        user,
        room,
        body=_text(content, "body"),
        client_id=_text(content, "client_id"),
        parent=parent,
    )
    return {
        "type": "ack",
        "client_id": message.client_id,
        "room": room.pk,
        "message": message.pk,
        "number": message.number,
        "duplicate": not created,
    }


def handle_edit(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    _signed_in(user)
    message = services.edit_message(
        user, _message(user, content), body=_text(content, "body")
    )
    return {"type": "ack", "message": message.pk, "ref": content.get("ref")}


def handle_delete(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    _signed_in(user)
    message = services.delete_message(user, _message(user, content))
    return {"type": "ack", "message": message.pk, "ref": content.get("ref")}


def handle_react(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    _signed_in(user)
    on = services.toggle_message_reaction(
        user, _message(user, content), kind=_text(content, "kind")
    )
    return {"type": "ack", "message": content["message"], "on": on}


def handle_typing(user: Any, content: dict[str, Any]) -> None:
    _signed_in(user)
    services.signal_typing(user, _room(user, content))
    return None


def handle_read(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    _signed_in(user)
    room = _room(user, content)
    mark = services.mark_room_read(user, room, number=_id(content, "number"))
    return {"type": "read", "room": room.pk, "number": mark}


def presence(user: Any, room_id: int, online: bool) -> None:
    """Presence hook for room streams. The socket calls it only for streams the
    policy let the person follow, and drops them when access ends."""
    services.update_presence(user, room_id, online)


def register() -> None:
    """Register chat's frames; called from ChatConfig.ready()."""
    register_frame("send", handle_send)
    register_frame("edit", handle_edit)
    register_frame("delete", handle_delete)
    register_frame("react", handle_react)
    register_frame("typing", handle_typing)
    register_frame("read", handle_read)
