"""The personal stream over the WebSocket: only its person may follow it."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from studyhall.asgi import application
from tests.discussions.helpers import answer, ask

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user):
    communicator = WebsocketCommunicator(
        application, "/ws/streams/", headers=[(b"origin", b"http://localhost")]
    )
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_a_mention_reaches_the_mentioned_persons_stream_live(
    community, student, other_student
):
    thread = await database_sync_to_async(ask)(other_student, community)
    ws = await connect(student)
    await ws.send_json_to({"subscribe": f"user.{student.pk}", "since": 0})
    assert (await ws.receive_json_from())["type"] == "subscribed"

    await database_sync_to_async(answer)(
        other_student, thread, body=f"@{student.handle} look"
    )
    event = await ws.receive_json_from(timeout=5)

    assert event["event"] == "notification.created"
    assert event["payload"]["unread"] == 1
    await ws.disconnect()


async def test_nobody_else_may_follow_a_personal_stream(student, other_student):
    ws = await connect(other_student)

    await ws.send_json_to({"subscribe": f"user.{student.pk}", "since": 0})
    reply = await ws.receive_json_from()

    assert reply["type"] == "error" and reply["code"] == "not_found"
    assert reply["stream"] == f"user.{student.pk}"
    await ws.disconnect()
