"""Policy rules for the flaggable kinds beyond posts: who flags, moderates,
reads and appeals messages, profiles, portfolio items and study groups."""

from __future__ import annotations

import pytest

from studyhall import policy
from studyhall.chat import services as chat
from studyhall.groups.models import StudyGroup
from studyhall.policy import Action
from studyhall.profiles import services as profiles
from studyhall.profiles.models import Profile, ShowcaseItem
from tests.chat.helpers import open_room, say
from tests.factories import UserFactory, make_group

pytestmark = pytest.mark.django_db


def can(person, action, obj):
    policy.forget(person)
    policy.forget_relations(person)
    return policy.can(person, action, obj)


def test_message_rules(community, instructor, student, other_student, moderator):
    room = open_room(instructor, community)
    chat.join_room(other_student, room)
    message = say(other_student, room, body="hello")

    assert can(student, Action.FLAG, message)
    assert not can(other_student, Action.FLAG, message)
    assert can(moderator, Action.MODERATE, message)
    assert not can(student, Action.MODERATE, message)
    assert not can(other_student, Action.APPEAL, message)
    message.is_hidden = True
    assert not can(student, Action.READ_TEXT, message)
    assert can(other_student, Action.READ_TEXT, message)
    assert can(moderator, Action.READ_TEXT, message)
    assert not can(student, Action.FLAG, message)
    assert can(other_student, Action.APPEAL, message)
    message.is_deleted = True
    assert not can(moderator, Action.READ_TEXT, message)
    assert not can(moderator, Action.MODERATE, message)


def test_showcase_rules(community, student, other_student, moderator, outsider):
    item = profiles.add_showcase_item(student, title="Work")
    superuser = UserFactory(is_superuser=True)

    assert can(other_student, Action.FLAG, item)
    assert not can(student, Action.FLAG, item)
    assert can(other_student, Action.READ_TEXT, item)
    assert can(moderator, Action.MODERATE, item)
    assert can(superuser, Action.MODERATE, item)
    assert not can(other_student, Action.MODERATE, item)
    assert not can(student, Action.APPEAL, item)
    item.is_hidden = True
    assert not can(other_student, Action.VIEW, item)
    assert can(student, Action.VIEW, item)
    assert not can(other_student, Action.READ_TEXT, item)
    assert can(moderator, Action.READ_TEXT, item)
    assert can(student, Action.READ_TEXT, item)
    assert not can(other_student, Action.FLAG, item)
    assert can(student, Action.APPEAL, item)
    lone = ShowcaseItem(owner=outsider, title="x")
    assert not can(moderator, Action.MODERATE, lone)


def test_profile_rules(community, student, other_student, moderator):
    profile = profiles.update_profile(student, headline="Hi")

    assert can(other_student, Action.FLAG, profile)
    assert not can(student, Action.FLAG, profile)
    assert can(other_student, Action.READ_TEXT, profile)
    assert can(moderator, Action.MODERATE, profile)
    assert not can(other_student, Action.MODERATE, profile)
    assert not can(student, Action.APPEAL, profile)
    profile.is_hidden = True
    assert not can(other_student, Action.FLAG, profile)
    assert not can(other_student, Action.READ_TEXT, profile)
    assert can(moderator, Action.READ_TEXT, profile)
    assert can(student, Action.READ_TEXT, profile)
    assert can(student, Action.APPEAL, profile)
    seen = policy.profile_audience(other_student, Profile.objects.get(pk=profile.pk))
    assert policy.visible_fields(profile, seen) == frozenset()


def test_group_rules(community, student, other_student, moderator):
    group = make_group(other_student, community)
    superuser = UserFactory(is_superuser=True)

    assert can(student, Action.FLAG, group)
    assert not can(other_student, Action.FLAG, group)
    assert can(student, Action.READ_TEXT, group)
    assert can(moderator, Action.MODERATE, group)
    assert not can(student, Action.MODERATE, group)
    assert not can(other_student, Action.APPEAL, group)
    StudyGroup.objects.filter(pk=group.pk).update(is_hidden=True)
    group.refresh_from_db()
    assert not can(student, Action.VIEW, group)
    assert can(other_student, Action.VIEW, group)
    assert can(moderator, Action.VIEW, group)
    assert can(superuser, Action.VIEW, group)
    assert can(other_student, Action.APPEAL, group)
    assert not can(moderator, Action.FLAG, group)
    for person, shown in ((student, False), (moderator, True), (other_student, True)):
        policy.forget(person)
        found = policy.visible(person, StudyGroup.objects.filter(pk=group.pk))
        assert found.exists() is shown
