"""The profile rules in policy.py: can and visible agree for every kind of viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from studyhall import policy
from studyhall.policy import Action, Audience
from studyhall.profiles import services
from studyhall.profiles.models import (
    ConnectionRequest,
    Distinction,
    MentorshipRequest,
    Opportunity,
    Profile,
    ShowcaseItem,
    Visibility,
)
from tests.profiles.conftest import make_circle

pytestmark = pytest.mark.django_db


def _fresh(user):
    if user is not None:
        policy.forget(user)
        policy.forget_relations(user)
    return user


@pytest.mark.parametrize("is_public", [False, True])
def test_can_and_visible_agree_on_profiles_and_items(is_public):
    circle = make_circle()
    Profile.objects.update_or_create(
        user=circle.person, defaults={"is_public": is_public}
    )
    for setting in Visibility.values:
        ShowcaseItem.objects.create(
            owner=circle.person, title=setting, visibility=setting
        )
    profile = Profile.objects.get(user=circle.person)

    for who, user in circle.viewers().items():
        viewer = _fresh(user) or AnonymousUser()
        listed = policy.visible(viewer, Profile.objects.filter(user=circle.person))
        items = policy.visible(viewer, ShowcaseItem.objects.filter(owner=circle.person))

        assert listed.exists() is policy.can(viewer, Action.VIEW_PROFILE, profile), who
        for item in ShowcaseItem.objects.select_related("owner__profile"):
            assert (item in items) is policy.can(viewer, Action.VIEW, item), (who, item)


def test_showcase_items_of_people_without_a_profile_follow_the_defaults(
    student, other_student, outsider
):
    item = ShowcaseItem.objects.create(owner=student, title="x")

    assert policy.can(other_student, Action.VIEW, item)
    assert not policy.can(outsider, Action.VIEW, item)
    assert policy.can(student, Action.EDIT, item)
    assert not policy.can(other_student, Action.DELETE, item)


def test_unknown_actions_fail_loudly(student, mentor, community):
    profile = Profile(user=student)
    item = ShowcaseItem(owner=student, title="x")
    request = ConnectionRequest(sender=student, recipient=mentor)
    opportunity = Opportunity(community=community, posted_by=mentor, kind="job")
    distinction = Distinction(user=student, community=community, kind="alum")

    for obj in (profile, item, request, opportunity, distinction):
        with pytest.raises(TypeError):
            policy.can(student, Action.PIN_THREAD, obj)


def test_visitors_see_only_public_rows_and_no_mentorships(student, mentor):
    visitor = AnonymousUser()
    Profile.objects.create(user=student, is_public=True)
    ShowcaseItem.objects.create(owner=student, title="pub", visibility="public")
    ShowcaseItem.objects.create(owner=student, title="members")
    MentorshipRequest.objects.create(mentee=student, mentor=mentor, goal="g")

    assert list(policy.visible(visitor, Profile.objects.all())) == [student.profile]
    assert [i.title for i in policy.visible(visitor, ShowcaseItem.objects.all())] == [
        "pub"
    ]
    assert not policy.visible(visitor, MentorshipRequest.objects.all()).exists()
    assert policy.relations(None).connections == set()


def test_a_connection_outside_every_community_sees_connection_rows(outsider, student):
    ConnectionRequest.objects.create(
        sender=outsider, recipient=student, status="accepted"
    )
    Profile.objects.create(user=student)
    ShowcaseItem.objects.create(owner=student, title="c", visibility="connections")

    assert policy.visible(outsider, Profile.objects.all()).count() == 1
    assert policy.visible(outsider, ShowcaseItem.objects.all()).count() == 1
    assert policy.audience(outsider, student.pk, set()) is Audience.CONNECTION


def test_request_rules(student, mentor, other_student):
    request = MentorshipRequest.objects.create(mentee=student, mentor=mentor, goal="g")

    assert policy.can(mentor, Action.ANSWER_REQUEST, request)
    assert not policy.can(student, Action.ANSWER_REQUEST, request)
    assert policy.can(student, Action.WITHDRAW_REQUEST, request)
    assert not policy.can(student, Action.SCHEDULE_MEETING, request)
    assert not policy.can(other_student, Action.VIEW, request)
    request.status = "accepted"
    assert policy.can(mentor, Action.SCHEDULE_MEETING, request)
    assert policy.can(student, Action.SEND_MESSAGE, request)
    assert not policy.can(other_student, Action.SEND_MESSAGE, request)
    connection = ConnectionRequest(sender=student, recipient=mentor, status="accepted")
    assert not policy.can(student, Action.SEND_MESSAGE, connection)


def test_distinction_rules_for_visitors_and_site_administrators(community, student):
    from tests.factories import UserFactory

    claim = Distinction.objects.create(user=student, community=community, kind="alum")
    verified = Distinction.objects.create(
        user=student, community=community, kind="expert", status="verified"
    )
    admin = UserFactory(is_superuser=True)
    visitor = AnonymousUser()
    everyone = Distinction.objects.all()

    assert set(policy.visible(admin, everyone)) == {claim, verified}
    assert policy.can(admin, Action.GRANT_DISTINCTION, claim)
    assert not policy.visible(visitor, everyone).exists()
    assert not policy.can(visitor, Action.VIEW, verified)
    community.visibility = "public"
    community.save()
    verified.community = community
    assert list(policy.visible(visitor, everyone)) == [verified]
    assert policy.can(visitor, Action.VIEW, verified)
    assert not policy.can(visitor, Action.DELETE, verified)


def test_opportunity_rules(community, mentor, student, moderator, outsider):
    opportunity = services.post_opportunity(
        mentor,
        community,
        kind="job",
        title="Job",
        apply_url="https://example.org",
        deadline=timezone.localdate() + timedelta(days=1),
    )

    assert policy.can(student, Action.BOOKMARK, opportunity)
    assert not policy.can(outsider, Action.VIEW, opportunity)
    assert policy.can(moderator, Action.DELETE, opportunity)
    assert not policy.can(student, Action.EDIT, opportunity)
    assert policy.can(mentor, Action.POST_OPPORTUNITY, community)
    assert not policy.can(student, Action.POST_OPPORTUNITY, community)


def test_only_mentoring_roles_offer_mentoring(mentor, instructor, student):
    assert policy.can(mentor, Action.OFFER_MENTORSHIP, Profile(user=mentor))
    assert policy.can(instructor, Action.OFFER_MENTORSHIP, Profile(user=instructor))
    assert not policy.can(student, Action.OFFER_MENTORSHIP, Profile(user=student))
    assert not policy.can(student, Action.OFFER_MENTORSHIP, Profile(user=mentor))


def test_a_public_setting_on_a_private_profile_means_members():
    assert policy.needed_audience("public", False) is Audience.COMMUNITY
    assert policy.needed_audience("public", True) is Audience.ANYONE
    assert policy.needed_audience("only_me", True) is Audience.SELF
