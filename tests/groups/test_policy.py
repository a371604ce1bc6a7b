"""The policy's rules for study groups, library items and live sessions:
roles × states, and `can` agreeing with `visible`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from studyhall import policy
from studyhall.discussions.models import Category, Thread
from studyhall.discussions.services import create_thread
from studyhall.groups import services as groups
from studyhall.groups.models import StudyGroup
from studyhall.library import services as library
from studyhall.library.models import LibraryItem
from studyhall.live import services as live_services
from studyhall.live.models import LiveSession
from studyhall.policy import Action
from tests.factories import UserFactory, make_group, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(community, student, instructor):
    hidden = make_group(student, community, visibility="hidden")
    shelf_item = library.add_item(
        student, community, library.ItemFields(title="Shelf"), group=hidden
    )
    open_item = library.add_item(student, community, library.ItemFields(title="Open"))
    group_live = live_services.open_live_session(
        student, community, title="Group live", group=hidden
    )
    community_live = live_services.open_live_session(
        instructor, community, title="Community live"
    )
    thread = create_thread(
        student, community, title="Secret", body="x", category=hidden.board
    )
    return {
        "hidden": hidden,
        "shelf_item": shelf_item,
        "open_item": open_item,
        "group_live": group_live,
        "community_live": community_live,
        "thread": thread,
    }


def people(community):
    admin = UserFactory(is_superuser=True, is_staff=True)
    unverified = make_member(community, "student", email_verified_at=None)
    return {
        "admin": admin,
        "unverified": unverified,
        "outsider": UserFactory(),
        "anonymous": AnonymousUser(),
        "peer": make_member(community, "student"),
    }


@pytest.mark.parametrize(
    "model", [StudyGroup, LibraryItem, LiveSession, Thread, Category]
)
def test_can_view_agrees_with_visible(world, community, student, model):
    everyone = {**people(community), "student": student}
    for who, user in everyone.items():
        policy.forget(user)
        shown = set(policy.visible(user, model.objects.all()))
        for obj in model.objects.all():
            assert (obj in shown) == policy.can(user, Action.VIEW, obj), (who, obj)


def test_superuser_sees_hidden_groups_and_their_boards(world, community):
    admin = people(community)["admin"]

    assert policy.can(admin, Action.VIEW, world["hidden"])
    assert policy.can(admin, Action.VIEW_GROUP_SPACE, world["hidden"])
    assert policy.can(admin, Action.VIEW, world["thread"])
    assert world["hidden"].board in policy.visible(admin, Category.objects.all())


def test_unverified_and_outside_people_take_no_group_actions(world, community):
    p = people(community)
    open_group = make_group(p["peer"], community, name="Open")
    policy.forget(p["peer"])

    assert not policy.can(p["unverified"], Action.JOIN, open_group)
    assert not policy.can(p["outsider"], Action.VIEW, open_group)
    assert not policy.can(p["outsider"], Action.JOIN, open_group)
    assert not policy.can(p["anonymous"], Action.LEAVE, open_group)
    assert policy.can(p["peer"], Action.HOST_LIVE, open_group)
    assert policy.group_status(p["peer"], open_group) == ("organizer", "active")
    assert policy.can(make_member(community, "student"), Action.JOIN, open_group)
    with pytest.raises(TypeError):
        policy.can(p["peer"], Action.PIN_THREAD, open_group)


def test_library_item_rules(world, community, student, instructor):
    p = people(community)
    item = world["open_item"]

    assert policy.can(p["peer"], Action.TAKE_PART, item)
    assert not policy.can(p["peer"], Action.RECOMMEND, item)
    assert policy.can(instructor, Action.RECOMMEND, item)
    assert not policy.can(p["peer"], Action.DELETE, item)
    assert policy.can(student, Action.EDIT, item)
    assert not policy.can(p["unverified"], Action.TAKE_PART, item)
    assert not policy.can(p["outsider"], Action.VIEW, item)
    assert not policy.can(p["peer"], Action.VIEW, world["shelf_item"])
    with pytest.raises(TypeError):
        policy.can(student, Action.PIN_THREAD, item)


def test_live_session_rules(world, community, student):
    p = people(community)
    group_live = world["group_live"]
    community_live = world["community_live"]

    assert not policy.can(p["peer"], Action.VIEW, group_live)
    assert policy.can(student, Action.TAKE_PART, group_live)
    assert policy.can(student, Action.HOST_LIVE, group_live)
    assert policy.can(student, Action.LEAVE, world["hidden"])
    assert policy.can(p["peer"], Action.TAKE_PART, community_live)
    assert not policy.can(p["peer"], Action.HOST_LIVE, community_live)
    assert not policy.can(p["anonymous"], Action.HOST_LIVE, community_live)
    assert not policy.can(p["unverified"], Action.HOST_LIVE, community_live)
    assert not policy.can(p["outsider"], Action.VIEW, community_live)
    with pytest.raises(TypeError):
        policy.can(student, Action.PIN_THREAD, community_live)


def test_invitees_see_a_hidden_group_before_accepting(world, community, student):
    invitee = make_member(community, "student")
    groups.invite_to_group(student, world["hidden"], invitee)
    policy.forget(invitee)

    assert policy.can(invitee, Action.VIEW, world["hidden"])
    assert policy.can(invitee, Action.JOIN, world["hidden"])
    assert not policy.can(invitee, Action.VIEW_GROUP_SPACE, world["hidden"])
