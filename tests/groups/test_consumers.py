"""Losing a study group ends its live streams at once: the group's stream and
its chat room are dropped from the person's open sockets within a second."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from studyhall.communities.models import Membership
from studyhall.groups import services
from studyhall.moderation.services import restrict_member
from tests.chat.helpers import say
from tests.chat.test_consumers import connect, next_of, subscribe
from tests.factories import make_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


async def _following_group(member, organizer, community, **fields):
    group = await db(make_group)(organizer, community, **fields)
    await db(services.join_group)(member, group)
    room = await db(lambda: group.room)()
    ws = await connect(member)
    _, room_ok = await subscribe(ws, f"room.{room.pk}")
    _, group_ok = await subscribe(ws, f"group.{group.pk}")
    assert room_ok["type"] == group_ok["type"] == "subscribed"
    return group, room, ws


async def _dropped(ws):
    first = await next_of(ws, "unsubscribed", timeout=1)
    second = await next_of(ws, "unsubscribed", timeout=1)
    return {first["stream"], second["stream"]}


async def test_removed_member_loses_group_room_and_stream_within_a_second(
    community, student, other_student
):
    group, room, ws = await _following_group(other_student, student, community)

    await db(services.leave_group)(student, group, member=other_student)
    dropped = await _dropped(ws)
    await db(say)(student, room, body="after removal")

    assert dropped == {f"room.{room.pk}", f"group.{group.pk}"}
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def test_leaving_a_hidden_group_ends_its_streams_within_a_second(
    community, student, other_student
):
    group = await db(make_group)(student, community, visibility="hidden")
    await db(services.invite_to_group)(student, group, other_student)
    await db(services.join_group)(other_student, group)
    room = await db(lambda: group.room)()
    ws = await connect(other_student)
    await subscribe(ws, f"room.{room.pk}")
    await subscribe(ws, f"group.{group.pk}")

    await db(services.leave_group)(other_student, group)
    dropped = await _dropped(ws)
    await db(say)(student, room, body="after leaving")

    assert dropped == {f"room.{room.pk}", f"group.{group.pk}"}
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def test_a_community_ban_ends_group_streams_within_a_second(
    community, owner, student, other_student
):
    group, room, ws = await _following_group(other_student, student, community)
    membership = await db(Membership.objects.get)(
        community=community, user=other_student
    )

    await db(restrict_member)(owner, membership, action="ban", reason="Spam")
    dropped = await _dropped(ws)
    await db(say)(student, room, body="after the ban")

    assert dropped == {f"room.{room.pk}", f"group.{group.pk}"}
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def test_a_new_member_can_follow_the_group_room_at_once(
    community, student, other_student
):
    group = await db(make_group)(student, community)
    room = await db(lambda: group.room)()
    ws = await connect(other_student)
    _, before = await subscribe(ws, f"room.{room.pk}")

    await db(services.join_group)(other_student, group)
    _, after = await subscribe(ws, f"room.{room.pk}")
    await db(say)(student, room, body="welcome")
    event = await next_of(ws, "event")

    assert before["type"] == "error"
    assert after["type"] == "subscribed"
    assert event["event"] == "message.created"
    await ws.disconnect()
