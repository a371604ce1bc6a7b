"""Chat through the REST API: the same services, rules and error shape."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from tests.api.conftest import get, send, signed_in
from tests.chat.helpers import open_room, say

pytestmark = pytest.mark.django_db


def test_send_list_edit_react_delete(community, instructor, student, mentor):
    room = open_room(instructor, community)
    client = signed_in(student)

    first = send(
        client,
        "POST",
        f"/rooms/{room.pk}/messages",
        {"body": "hi *x*", "client_id": "a"},
    )
    again = send(
        client,
        "POST",
        f"/rooms/{room.pk}/messages",
        {"body": "hi *x*", "client_id": "a"},
    )
    mid = first.json()["id"]
    edited = send(client, "PATCH", f"/messages/{mid}", {"body": "hello"})
    reacted = send(signed_in(mentor), "PUT", f"/messages/{mid}/reactions/heart")
    listed = get(client, f"/rooms/{room.pk}/messages")
    deleted = send(client, "DELETE", f"/messages/{mid}")

    assert first.status_code == 201 and again.status_code == 200
    assert (
        again.json()["id"] == mid and first.json()["html"] == "<p>hi <em>x</em></p>\n"
    )
    assert edited.json()["edited_at"] is not None
    assert reacted.json() == {"on": True}
    [item] = listed.json()["items"]
    assert item["reactions"] == [{"kind": "heart", "count": 1, "is_mine": False}]
    assert deleted.status_code == 204


def test_too_long_and_rate_limited_give_clear_errors(community, instructor, student):
    room = open_room(instructor, community)
    client = signed_in(student)

    too_long = send(
        client, "POST", f"/rooms/{room.pk}/messages", {"body": "x" * 10_001}
    )
    with override_settings(CHAT_RATE_MESSAGES=1):
        send(client, "POST", f"/rooms/{room.pk}/messages", {"body": "one"})
        flood = send(client, "POST", f"/rooms/{room.pk}/messages", {"body": "two"})

    assert too_long.status_code == 422
    assert "10,000" in too_long.json()["error"]["fields"]["body"][0]
    assert flood.status_code == 409
    assert flood.json()["error"]["code"] == "rate_limited"


def test_rooms_and_conversations(
    community, instructor, student, other_student, outsider
):
    open_room(instructor, community)
    client = signed_in(student)

    rooms = get(client, f"/communities/{community.slug}/rooms")
    started = send(
        client, "POST", "/conversations", {"handles": [other_student.handle]}
    )
    listed = get(signed_in(other_student), "/conversations")
    refused = send(client, "POST", "/conversations", {"handles": [outsider.handle]})
    made = send(
        signed_in(instructor),
        "POST",
        f"/communities/{community.slug}/rooms",
        {"name": "help"},
    )

    assert [r["name"] for r in rooms.json()] == ["general"]
    assert started.json()["kind"] == "direct"
    assert [p["id"] for p in listed.json()[0]["people"]] == [student.pk]
    assert refused.status_code == 403
    assert made.status_code == 201


def test_outsider_gets_404(community, instructor, outsider):
    room = open_room(instructor, community)
    message = say(instructor, room)
    client = signed_in(outsider)

    assert get(client, f"/rooms/{room.pk}/messages").status_code == 404
    assert (
        send(client, "PATCH", f"/messages/{message.pk}", {"body": "x"}).status_code
        == 404
    )
    assert get(client, f"/communities/{community.slug}/rooms").status_code == 404


@override_settings(CHAT_RATE_MESSAGES=10_000)
def test_message_list_query_count_does_not_grow(community, instructor, student):
    room = open_room(instructor, community)
    client = signed_in(student)
    for i in range(5):
        say(instructor, room, body=f"m{i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, f"/rooms/{room.pk}/messages").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(120):
        message = say(instructor, room, body=f"m{i}")
        if i % 3 == 0:
            say(student, room, body="r", parent=message)
    big = count()

    assert small == big
