"""Chat pages without JavaScript: history, plain form posts, errors that keep text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from studyhall.chat import services
from studyhall.chat.models import Message, Room
from tests.chat.helpers import open_room, say
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_room_page_shows_history_and_accepts_a_plain_form_post(
    client, community, instructor, student
):
    room = open_room(instructor, community)
    say(instructor, room, body="Welcome to **general**")
    client.force_login(student)

    page = client.get(reverse("chat:room-detail", args=[room.pk]))
    response = client.post(
        reverse("chat:message-send", args=[room.pk]), {"body": "Hi *there*"}
    )

    assert "<strong>general</strong>" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"].endswith("#m-2")
    after = client.get(reverse("chat:room-detail", args=[room.pk])).content.decode()
    assert "<em>there</em>" in after


def test_oversized_message_keeps_the_text_with_a_clear_error(
    client, community, instructor, student
):
    room = open_room(instructor, community)
    client.force_login(student)
    text = "word " * 2001

    response = client.post(reverse("chat:message-send", args=[room.pk]), {"body": text})

    body = response.content.decode()
    assert response.status_code == 400
    assert "at most 10,000 characters" in body
    assert "word word word" in body
    assert not Message.objects.exists()


@override_settings(CHAT_RATE_MESSAGES=2)
def test_rate_limit_shows_a_clear_error(client, community, instructor, student):
    room = open_room(instructor, community)
    client.force_login(student)
    url = reverse("chat:message-send", args=[room.pk])
    client.post(url, {"body": "1"})
    client.post(url, {"body": "2"})

    response = client.post(url, {"body": "three"})

    assert response.status_code == 400
    assert "too fast" in response.content.decode()


def test_same_client_id_from_the_form_stores_once(
    client, community, instructor, student
):
    room = open_room(instructor, community)
    client.force_login(student)
    url = reverse("chat:message-send", args=[room.pk])

    client.post(url, {"body": "once", "client_id": "abc"})
    client.post(url, {"body": "once", "client_id": "abc"})

    assert Message.objects.count() == 1


def test_staff_opens_a_room_from_the_page(client, community, instructor, student):
    client.force_login(instructor)
    url = reverse("chat:room-list", args=[community.slug])

    response = client.post(url, {"name": "help", "topic": "Ask", "access": "public"})
    empty = client.post(url, {"name": "", "topic": "kept topic", "access": "public"})

    assert response.status_code == 302
    assert Room.objects.get().name == "help"
    assert empty.status_code == 400 and "kept topic" in empty.content.decode()
    client.force_login(student)
    assert client.post(url, {"name": "x", "access": "public"}).status_code == 403


def test_join_mute_leave_from_the_page(client, community, instructor, student):
    room = open_room(instructor, community)
    client.force_login(student)

    client.post(reverse("chat:room-join", args=[room.pk]))
    client.post(reverse("chat:room-mute", args=[room.pk]), {"muted": "1"})
    muted = room.members.get(user=student).is_muted
    client.post(reverse("chat:room-leave", args=[room.pk]))

    assert muted
    assert not room.members.filter(user=student).exists()


def test_start_a_conversation_by_handle(client, community, student, other_student):
    client.force_login(student)

    response = client.post(
        reverse("chat:conversation-start"), {"handles": f"@{other_student.handle}"}
    )
    unknown = client.post(reverse("chat:conversation-start"), {"handles": "@nobody"})

    room = Room.objects.get(kind="direct")
    assert response["Location"] == reverse("chat:room-detail", args=[room.pk])
    assert (
        unknown.status_code == 400
        and "No one goes by @nobody" in unknown.content.decode()
    )


def test_outsider_gets_404_for_rooms_and_messages(
    client, community, instructor, outsider
):
    room = open_room(instructor, community)
    message = say(instructor, room)
    client.force_login(outsider)

    for url in (
        reverse("chat:room-detail", args=[room.pk]),
        reverse("chat:message-detail", args=[message.pk]),
        reverse("chat:room-list", args=[community.slug]),
    ):
        assert client.get(url).status_code == 404


def test_reply_edit_react_delete_and_move_from_pages(
    client, community, instructor, student, mentor
):
    room = open_room(instructor, community)
    question = say(student, room, body="How?")
    client.force_login(mentor)
    client.post(
        reverse("chat:message-send", args=[room.pk]),
        {"body": "Like this", "parent": str(question.pk)},
    )
    client.post(reverse("chat:message-react", args=[question.pk]), {"kind": "heart"})
    client.force_login(student)
    client.post(
        reverse("chat:message-edit", args=[question.pk]), {"body": "How, then?"}
    )

    thread_page = client.get(reverse("chat:message-detail", args=[question.pk]))
    moved = client.post(
        reverse("chat:message-move", args=[question.pk]), {"title": "How to do it"}
    )

    text = thread_page.content.decode()
    assert "Like this" in text and "edited" in text and "❤️" in text
    assert moved.status_code == 302
    question.refresh_from_db()
    assert question.board_thread is not None
    board = client.get(moved["Location"]).content.decode()
    assert f"/chat/m/{question.pk}/" in board
    client.post(reverse("chat:message-delete", args=[question.pk]))
    question.refresh_from_db()
    assert question.is_deleted


def test_jump_to_first_unread(client, community, instructor, student):
    room = open_room(instructor, community)
    services.join_room(student, room)
    say(instructor, room, body="a")
    say(instructor, room, body="b")
    client.force_login(student)

    response = client.get(reverse("chat:room-unread", args=[room.pk]))

    assert response["Location"].endswith("#m-1")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@override_settings(CHAT_RATE_MESSAGES=10_000)
def test_room_page_query_count_does_not_grow(client, community, instructor, student):
    people = [make_member(community, "student") for _ in range(4)]
    small = open_room(instructor, community, name="small")
    big = open_room(instructor, community, name="big")
    for i in range(10):
        say(people[i % 4], small, body=f"m {i}")
    for i in range(300):
        m = say(people[i % 4], big, body=f"m {i} @{student.handle}")
        if i % 5 == 0:
            services.toggle_message_reaction(student, m, kind="heart")
            say(student, big, body="reply", parent=m)
    services.join_room(student, small)
    client.force_login(student)

    small_count = _count(client, reverse("chat:room-detail", args=[small.pk]))
    big_count = _count(client, reverse("chat:room-detail", args=[big.pk]))

    assert small_count == big_count
    assert big_count <= 16


@override_settings(CHAT_RATE_MESSAGES=10_000)
# Thirty conversations with strangers in a day: past the limit of
# moderation.contact, which is tested on its own.
@override_settings(NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=100)
def test_room_lists_query_count_does_not_grow(client, community, instructor, student):
    client.force_login(student)
    services.join_room(student, open_room(instructor, community, name="r0"))
    services.start_conversation(student, [instructor])
    lists = [reverse("chat:room-list", args=[community.slug]), reverse("chat:home")]
    small = [_count(client, url) for url in lists]
    for i in range(1, 30):
        room = open_room(instructor, community, name=f"r{i}")
        services.join_room(student, room)
        say(instructor, room)
        other = make_member(community, "student")
        services.start_conversation(student, [other])

    big = [_count(client, url) for url in lists]

    assert small == big


def test_room_page_leaves_blocked_people_out_of_who_is_here(
    client, community, instructor, student, mentor
):
    from studyhall.accounts.services import block

    room = open_room(instructor, community)
    services.update_presence(student, room.pk, True)
    services.update_presence(instructor, room.pk, True)
    block(student, mentor)
    client.force_login(mentor)

    page = client.get(reverse("chat:room-detail", args=[room.pk])).content.decode()

    assert f'data-person="{instructor.pk}"' in page
    assert f'data-person="{student.pk}"' not in page
