"""Chat services: rooms, conversations, messages, and the rules around them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test.utils import override_settings

from studyhall.accounts import services as account_services
from studyhall.chat import selectors, services
from studyhall.chat.models import Message, MessageMention, Room
from studyhall.core.errors import DomainError
from studyhall.realtime.models import Event
from tests.chat.helpers import open_room, say
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def test_instructor_opens_a_room_and_student_cannot(community, instructor, student):
    room = open_room(instructor, community, name="#help")

    assert (room.name, room.slug, room.kind) == ("help", "help", "community")
    with pytest.raises(PermissionDenied):
        open_room(student, community, name="mine")
    with pytest.raises(ValidationError):
        open_room(instructor, community, name="Help")


def test_message_is_stored_with_increasing_number_and_event(
    community, instructor, student, django_capture_on_commit_callbacks
):
    room = open_room(instructor, community)

    with django_capture_on_commit_callbacks(execute=True):
        first = say(student, room, body="one")
        second = say(student, room, body="two *three*")

    assert (first.number, second.number) == (1, 2)
    assert "<em>three</em>" in second.body_html
    events = list(Event.objects.filter(stream=f"room.{room.pk}").order_by("sequence"))
    assert [e.type for e in events] == ["message.created", "message.created"]
    assert events[1].payload["number"] == 2
    assert events[1].payload["author"]["name"] == student.display_name


def test_retried_send_with_same_client_id_is_not_stored_twice(
    community, instructor, student
):
    room = open_room(instructor, community)

    first, created = services.send_message(student, room, body="hi", client_id="c-1")
    again, created_again = services.send_message(
        student, room, body="hi", client_id="c-1"
    )

    assert created and not created_again
    assert first.pk == again.pk
    assert Message.objects.filter(room=room).count() == 1


def test_too_long_message_is_refused_with_a_clear_error(community, instructor, student):
    room = open_room(instructor, community)

    with pytest.raises(ValidationError) as error:
        say(student, room, body="x" * 10_001)

    assert "at most 10,000 characters" in str(error.value)
    assert error.value.error_dict["body"][0].code == "too_long"
    say(student, room, body="x" * 10_000)


@override_settings(CHAT_RATE_MESSAGES=3, CHAT_RATE_SECONDS=10)
def test_flooding_is_rate_limited(community, instructor, student):
    room = open_room(instructor, community)
    for n in range(3):
        say(student, room, body=f"m{n}")

    with pytest.raises(DomainError) as error:
        say(student, room, body="too many")

    assert error.value.code == "rate_limited"
    assert "too fast" in error.value.message


def test_outsider_cannot_see_or_post_in_a_community_room(
    community, instructor, outsider
):
    room = open_room(instructor, community)

    with pytest.raises(PermissionDenied):
        say(outsider, room)
    assert not selectors.can_follow_room(outsider, room.pk)


def test_members_only_room_is_closed_to_other_members(
    community, instructor, student, other_student
):
    room = open_room(instructor, community, name="tutors", access="members")
    services.add_room_member(instructor, room, student)

    say(student, room, body="inside")

    assert selectors.can_follow_room(student, room.pk)
    assert not selectors.can_follow_room(other_student, room.pk)
    with pytest.raises(PermissionDenied):
        say(other_student, room)
    services.remove_room_member(instructor, room, student)
    assert not selectors.can_follow_room(student, room.pk)


def test_join_leave_and_mute(community, instructor, student):
    room = open_room(instructor, community)

    services.join_room(student, room)
    services.set_muted(student, room, muted=True)
    rooms = selectors.my_rooms(student)
    services.leave_room(student, room)

    assert [(r.pk, r.is_muted) for r in rooms] == [(room.pk, True)]
    assert selectors.my_rooms(student) == []
    with pytest.raises(DomainError):
        services.leave_room(student, room)


def test_unread_counts_and_first_unread(community, instructor, student):
    room = open_room(instructor, community)
    services.join_room(student, room)
    say(instructor, room, body="a")
    say(instructor, room, body="b")
    say(instructor, room, body="c")

    services.mark_room_read(student, room, number=1)
    page = selectors.room_page(student, room)
    [listed] = selectors.my_rooms(student)

    assert listed.unread_count == 2
    assert page.first_unread_number == 2
    assert [v.is_first_unread for v in page.messages] == [False, True, False]


def test_history_loads_backwards_by_number(community, instructor, student):
    room = open_room(instructor, community)
    with override_settings(CHAT_RATE_MESSAGES=1000):
        for n in range(60):
            say(student, room, body=f"m{n}")

    latest = selectors.room_page(student, room)
    older = selectors.room_page(student, room, before=latest.oldest_number)

    assert [v.message.number for v in latest.messages] == list(range(11, 61))
    assert latest.has_older
    assert [v.message.number for v in older.messages] == list(range(1, 11))
    assert not older.has_older


def test_edit_marks_edited_and_delete_is_soft(community, instructor, student, mentor):
    room = open_room(instructor, community)
    message = say(student, room, body="typo")

    services.edit_message(student, message, body="fixed")
    with pytest.raises(PermissionDenied):
        services.edit_message(mentor, message, body="not mine")
    services.delete_message(instructor, message)
    message.refresh_from_db()

    assert message.edited_at is not None and message.body == "fixed"
    assert message.is_deleted
    payload = Event.objects.filter(type="message.deleted").get().payload
    assert payload["html"] == "" and payload["is_deleted"]


def test_reactions_toggle_and_count(community, instructor, student, mentor):
    room = open_room(instructor, community)
    message = say(student, room)

    assert services.toggle_message_reaction(mentor, message, kind="heart")
    assert services.toggle_message_reaction(instructor, message, kind="heart")
    assert not services.toggle_message_reaction(mentor, message, kind="heart")
    [view] = selectors.room_page(instructor, room).messages

    assert [(r.kind, r.count, r.is_mine) for r in view.reactions] == [
        ("heart", 1, True)
    ]
    with pytest.raises(ValidationError):
        services.toggle_message_reaction(mentor, message, kind="skull")


def test_replies_form_a_thread_under_a_message(community, instructor, student, mentor):
    room = open_room(instructor, community)
    question = say(student, room, body="Why?")

    say(mentor, room, body="Because.", parent=question)
    question.refresh_from_db()

    assert question.reply_count == 1
    assert [v.message.body for v in selectors.message_thread(student, question)] == [
        "Because."
    ]
    assert [v.message.number for v in selectors.room_page(student, room).messages] == [
        1
    ]
    other = open_room(instructor, community, name="other")
    with pytest.raises(ValidationError):
        say(mentor, other, body="wrong room", parent=question)


def test_mentions_link_members_but_not_people_who_blocked_the_author(
    community, instructor, student, mentor
):
    room = open_room(instructor, community)
    account_services.block(mentor, student)

    message = say(student, room, body=f"@{instructor.handle} and @{mentor.handle}")

    assert f"/{instructor.handle}" in message.body_html
    assert f"/{mentor.handle}" not in message.body_html
    assert list(MessageMention.objects.values_list("user_id", flat=True)) == [
        instructor.pk
    ]


def test_one_to_one_conversation_is_reused_and_blocking_stops_it(
    community, student, other_student
):
    room = services.start_conversation(student, [other_student])
    again = services.start_conversation(other_student, [student])
    say(student, room, body="hi")

    account_services.block(other_student, student)

    assert room.pk == again.pk and room.kind == Room.Kind.DIRECT
    with pytest.raises(PermissionDenied):
        say(student, room, body="still there?")
    with pytest.raises(PermissionDenied):
        services.start_conversation(student, [other_student])


def test_conversations_are_private_to_their_people(
    community, student, other_student, owner
):
    room = services.start_conversation(student, [other_student])

    assert selectors.can_follow_room(other_student, room.pk)
    assert not selectors.can_follow_room(owner, room.pk)
    assert [c.room.pk for c in selectors.conversations(other_student)] == [room.pk]


def test_group_conversation_holds_at_most_ten(community, student):
    people = [make_member(community, "student") for _ in range(10)]

    with pytest.raises(ValidationError):
        services.start_conversation(student, people)
    room = services.start_conversation(student, people[:9])

    assert room.members.count() == 10
    with pytest.raises(DomainError):
        services.add_room_member(student, room, people[9])


def test_conversation_needs_a_shared_community(student, outsider):
    with pytest.raises(PermissionDenied):
        services.start_conversation(student, [outsider])


def test_message_moves_to_the_board_with_its_replies(
    community, instructor, student, mentor
):
    room = open_room(instructor, community)
    question = say(student, room, body="How do I *start*?")
    say(mentor, room, body="Read chapter 1.", parent=question)

    thread = services.move_to_board(student, question, title="Getting started")
    question.refresh_from_db()

    assert question.board_thread == thread
    opening = thread.posts.get(number=1)
    assert "Read chapter 1." in opening.body
    assert f"/chat/m/{question.pk}/" in opening.body
    with pytest.raises(PermissionDenied):
        services.move_to_board(student, question, title="Again")


def test_only_author_or_staff_may_move_a_message(
    community, instructor, student, mentor
):
    room = open_room(instructor, community)
    message = say(student, room)

    with pytest.raises(PermissionDenied):
        services.move_to_board(mentor, message, title="Not mine")
    assert services.move_to_board(instructor, message, title="Staff may").pk


def test_archived_room_refuses_messages(community, instructor, student):
    room = open_room(instructor, community)
    services.archive_room(instructor, room)

    with pytest.raises(PermissionDenied) as error:
        say(student, room)

    assert "archived" in str(error.value)
    services.archive_room(instructor, room, archived=False)
    say(student, room)


def test_rooms_of_another_community_stay_hidden(instructor, community):
    elsewhere = CommunityFactory()
    teacher = make_member(elsewhere, "instructor")
    open_room(teacher, elsewhere, name="secret")

    assert selectors.community_rooms(instructor, elsewhere) == []
