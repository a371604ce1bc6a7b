"""The process's hub: one channel-layer message per process and event, each
frame encoded once, access re-checked per viewer, slow clients closed and
resumed, and one heartbeat for every socket. Each test runs on the in-memory
layer and, with REDIS_URL set, on Redis."""

from __future__ import annotations

import asyncio
import os

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test.utils import override_settings

from studyhall.asgi import application
from studyhall.realtime import fanout
from studyhall.realtime.consumers import StreamConsumer
from studyhall.realtime.services import broadcast
from tests.chat.helpers import open_room, say

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async

LAYERS = {
    "memory": {
        "BACKEND": "studyhall.realtime.layers.InMemoryChannelLayer",
        "CONFIG": {"capacity": 1000},
    }
}
if os.environ.get("REDIS_URL"):
    LAYERS["redis"] = {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [os.environ["REDIS_URL"]],
            "prefix": "studyhall-test-fanout",
            "capacity": 1000,
        },
    }


@pytest.fixture(params=["memory", "redis"])
def layer(request):
    if request.param not in LAYERS:
        pytest.skip("set REDIS_URL to run on Redis")
    with override_settings(CHANNEL_LAYERS={"default": LAYERS[request.param]}):
        yield request.param


async def connect(user):
    ws = WebsocketCommunicator(
        application, "/ws/streams/", headers=[(b"origin", b"http://localhost")]
    )
    ws.scope["user"] = user
    connected, _ = await ws.connect()
    assert connected
    return ws


async def subscribe(ws, stream, since=0):
    await ws.send_json_to({"subscribe": stream, "since": since})
    frames = []
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] in {"subscribed", "error"}:
            return frames, frame
        if frame["type"] not in {"signal", "ping"}:
            frames.append(frame)


async def next_of(ws, type_, timeout=5):
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] == type_:
            return frame


def socket_of(user):
    return next(s for s in fanout.hub().sockets if s.user_id == user.pk)


async def closed_with(ws, timeout=5):
    output = await ws.receive_output(timeout=timeout)
    while output["type"] != "websocket.close":
        output = await ws.receive_output(timeout=timeout)
    return output.get("code")


async def test_one_layer_message_per_process_and_event_encoded_once(
    layer, community, instructor, student, mentor, monkeypatch
):
    room = await db(open_room)(instructor, community)
    stream = f"room.{room.pk}"
    people = (instructor, student, mentor)
    sockets = [await connect(person) for person in people]
    for ws in sockets:
        await subscribe(ws, stream)
    hub = fanout.hub()
    queued: list[tuple[str | None, str]] = []
    push = StreamConsumer.push

    def spy(self, stream, text):
        queued.append((stream, text))
        push(self, stream, text)

    monkeypatch.setattr(StreamConsumer, "push", spy)
    events_before = hub.received["stream.event"]

    await db(say)(student, room, "once for the process", client_id="once")
    frames = [await next_of(ws, "event") for ws in sockets]
    await db(broadcast)(stream, "typing", {"user": student.pk}, people=[student.pk])
    signals = [await next_of(ws, "signal") for ws in sockets]

    assert hub.received["stream.event"] - events_before == 1
    assert len(hub.groups[f"room-{room.pk}"]) == 3
    assert {f["payload"]["client_id"] for f in frames} == {"once"}
    assert {s["event"] for s in signals} == {"typing"}
    event_texts = [t for s, t in queued if s == stream and '"event"' in t[:20]]
    signal_texts = [t for s, t in queued if s == stream and '"signal"' in t[:20]]
    # The very same string went to every socket: encoded once.
    assert len(event_texts) == 3 and len({id(t) for t in event_texts}) == 1
    assert len(signal_texts) == 3 and len({id(t) for t in signal_texts}) == 1
    if layer == "memory":
        from channels.layers import get_channel_layer

        assert len(get_channel_layer().groups[f"room-{room.pk}"]) == 1
    for ws in sockets:
        await ws.disconnect()


async def test_a_viewer_who_loses_access_gets_nothing_more_even_if_queued(
    layer, community, instructor, student
):
    from studyhall.communities.models import Membership

    room = await db(open_room)(instructor, community)
    stream = f"room.{room.pk}"
    ws = await connect(student)
    _, subscribed = await subscribe(ws, stream)
    last = subscribed["sequence"]
    # Access ends in storage; the control message is what tells the socket.
    await db(Membership.objects.filter(user=student).update)(status="pending")
    hub = fanout.hub()

    # In one step, before the writer runs: two frames are queued, then the
    # person's access changes.
    for sequence in (last + 1, last + 2):
        hub.dispatch(
            {
                "type": "stream.event",
                "stream": stream,
                "sequence": sequence,
                "event": "message.created",
                "payload": {"body": "private"},
            }
        )
    assert socket_of(student).outbox.qsize() == 2
    hub.dispatch({"type": "access.changed", "user": student.pk})

    dropped = await next_of(ws, "unsubscribed")

    assert dropped == {"type": "unsubscribed", "stream": stream}
    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


@override_settings(REALTIME_OUTBOX_FRAMES=3)
async def test_a_client_that_stops_reading_is_closed_as_slow_and_resumes(
    layer, community, instructor, student, caplog
):
    room = await db(open_room)(instructor, community)
    stream = f"room.{room.pk}"
    ws = await connect(student)
    _, subscribed = await subscribe(ws, stream)
    socket = socket_of(student)
    reading = asyncio.Event()
    real_send = socket.base_send

    async def full_buffer(message):
        # The client reads nothing: sends wait, closing still goes through.
        if message["type"] == "websocket.send":
            await reading.wait()
        await real_send(message)

    socket.base_send = full_buffer
    bodies = [f"message {n}" for n in range(6)]
    for body in bodies:
        await db(say)(instructor, room, body, client_id=body)

    code = await closed_with(ws)
    again = await connect(student)
    missed, _ = await subscribe(again, stream, since=subscribed["sequence"])

    assert code == 4429
    assert "stopped reading" in caplog.text
    assert [f["payload"]["client_id"] for f in missed] == bodies
    assert socket not in fanout.hub().sockets
    await again.disconnect()


@override_settings(REALTIME_PING_SECONDS=0.2, REALTIME_IDLE_TIMEOUT_SECONDS=0.5)
async def test_one_heartbeat_pings_every_socket_and_drops_the_silent_ones(
    layer, student, mentor
):
    silent = await connect(student)
    answering = await connect(mentor)
    heartbeats = [
        t
        for t in asyncio.all_tasks()
        if getattr(t.get_coro(), "__qualname__", "") == "Hub._heartbeat"
    ]

    for _ in range(5):
        assert await next_of(answering, "ping", timeout=2) == {"type": "ping"}
        await answering.send_json_to({"type": "pong"})
    code = await closed_with(silent)

    assert len(heartbeats) == 1
    assert code == 4408
    assert [s.user_id for s in fanout.hub().sockets] == [mentor.pk]
    await answering.disconnect()


@pytest.mark.django_db
async def test_a_dead_socket_is_dropped_within_a_minute_by_default():
    assert settings.REALTIME_PING_SECONDS + settings.REALTIME_IDLE_TIMEOUT_SECONDS <= 60


async def test_renewals_take_one_database_trip_per_batch_of_sockets(
    layer, community, instructor, student, monkeypatch
):
    room = await db(open_room)(instructor, community)
    sockets = [await connect(student) for _ in range(fanout.RENEW_BATCH + 1)]
    for ws in sockets:
        await subscribe(ws, f"room.{room.pk}")
    trips: list[int] = []
    renew = fanout._renew

    def counted(rows):
        trips.append(len(rows))
        return renew(rows)

    monkeypatch.setattr(fanout, "_renew", counted)

    await fanout.hub().beat()

    assert trips == [fanout.RENEW_BATCH, 1]
    for ws in sockets:
        assert await next_of(ws, "ping") == {"type": "ping"}
        await ws.disconnect()
