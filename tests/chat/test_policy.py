"""The policy's chat rules: can and visible agree for rooms and messages."""

from __future__ import annotations

import pytest

from studyhall import policy
from studyhall.chat import services
from studyhall.chat.models import Message, Room
from studyhall.policy import Action
from tests.chat.helpers import open_room, say
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _agree(user, obj):
    model = type(obj)
    seen = policy.visible(user, model.objects.filter(pk=obj.pk)).exists()
    assert seen == policy.can(user, Action.VIEW, obj)
    return seen


def test_public_room_is_for_community_members(
    community, instructor, student, outsider, anonymous
):
    room = open_room(instructor, community)

    assert _agree(student, room)
    assert not _agree(outsider, room)
    assert not policy.can(anonymous, Action.VIEW, room)
    assert not policy.visible(anonymous, Room.objects.all()).exists()
    assert policy.can(student, Action.JOIN, room)
    assert not policy.can(student, Action.LEAVE, room)
    assert policy.can(student, Action.SEND_MESSAGE, room)
    assert not policy.can(student, Action.MANAGE_ROOM, room)
    assert policy.can(instructor, Action.MANAGE_ROOM, room)


def test_members_only_room_is_seen_by_its_members_and_moderators(
    community, instructor, moderator, student, other_student
):
    room = open_room(instructor, community, name="staff", access="members")
    services.add_room_member(instructor, room, student)
    policy.forget(student)

    assert _agree(student, room)
    assert _agree(moderator, room)
    assert not _agree(other_student, room)
    assert not policy.can(student, Action.JOIN, room)


def test_superuser_sees_community_rooms_but_not_conversations(
    community, instructor, student, other_student
):
    admin = UserFactory(is_superuser=True)
    room = open_room(instructor, community, name="staff", access="members")
    dm = services.start_conversation(student, [other_student])

    assert _agree(admin, room)
    assert not _agree(admin, dm)


def test_message_rules(community, instructor, moderator, student, mentor):
    room = open_room(instructor, community)
    message = say(student, room)
    reply = say(mentor, room, body="r", parent=message)

    assert _agree(mentor, message)
    assert not policy.can(UserFactory(), Action.REACT, message)
    assert policy.can(student, Action.EDIT, message)
    assert not policy.can(mentor, Action.EDIT, message)
    assert policy.can(moderator, Action.DELETE, message)
    assert not policy.can(mentor, Action.DELETE, message)
    assert policy.can(mentor, Action.REACT, message)
    assert policy.can(instructor, Action.MOVE_TO_BOARD, message)
    assert not policy.can(mentor, Action.MOVE_TO_BOARD, message)
    assert not policy.can(mentor, Action.MOVE_TO_BOARD, reply)
    services.delete_message(student, message)
    message.refresh_from_db()
    assert not policy.can(student, Action.EDIT, message)


def test_unverified_people_cannot_chat(community, instructor):
    from tests.factories import make_member

    unverified = make_member(community, "student", email_verified_at=None)
    room = open_room(instructor, community)
    message = say(instructor, room)

    assert policy.can(unverified, Action.VIEW, room)
    assert not policy.can(unverified, Action.SEND_MESSAGE, room)
    assert not policy.can(unverified, Action.REACT, message)
    assert not policy.can(unverified, Action.START_CONVERSATION)


def test_conversation_rules(community, student, other_student, mentor):
    dm = services.start_conversation(student, [other_student, mentor])

    assert policy.can(student, Action.MANAGE_ROOM, dm)
    assert not policy.can(mentor, Action.MANAGE_ROOM, dm)
    assert policy.can(mentor, Action.LEAVE, dm)
    assert not policy.can(mentor, Action.JOIN, dm)
    message = say(mentor, dm)
    assert not policy.can(student, Action.MOVE_TO_BOARD, message)
    assert not policy.can(student, Action.DELETE, message)


def test_unknown_actions_raise(community, instructor):
    room = open_room(instructor, community)
    message = say(instructor, room)

    with pytest.raises(TypeError):
        policy.can(instructor, Action.ENDORSE, room)
    with pytest.raises(TypeError):
        policy.can(instructor, Action.ENDORSE, message)
    assert Message.objects.count() == 1
