"""Build chat state through the services, as people would."""

from __future__ import annotations

from typing import Any

from studyhall.chat import services
from studyhall.chat.models import Message, Room


def open_room(actor: Any, community: Any, name: str = "general", **kw: Any) -> Room:
    return services.create_room(actor, community, name=name, **kw)


def say(author: Any, room: Room, body: str = "Hello **all**", **kw: Any) -> Message:
    message, _ = services.send_message(author, room, body=body, **kw)
    return message
