"""Chat over the stream socket: frames through the services, errors as frames,
typing and presence, resume by sequence, and access that ends at once."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.test.utils import override_settings

from studyhall.accounts import services as accounts_services
from studyhall.asgi import application
from studyhall.chat import services
from studyhall.chat.models import Message
from studyhall.realtime.models import Event
from tests.chat.helpers import open_room, say

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async


async def connect(user=None, *, session=None, origin=b"http://localhost"):
    headers = [(b"origin", origin)] if origin else []
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    ws = WebsocketCommunicator(application, "/ws/streams/", headers=headers)
    if user is not None:
        ws.scope["user"] = user
    connected, _ = await ws.connect()
    assert connected
    return ws


def _login(user):
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


async def subscribe(ws, stream, since=0):
    await ws.send_json_to({"subscribe": stream, "since": since})
    frames = []
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] in {"subscribed", "error"}:
            return frames, frame
        if frame["type"] != "signal":
            frames.append(frame)


async def next_of(ws, type_, timeout=3):
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] in type_.split("|"):
            return frame


async def test_send_frame_is_stored_acked_and_delivered_once(
    community, instructor, student
):
    room = await db(open_room)(instructor, community)
    ws = await connect(student)
    await subscribe(ws, f"room.{room.pk}")

    await ws.send_json_to(
        {"type": "send", "room": room.pk, "body": "hi *all*", "client_id": "k1"}
    )
    got = [await next_of(ws, "ack|event") for _ in range(2)]
    await ws.send_json_to(
        {"type": "send", "room": room.pk, "body": "hi *all*", "client_id": "k1"}
    )
    retry = await next_of(ws, "ack")

    ack = next(f for f in got if f["type"] == "ack")
    event = next(f for f in got if f["type"] == "event")
    assert ack["client_id"] == "k1" and ack["number"] == 1 and not ack["duplicate"]
    assert event["event"] == "message.created"
    assert "<em>all</em>" in event["payload"]["html"]
    assert retry["duplicate"] and retry["message"] == ack["message"]
    assert await db(Message.objects.count)() == 1
    await ws.disconnect()


async def test_bad_frames_get_error_frames_and_the_socket_stays_usable(
    community, instructor, student
):
    room = await db(open_room)(instructor, community)
    ws = await connect(student)

    await ws.send_to(text_data="{not json")
    not_json = await ws.receive_json_from()
    await ws.send_to(text_data="x" * 40_000)
    too_large = await ws.receive_json_from()
    await ws.send_json_to({"type": "send", "room": "seven", "body": "x"})
    bad_room = await ws.receive_json_from()
    await ws.send_json_to({"type": "teleport"})
    unknown = await ws.receive_json_from()
    await ws.send_json_to({"type": "send", "room": room.pk, "body": "y" * 10_001})
    too_long = await ws.receive_json_from()
    await ws.send_json_to({"type": "send", "room": 999_999, "body": "x"})
    missing = await ws.receive_json_from()
    await ws.send_to(bytes_data=b"\x00")
    binary = await ws.receive_json_from()
    await ws.send_json_to({"type": "ping"})
    pong = await ws.receive_json_from()

    assert [f["code"] for f in (not_json, too_large, bad_room, unknown)] == [
        "bad_frame",
        "frame_too_large",
        "bad_frame",
        "bad_frame",
    ]
    assert too_long["code"] == "too_long"
    assert "at most 10,000 characters" in too_long["message"]
    assert missing["code"] == "not_found" and binary["code"] == "bad_frame"
    assert pong == {"type": "pong"}
    await ws.disconnect()


@override_settings(CHAT_RATE_MESSAGES=3)
async def test_flooding_gets_rate_limited_frame_and_socket_stays_open(
    community, instructor, student
):
    room = await db(open_room)(instructor, community)
    ws = await connect(student)

    for n in range(4):
        await ws.send_json_to(
            {"type": "send", "room": room.pk, "body": f"m{n}", "client_id": f"c{n}"}
        )
    frames = [await next_of(ws, "ack|error") for _ in range(4)]
    await ws.send_json_to({"type": "ping"})

    assert [f["type"] for f in frames[:3]] == ["ack", "ack", "ack"]
    assert frames[3]["code"] == "rate_limited" and frames[3]["client_id"] == "c3"
    assert (await next_of(ws, "pong"))["type"] == "pong"
    await ws.disconnect()


async def test_edit_react_and_delete_frames_reach_others(
    community, instructor, student, mentor
):
    room = await db(open_room)(instructor, community)
    message = await db(say)(student, room)
    author = await connect(student)
    reader = await connect(mentor)
    await subscribe(reader, f"room.{room.pk}", since=1)

    await author.send_json_to({"type": "edit", "message": message.pk, "body": "new"})
    edited = await next_of(reader, "event")
    await reader.send_json_to({"type": "react", "message": message.pk, "kind": "eyes"})
    reacted = await next_of(reader, "event")
    await author.send_json_to({"type": "delete", "message": message.pk})
    deleted = await next_of(reader, "event")
    await reader.send_json_to({"type": "edit", "message": message.pk, "body": "no"})
    refused = await next_of(reader, "error")

    assert edited["event"] == "message.edited" and edited["payload"]["edited_at"]
    assert reacted["payload"]["kind"] == "eyes" and reacted["payload"]["count"] == 1
    assert deleted["payload"]["is_deleted"] and deleted["payload"]["html"] == ""
    assert refused["code"] == "forbidden"
    await author.disconnect()
    await reader.disconnect()


@override_settings(REALTIME_PING_SECONDS=0.3)
async def test_typing_and_presence_reach_others_in_the_room(
    community, instructor, student, mentor
):
    room = await db(open_room)(instructor, community)
    watcher = await connect(mentor)
    await subscribe(watcher, f"room.{room.pk}")
    typist = await connect(student)
    await subscribe(typist, f"room.{room.pk}")

    here = await next_of(watcher, "signal")
    while here["payload"]["count"] < 2:
        here = await next_of(watcher, "signal")
    await typist.send_json_to({"type": "typing", "room": room.pk})
    typing = await next_of(watcher, "signal")
    while typing["event"] != "typing":
        typing = await next_of(watcher, "signal")
    await typist.disconnect()
    gone = await next_of(watcher, "signal")
    while gone["event"] != "presence" or gone["payload"]["count"] != 1:
        gone = await next_of(watcher, "signal")

    assert here["event"] == "presence"
    assert student.pk in {p["id"] for p in here["payload"]["joined"]}
    assert typing["event"] == "typing" and typing["payload"]["user"] == student.pk
    assert gone["payload"]["left"] == [student.pk]
    assert not await db(Event.objects.filter(type="typing").exists)()
    await watcher.disconnect()


async def test_read_frame_moves_the_read_mark(community, instructor, student):
    room = await db(open_room)(instructor, community)
    await db(services.join_room)(student, room)
    await db(say)(instructor, room)
    await db(say)(instructor, room)
    ws = await connect(student)

    await ws.send_json_to({"type": "read", "room": room.pk, "number": 2})
    reply = await ws.receive_json_from()

    assert reply == {"type": "read", "room": room.pk, "number": 2}
    await ws.disconnect()


async def test_resume_sends_what_was_missed_then_the_live_tail(
    community, instructor, student
):
    room = await db(open_room)(instructor, community)
    for n in range(5):
        await db(say)(instructor, room, body=f"m{n}")

    ws = await connect(student)
    missed, subscribed = await subscribe(ws, f"room.{room.pk}", since=2)
    await db(say)(instructor, room, body="live")
    live = await next_of(ws, "event")

    assert [f["sequence"] for f in missed] == [3, 4, 5]
    assert subscribed["type"] == "subscribed"
    assert live["sequence"] == 6
    await ws.disconnect()


async def test_client_behind_the_kept_history_is_told_to_reload(
    community, instructor, student
):
    room = await db(open_room)(instructor, community)
    for n in range(5):
        await db(say)(instructor, room, body=f"m{n}")
    stream = f"room.{room.pk}"
    await db(Event.objects.filter(stream=stream, sequence__lte=3).delete)()

    ws = await connect(student)
    missed, _ = await subscribe(ws, stream, since=1)
    missed_ok, _ = await subscribe(ws, stream, since=3)

    assert missed == [{"type": "reload", "stream": stream, "sequence": 5}]
    assert [f["sequence"] for f in missed_ok] == [4, 5]
    await ws.disconnect()


async def test_lost_fan_out_is_filled_from_storage(community, instructor, student):
    from studyhall.realtime.services import publish

    room = await db(open_room)(instructor, community)
    ws = await connect(student)
    await subscribe(ws, f"room.{room.pk}")

    def publish_without_fan_out():
        # Stored but never sent, as when Redis drops a message.
        from django.db import transaction

        with transaction.atomic():
            publish(f"room.{room.pk}", "message.created", {"lost": True})
            transaction.get_connection().run_on_commit = []

    await db(publish_without_fan_out)()
    await db(say)(instructor, room, body="after")
    first = await next_of(ws, "event")
    second = await next_of(ws, "event")

    assert (first["sequence"], second["sequence"]) == (1, 2)
    assert first["payload"] == {"lost": True}
    await ws.disconnect()


# --- access ends at once -------------------------------------------------------


async def test_removed_from_members_only_room_is_unsubscribed_within_a_second(
    community, instructor, student
):
    room = await db(open_room)(instructor, community, name="t", access="members")
    await db(services.add_room_member)(instructor, room, student)
    ws = await connect(student)
    _, ok = await subscribe(ws, f"room.{room.pk}")

    await db(services.remove_room_member)(instructor, room, student)
    dropped = await next_of(ws, "unsubscribed", timeout=1)
    await db(say)(instructor, room, body="secret")

    assert ok["type"] == "subscribed"
    assert dropped["stream"] == f"room.{room.pk}"
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def test_removed_from_community_loses_its_rooms_within_a_second(
    community, owner, instructor, student
):
    from studyhall.communities import services as community_services
    from studyhall.communities.models import Membership

    room = await db(open_room)(instructor, community)
    ws = await connect(student)
    await subscribe(ws, f"room.{room.pk}")
    membership = await db(Membership.objects.get)(user=student)

    await db(community_services.remove_member)(owner, community, membership.pk)
    dropped = await next_of(ws, "unsubscribed", timeout=1)
    await db(say)(instructor, room, body="after removal")

    assert dropped["stream"] == f"room.{room.pk}"
    assert await ws.receive_nothing(0.5)
    await ws.disconnect()


async def _assert_closed_within_a_second(ws):
    output = await ws.receive_output(timeout=1)
    while output["type"] != "websocket.close":
        output = await ws.receive_output(timeout=1)
    assert output["code"] == 4401


async def test_logout_closes_that_sessions_sockets(community, instructor, student):
    room = await db(open_room)(instructor, community)
    client, session = await db(_login)(student)
    ws = await connect(session=session)
    _, ok = await subscribe(ws, f"room.{room.pk}")

    await db(client.logout)()

    assert ok["type"] == "subscribed"
    await _assert_closed_within_a_second(ws)


async def test_password_change_closes_other_sessions(community, instructor, student):
    room = await db(open_room)(instructor, community)
    _, session = await db(_login)(student)
    ws = await connect(session=session)
    await subscribe(ws, f"room.{room.pk}")

    def change_password():
        student.set_password("another long passphrase")
        student.save()

    await db(change_password)()

    await _assert_closed_within_a_second(ws)


async def test_deactivation_closes_sockets(community, instructor, student):
    room = await db(open_room)(instructor, community)
    _, session = await db(_login)(student)
    ws = await connect(session=session)
    await subscribe(ws, f"room.{room.pk}")

    def deactivate():
        student.is_active = False
        student.save(update_fields=["is_active"])

    await db(deactivate)()

    await _assert_closed_within_a_second(ws)


async def test_session_login_is_used_by_the_socket(community, instructor, student):
    room = await db(open_room)(instructor, community)
    _, session = await db(_login)(student)
    ws = await connect(session=session)

    await ws.send_json_to({"type": "send", "room": room.pk, "body": "from a session"})
    ack = await next_of(ws, "ack")

    assert ack["number"] == 1
    await ws.disconnect()


async def test_missing_or_foreign_origin_is_refused(student):
    for origin in (None, b"http://evil.example"):
        ws = WebsocketCommunicator(
            application,
            "/ws/streams/",
            headers=[(b"origin", origin)] if origin else [],
        )
        connected, _ = await ws.connect()
        assert not connected


@override_settings(REALTIME_PING_SECONDS=0.2, REALTIME_IDLE_TIMEOUT_SECONDS=0.5)
async def test_idle_sockets_are_pinged_and_silent_ones_dropped(student):
    ws = await connect(student)

    ping = await ws.receive_json_from(timeout=2)
    output = await ws.receive_output(timeout=3)
    while output["type"] != "websocket.close":
        output = await ws.receive_output(timeout=3)

    assert ping == {"type": "ping"}
    assert output["code"] == 4408


@override_settings(REALTIME_PING_SECONDS=0.2, REALTIME_IDLE_TIMEOUT_SECONDS=0.5)
async def test_sockets_that_answer_pings_stay_open(student):
    ws = await connect(student)

    for _ in range(5):
        assert (await ws.receive_json_from(timeout=2)) == {"type": "ping"}
        await ws.send_json_to({"type": "pong"})

    await asyncio.sleep(0)
    await ws.disconnect()


async def _signals_until(ws, marker):
    """Return the signals received up to the typing signal of `marker`."""
    seen = []
    while True:
        frame = await next_of(ws, "signal")
        if frame["event"] == "typing" and frame["payload"]["user"] == marker.pk:
            return seen
        seen.append(frame)


def _people_in(signals):
    return {p["id"] for s in signals for p in s["payload"].get("joined", [])} | {
        s["payload"]["user"] for s in signals if s["event"] == "typing"
    }


@override_settings(REALTIME_PING_SECONDS=0.3)
async def test_typing_and_presence_of_someone_the_viewer_blocked_do_not_reach_them(
    community, instructor, student, mentor
):
    room = await db(open_room)(instructor, community)
    watcher = await connect(mentor)
    await subscribe(watcher, f"room.{room.pk}")
    await db(accounts_services.block)(mentor, student)
    blocked = await connect(student)
    await subscribe(blocked, f"room.{room.pk}")
    other = await connect(instructor)
    await subscribe(other, f"room.{room.pk}")
    await asyncio.sleep(1.2)  # presence goes out at most once a second

    await blocked.send_json_to({"type": "typing", "room": room.pk})
    await asyncio.sleep(0.3)
    await other.send_json_to({"type": "typing", "room": room.pk})
    seen = await _signals_until(watcher, instructor)

    assert student.pk not in _people_in(seen)
    assert instructor.pk in _people_in(seen)
    assert all(s["payload"]["count"] <= 2 for s in seen if s["event"] == "presence")
    for ws in (watcher, blocked, other):
        await ws.disconnect()


@override_settings(REALTIME_PING_SECONDS=0.3)
async def test_someone_blocked_while_connected_stops_seeing_the_blockers_typing(
    community, instructor, student, mentor
):
    room = await db(open_room)(instructor, community)
    watcher = await connect(mentor)
    await subscribe(watcher, f"room.{room.pk}")
    blocker = await connect(student)
    await subscribe(blocker, f"room.{room.pk}")
    other = await connect(instructor)
    await subscribe(other, f"room.{room.pk}")

    await db(accounts_services.block)(student, mentor)
    await asyncio.sleep(0.5)  # the control group tells the watcher's socket
    await blocker.send_json_to({"type": "typing", "room": room.pk})
    await blocker.disconnect()
    await asyncio.sleep(1.2)
    await other.send_json_to({"type": "typing", "room": room.pk})
    seen = await _signals_until(watcher, instructor)

    typists = {s["payload"]["user"] for s in seen if s["event"] == "typing"}
    left = {pk for s in seen for pk in s["payload"].get("left", [])}
    assert student.pk not in typists and student.pk not in left
    for ws in (watcher, other):
        await ws.disconnect()
