"""Fault tests with real processes: a server killed with SIGKILL and restarted,
two servers sharing a Redis channel layer, and Redis restarted under traffic.
In each, clients end with every message exactly once, in order."""

from __future__ import annotations

import asyncio
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
