"""The stream consumer: subscribe through the policy, replay what was missed, then live."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from studyhall.asgi import application
from tests.discussions.helpers import answer, ask

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(user=None):
    communicator = WebsocketCommunicator(
        application, "/ws/streams/", headers=[(b"origin", b"http://localhost")]
    )
    if user is not None:
        communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_member_gets_missed_events_then_live_ones(community, student, mentor):
    thread = await database_sync_to_async(ask)(student, community)
    await database_sync_to_async(answer)(mentor, thread)
    await database_sync_to_async(answer)(mentor, thread)
    ws = await connect(student)

    await ws.send_json_to({"subscribe": f"thread.{thread.pk}", "since": 1})
    missed = await ws.receive_json_from()
    subscribed = await ws.receive_json_from()
    await database_sync_to_async(answer)(mentor, thread)
    live = await ws.receive_json_from(timeout=5)

    assert (missed["sequence"], missed["event"]) == (2, "reply.created")
    assert subscribed == {
        "type": "subscribed",
        "stream": f"thread.{thread.pk}",
        "sequence": 2,
    }
    assert live["sequence"] == 3 and live["payload"]["number"] == 4
    await ws.disconnect()


async def test_outsider_cannot_follow_a_private_thread(community, student, outsider):
    thread = await database_sync_to_async(ask)(student, community)
    ws = await connect(outsider)

    await ws.send_json_to({"subscribe": f"thread.{thread.pk}", "since": 0})
    reply = await ws.receive_json_from()

    assert reply["type"] == "error" and reply["code"] == "not_found"
    await ws.send_json_to({"subscribe": "nonsense"})
    assert (await ws.receive_json_from())["code"] == "not_found"
    await ws.send_json_to(["not", "a", "dict"])
    assert (await ws.receive_json_from())["code"] == "bad_frame"
    await ws.disconnect()


async def test_removed_member_stops_receiving_and_cannot_resubscribe(
    community, owner, student, mentor
):
    from studyhall.communities import services as community_services
    from studyhall.communities.models import Membership

    ws = await connect(student)
    await ws.send_json_to({"subscribe": f"community.{community.pk}", "since": 0})
    assert (await ws.receive_json_from())["type"] == "subscribed"
    membership = await database_sync_to_async(Membership.objects.get)(user=student)
    await database_sync_to_async(community_services.remove_member)(
        owner, community, membership.pk
    )

    thread = await database_sync_to_async(ask)(mentor, community, title="After")
    dropped = await ws.receive_json_from(timeout=5)
    await ws.send_json_to({"subscribe": f"thread.{thread.pk}", "since": 0})
    refused = await ws.receive_json_from()

    assert dropped == {"type": "unsubscribed", "stream": f"community.{community.pk}"}
    assert refused["code"] == "not_found"
    assert await ws.receive_nothing()
    await ws.disconnect()


async def test_odd_digits_in_a_stream_name_are_refused(student):
    ws = await connect(student)

    await ws.send_json_to({"subscribe": "thread.²"})

    assert (await ws.receive_json_from())["code"] == "not_found"
    await ws.disconnect()


async def test_page_rendered_at_a_moment_resumes_after_what_it_showed(
    community, student, mentor
):
    import time

    thread = await database_sync_to_async(ask)(student, community)
    await database_sync_to_async(answer)(mentor, thread)
    rendered_at = time.time()
    await database_sync_to_async(answer)(mentor, thread, body="after render")
    ws = await connect(student)

    await ws.send_json_to(
        {"subscribe": f"thread.{thread.pk}", "since_time": rendered_at}
    )
    missed = await ws.receive_json_from()
    subscribed = await ws.receive_json_from()

    assert missed["sequence"] == 2
    assert subscribed["sequence"] == 2
    await ws.disconnect()


async def test_subscribing_without_a_sequence_gets_only_new_events(
    community, student, mentor
):
    thread = await database_sync_to_async(ask)(student, community)
    await database_sync_to_async(answer)(mentor, thread)
    ws = await connect(student)

    await ws.send_json_to({"subscribe": f"thread.{thread.pk}"})
    subscribed = await ws.receive_json_from()
    await database_sync_to_async(answer)(mentor, thread)
    live = await ws.receive_json_from(timeout=5)

    assert subscribed["sequence"] == 1
    assert live["sequence"] == 2
    await ws.disconnect()


async def test_access_lost_without_a_signal_ends_at_the_next_ping(
    community, student, mentor, owner
):
    from django.test.utils import override_settings

    from studyhall.discussions import services

    thread = await database_sync_to_async(ask)(mentor, community)
    with override_settings(REALTIME_PING_SECONDS=0.2, REALTIME_RECHECK_SECONDS=0):
        ws = await connect(student)
        await ws.send_json_to({"subscribe": f"thread.{thread.pk}", "since": 0})
        await ws.receive_json_from()  # subscribed
        opening = await database_sync_to_async(thread.posts.get)(number=1)
        await database_sync_to_async(services.delete_post)(mentor, opening)

        frames = [await ws.receive_json_from(timeout=3) for _ in range(3)]

    assert {"type": "unsubscribed", "stream": f"thread.{thread.pk}"} in frames
    await ws.disconnect()
