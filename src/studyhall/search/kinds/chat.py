"""Chat messages as search documents, found only by readers of their room."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from studyhall import policy
from studyhall.chat.models import Message
from studyhall.policy import AuthorView
from studyhall.search.kinds.discussions import plain_text
from studyhall.search.models import Document
from studyhall.search.registry import DocumentKind, Entry, Shown, register

MESSAGE = "message"


def message_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for messages; deleted ones drop out. The room decides who
    finds them (policy.visible over rooms), so a direct message stays between
    its parties."""
    messages = {
        m.pk: m for m in Message.objects.filter(pk__in=ids).select_related("room")
    }
    result: dict[int, Entry | None] = {}
    for pk in ids:
        message = messages.get(pk)
        if message is None or message.is_deleted:
            result[pk] = None
            continue
        result[pk] = Entry(
            community_id=message.room.community_id,
            title="",
            body=plain_text(message.body_html),
            created_at=message.created_at,
            author_id=message.author_id,
            has_code="<code" in message.body_html,
            scope=Document.Scope.ROOM,
            scope_id=message.room_id,
        )
    return result


def message_keys() -> Iterable[tuple[datetime, int]]:
    return Message.objects.filter(is_deleted=False).values_list("created_at", "pk")


def show_messages(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load messages through the policy (one query) and say how to show each."""
    messages = policy.visible(
        user, Message.objects.filter(pk__in=ids, is_deleted=False)
    ).select_related("room__community", "author")
    me = policy.snapshot(user).user_id
    shown = {}
    for m in messages:
        room = m.room
        shown[m.pk] = Shown(
            url=reverse("chat:message-detail", kwargs={"pk": m.pk}),
            title=f"#{room.name}" if not room.is_direct else "Direct conversation",
            community_name=room.community.name if room.community else "",
            author=AuthorView(
                name=m.author.display_name,
                handle=m.author.handle,
                is_anonymous=False,
                is_you=m.author_id == me,
            ),
            context="Chat message",
        )
    return shown


register(
    DocumentKind(
        name=MESSAGE,
        label="Chat messages",
        singular="Chat message",
        entries=message_entries,
        all_keys=message_keys,
        show=show_messages,
    )
)
