"""Fault tests with real processes: a server killed with SIGKILL and restarted,
two servers sharing a Redis channel layer, and Redis restarted under traffic.
In each, clients end with every message exactly once, in order."""

from __future__ import annotations

import asyncio
import contextlib
import shutil

import pytest

from tests.realtime.servers import ChatClient, Redis, Site, free_port

pytestmark = pytest.mark.asyncio


def _assert_exactly_once_in_order(client: ChatClient, expected: list[str]) -> None:
    sequences = [f["sequence"] for f in client.received]
    assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    numbers = [f["payload"]["number"] for f in client.received]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert sorted(client.bodies()) == sorted(expected)
    assert len(client.bodies()) == len(expected)


async def test_server_killed_mid_conversation_loses_and_duplicates_nothing(tmp_path):
    port = free_port()
    site = Site(tmp_path, [port])
    data = await asyncio.to_thread(site.prepare)
    await asyncio.to_thread(site.start, port)
    alice = ChatClient(port, data["sessions"]["alice"], data["room"])
    bob = ChatClient(port, data["sessions"]["bob"], data["room"])
    try:
        await alice.start()
        await bob.start()
        await bob.wait_for(lambda: bob.connections and alice.connections)
        sent = []
        for n in range(40):
            client_id = f"bob-{n}"
            sent.append(client_id)
            await bob.send(client_id, f"message {n}")
            if n == 20:
                # Kill while sends are in flight, some stored but not acked.
                await asyncio.to_thread(site.kill, port)
                await asyncio.to_thread(site.start, port)
            await asyncio.sleep(0.02)

        await bob.wait_for(lambda: not bob.outbox)
        await alice.wait_for(lambda: len(alice.bodies()) >= len(sent))
        await asyncio.sleep(0.5)

        assert alice.connections >= 2 and bob.connections >= 2
        _assert_exactly_once_in_order(alice, sent)
        assert sorted(bob.acked.values()) == list(range(1, 41))
    finally:
        await alice.close()
        await bob.close()
        site.stop_all()


needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server"
)


@needs_redis
async def test_two_servers_share_messages_through_redis_in_order(tmp_path):
    redis = Redis(tmp_path)
    redis.start()
    ports = [free_port(), free_port()]
    site = Site(tmp_path, ports, redis_url=redis.url)
    data = await asyncio.to_thread(site.prepare)
    for port in ports:
        await asyncio.to_thread(site.start, port)
    alice = ChatClient(ports[0], data["sessions"]["alice"], data["room"])
    bob = ChatClient(ports[1], data["sessions"]["bob"], data["room"])
    try:
        await alice.start()
        await bob.start()
        await bob.wait_for(lambda: bob.connections and alice.connections)
        await asyncio.sleep(0.3)
        sent = [f"bob-{n}" for n in range(30)]
        for client_id in sent:
            await bob.send(client_id, client_id)

        await alice.wait_for(lambda: len(alice.bodies()) >= len(sent))

        assert alice.bodies() == sent  # in the order sent
        _assert_exactly_once_in_order(alice, sent)
    finally:
        await alice.close()
        await bob.close()
        site.stop_all()
        redis.kill()


@needs_redis
async def test_redis_restarted_under_traffic_recovers_and_fills_the_gap(tmp_path):
    redis = Redis(tmp_path)
    redis.start()
    ports = [free_port(), free_port()]
    site = Site(tmp_path, ports, redis_url=redis.url)
    data = await asyncio.to_thread(site.prepare)
    for port in ports:
        await asyncio.to_thread(site.start, port)
    alice = ChatClient(ports[0], data["sessions"]["alice"], data["room"])
    bob = ChatClient(ports[1], data["sessions"]["bob"], data["room"])
    try:
        await alice.start()
        await bob.start()
        await bob.wait_for(lambda: bob.connections and alice.connections)
        await asyncio.sleep(0.3)
        sent = []
        for n in range(40):
            client_id = f"bob-{n}"
            sent.append(client_id)
            await bob.send(client_id, client_id)
            if n == 15:
                redis.kill()
            if n == 25:
                redis.start()
            await asyncio.sleep(0.03)

        await bob.wait_for(lambda: not bob.outbox, timeout=60)
        await alice.wait_for(lambda: len(alice.bodies()) >= len(sent), timeout=60)
        await asyncio.sleep(0.5)

        _assert_exactly_once_in_order(alice, sent)
    finally:
        await alice.close()
        await bob.close()
        site.stop_all()
        redis.kill()


async def test_a_client_that_stops_reading_is_dropped_and_others_go_on(tmp_path):
    import json
    import socket as sockets

    import websockets

    port = free_port()
    site = Site(tmp_path, [port])
    site.env["REALTIME_SEND_TIMEOUT_SECONDS"] = "1"
    # Only the full buffer may drop it here, not silence.
    site.env["REALTIME_IDLE_TIMEOUT_SECONDS"] = "600"
    data = await asyncio.to_thread(site.prepare)
    await asyncio.to_thread(site.start, port)
    bob = ChatClient(port, data["sessions"]["bob"], data["room"])
    raw = sockets.socket()
    # A tiny receive window, and a client library that stops reading once
    # one frame is queued: the server's writes back up quickly.
    raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    slow = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/streams/",
        sock=raw,
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={data['sessions']['alice']}"},
        max_queue=1,
        compression=None,  # Sent as is, so the bytes really pile up.
    )
    try:
        await slow.send(json.dumps({"subscribe": f"room.{data['room']}", "since": 0}))
        await bob.start()
        await bob.wait_for(lambda: bob.connections)
        body = "x" * 10_000
        # More than the server's largest socket send buffer (4 MB on Linux).
        sent = [f"bob-{n}" for n in range(600)]
        for client_id in sent:
            await bob.send(client_id, body)
        await bob.wait_for(lambda: len(bob.bodies()) >= len(sent), timeout=150)

        closed = None
        with contextlib.suppress(Exception):
            while True:
                await asyncio.wait_for(slow.recv(), timeout=10)
        closed = slow.close_code

        assert bob.bodies() == sent
        assert closed is not None
        log = (tmp_path / f"server-{port}.log").read_text()
        assert "stopped reading" in log, (closed, log[-2000:])
    finally:
        await slow.close()
        await bob.close()
        site.stop_all()
