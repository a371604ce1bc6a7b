"""Who may see a community's analytics, and learners' names in them: every role
under every setting (issue 7)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from studyhall import policy
from studyhall.communities.models import Membership
from studyhall.policy import Action
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

SETTINGS = list(itertools.product([False, True], repeat=3))


def expected_view(who: str, moderators: bool, mentors: bool) -> bool:
    return (
        who in {"owner", "instructor", "admin"}
        or (who == "moderator" and moderators)
        or (who == "mentor" and mentors)
    )


@pytest.fixture
def everyone():
    community = CommunityFactory()
    people = {
        role: make_member(community, role)
        for role in ("owner", "instructor", "moderator", "mentor", "student")
    }
    people["outsider"] = UserFactory()
    people["anonymous"] = AnonymousUser()
    people["admin"] = UserFactory(is_superuser=True, is_staff=True)
    pending = UserFactory()
    Membership.objects.create(
        community=community, user=pending, status=Membership.Status.PENDING
    )
    people["pending"] = pending
    people["unverified"] = make_member(community, "instructor", email_verified_at=None)
    return community, people


@pytest.mark.parametrize(("show_names", "moderators", "mentors"), SETTINGS)
def test_analytics_follow_the_role_and_the_community_settings(
    everyone, show_names, moderators, mentors
):
    community, people = everyone
    community.analytics_show_names = show_names
    community.analytics_moderators = moderators
    community.analytics_mentors = mentors
    community.save()

    for who, user in people.items():
        policy.forget(user)
        may_view = policy.can(user, Action.VIEW_ANALYTICS, community)
        may_name = policy.can(user, Action.SEE_ANALYTICS_NAMES, community)

        assert may_view == expected_view(who, moderators, mentors), who
        assert may_name == (may_view and show_names), who


def test_a_muted_instructor_cannot_see_analytics(everyone):
    from datetime import timedelta

    from django.utils import timezone

    community, people = everyone
    Membership.objects.filter(community=community, user=people["instructor"]).update(
        muted_until=timezone.now() + timedelta(days=1)
    )
    policy.forget(people["instructor"])

    assert not policy.can(people["instructor"], Action.VIEW_ANALYTICS, community)
