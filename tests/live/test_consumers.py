"""Live sessions over the stream consumer: participants receive poll results
and questions as they happen; non-members of a hidden group cannot follow."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from studyhall.asgi import application
from studyhall.live import services
from tests.factories import make_group, make_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user):
    communicator = WebsocketCommunicator(
        application, "/ws/streams/", headers=[(b"origin", b"http://localhost")]
    )
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_participant_receives_votes_and_questions_live(
    community, instructor, student
):
    live = await database_sync_to_async(services.open_live_session)(
        instructor, community, title="Live"
    )
    poll = await database_sync_to_async(services.create_poll)(
        instructor, live, question="Q", options=["a", "b"]
    )
    option = await database_sync_to_async(lambda: poll.options.first().pk)()
    ws = await connect(instructor)
    await ws.send_json_to({"subscribe": f"live.{live.pk}", "since": 2})
    assert (await ws.receive_json_from())["type"] == "subscribed"

    await database_sync_to_async(services.vote)(student, poll, option_ids=[option])
    voted = await ws.receive_json_from(timeout=5)
    await database_sync_to_async(services.ask_question)(student, live, body="Why?")
    asked = await ws.receive_json_from(timeout=5)

    assert voted["event"] == "poll.voted"
    assert voted["payload"]["counts"][str(option)] == 1
    assert asked["event"] == "question.asked"
    assert set(asked["payload"]) == {"question"}
    await ws.disconnect()


async def test_hidden_group_sessions_cannot_be_followed_by_others(community, student):
    group = await database_sync_to_async(make_group)(
        student, community, visibility="hidden"
    )
    live = await database_sync_to_async(services.open_live_session)(
        student, community, title="Ours", group=group
    )
    peer = await database_sync_to_async(make_member)(community, "student")
    ws = await connect(peer)

    await ws.send_json_to({"subscribe": f"live.{live.pk}", "since": 0})
    refused = await ws.receive_json_from()
    await ws.send_json_to({"subscribe": f"group.{group.pk}", "since": 0})
    refused_group = await ws.receive_json_from()

    assert refused["code"] == "not_found" and refused_group["code"] == "not_found"
    await ws.disconnect()
