"""Each study group's own chat room: made with the group, members only, and
its people following the group's membership."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from studyhall import policy
from studyhall.chat import selectors as chat_selectors
from studyhall.chat import services as chat
from studyhall.chat.models import Message, Room, RoomMember
from studyhall.communities.models import Membership
from studyhall.groups import services
from studyhall.moderation.services import restrict_member
from studyhall.policy import Action
from tests.chat.helpers import say
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def fresh(*users):
    for u in users:
        policy.forget(u)


def people_in(room):
    return set(RoomMember.objects.filter(room=room).values_list("user_id", flat=True))


def test_a_new_group_gets_a_members_only_room_with_its_organizers(
    student, other_student, community
):
    group = services.create_group(
        student,
        community,
        services.GroupFields(name="Exam prep"),
        organizers=[other_student],
    )

    room = Room.objects.get(group=group)
    assert room.kind == Room.Kind.GROUP
    assert room.community_id == community.pk
    assert room.name == "Exam prep"
    assert room.is_members_only
    assert people_in(room) == {student.pk, other_student.pk}


def test_joining_and_leaving_the_group_moves_people_in_and_out_of_the_room(
    student, other_student, community
):
    group = make_group(student, community)
    room = group.room

    services.join_group(other_student, group)
    fresh(other_student)
    inside = policy.can(other_student, Action.SEND_MESSAGE, room)
    services.leave_group(other_student, group)
    fresh(other_student)

    assert inside
    assert people_in(room) == {student.pk}
    assert not policy.can(other_student, Action.VIEW, room)


def test_an_approved_request_seats_the_person_in_the_room(
    student, other_student, community
):
    group = make_group(student, community, visibility="request")
    membership = services.join_group(other_student, group)
    fresh(other_student)
    asked = policy.can(other_student, Action.VIEW, group.room)

    services.approve_request(student, membership)
    fresh(other_student)

    assert not asked
    assert policy.can(other_student, Action.VIEW, group.room)
    assert other_student.pk in people_in(group.room)


def test_an_accepted_invitation_seats_the_person_in_the_room(
    student, other_student, community
):
    group = make_group(student, community, visibility="hidden")
    services.invite_to_group(student, group, other_student)
    fresh(other_student)
    invited = policy.can(other_student, Action.VIEW, group.room)

    services.join_group(other_student, group)
    fresh(other_student)

    assert not invited
    assert policy.can(other_student, Action.VIEW, group.room)


def test_a_removed_member_loses_the_room_and_its_history(
    student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    say(student, group.room, body="Before")

    services.leave_group(student, group, member=other_student)
    fresh(other_student)

    assert not policy.can(other_student, Action.VIEW, group.room)
    assert not policy.visible(other_student, Message.objects.all()).exists()
    with pytest.raises(PermissionDenied):
        chat.send_message(other_student, group.room, body="Still here?")


def test_community_members_and_staff_outside_the_group_cannot_see_its_room(
    student, other_student, moderator, instructor, community
):
    group = make_group(student, community)
    room = group.room

    for person in (other_student, moderator, instructor):
        assert not policy.can(person, Action.VIEW, room)
        assert not policy.visible(person, Room.objects.filter(pk=room.pk)).exists()
        assert chat_selectors.community_rooms(person, community) == []


def test_a_banned_member_loses_the_group_room_and_space(
    student, other_student, owner, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    membership = Membership.objects.get(community=community, user=other_student)

    restrict_member(owner, membership, action="ban", reason="Spam")
    fresh(other_student)

    assert not policy.can(other_student, Action.VIEW, group.room)
    assert not policy.visible(other_student, Room.objects.filter(group=group)).exists()
    assert not policy.can(other_student, Action.VIEW_GROUP_SPACE, group)


def test_the_group_room_is_neither_joined_left_nor_managed_on_its_own(
    student, other_student, instructor, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    fresh(other_student)
    room = group.room

    assert not policy.can(other_student, Action.LEAVE, room)
    assert not policy.can(other_student, Action.JOIN, room)
    assert not policy.can(student, Action.MANAGE_ROOM, room)
    with pytest.raises(PermissionDenied):
        chat.add_room_member(student, room, instructor)


def test_renaming_the_group_renames_its_room(student, community):
    group = make_group(student, community)

    services.update_group(
        student, group, services.GroupFields(name="Calculus crew", capacity=8)
    )

    assert Room.objects.get(group=group).name == "Calculus crew"


def test_group_rooms_are_listed_among_my_rooms_with_unread_counts(
    student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    fresh(other_student)
    say(student, group.room, body="Welcome")

    rooms = chat_selectors.my_rooms(other_student)

    assert [(r.pk, r.unread_count) for r in rooms] == [(group.room.pk, 1)]


def test_a_group_message_moved_to_the_board_lands_in_the_group_board(
    student, community
):
    group = make_group(student, community, visibility="hidden")
    message = say(student, group.room, body="How do we split chapter 3?")

    thread = chat.move_to_board(student, message, title="Splitting chapter 3")

    assert thread.category_id == group.board_id


def test_a_mention_in_a_group_room_reaches_only_its_members(
    student, other_student, community
):
    make_member(community, "student", handle="carol")
    group = make_group(student, community)
    services.join_group(other_student, group)

    message = say(student, group.room, body=f"@{other_student.handle} and @carol, look")

    assert set(message.mentions.values_list("user_id", flat=True)) == {other_student.pk}


def test_can_and_visible_agree_on_group_rooms_for_every_role(
    student, other_student, moderator, instructor, owner, outsider, community
):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    group = make_group(student, community, visibility="hidden")
    services.invite_to_group(student, group, other_student)
    invited_only = other_student
    people = [student, invited_only, moderator, instructor, owner, outsider, admin]

    for person in people:
        fresh(person)
        listed = policy.visible(person, Room.objects.filter(group=group)).exists()
        messages = policy.visible(person, Message.objects.filter(room__group=group))

        assert policy.can(person, Action.VIEW, group.room) is listed, person
        assert messages.count() == 0
    assert {p for p in people if policy.can(p, Action.VIEW, group.room)} == {
        student,
        admin,
    }


def test_chat_messages_cite_library_items_as_link_cards(student, community):
    from studyhall.library import services as library

    item = library.add_item(
        student, community, library.ItemFields(title="Attention", authors="Vaswani")
    )
    group = make_group(student, community)
    shelf = library.add_item(
        student, community, library.ItemFields(title="Shelf secret"), group=group
    )

    message = say(
        student, group.room, body=f"See [[lib:{item.pk}]] and [[lib:{shelf.pk}]]"
    )

    assert f'class="cite-card" href="/library/{item.pk}/"' in message.body_html
    assert "Shelf secret" not in message.body_html
    assert f"[[lib:{shelf.pk}]]" in message.body_html


def test_members_mute_the_group_room_and_its_unread_count_hides(
    client, student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    fresh(other_student)
    say(student, group.room, body="Ping")

    chat.set_muted(other_student, group.room, muted=True)
    client.force_login(other_student)
    page = client.get(f"/g/{group.pk}/").content.decode()

    assert RoomMember.objects.get(room=group.room, user=other_student).is_muted
    assert "1 unread" not in page
