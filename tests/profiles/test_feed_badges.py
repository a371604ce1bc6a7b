"""Badges earned appear in followers' feeds, as far as the earner's settings allow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from studyhall.profiles import selectors, services
from studyhall.profiles.models import FeedEntry
from studyhall.recognition import services as recognition
from tests.factories import UserFactory
from tests.profiles.conftest import profile_data

pytestmark = pytest.mark.django_db


def _award(owner, community, recipient, capture):
    badge = recognition.define_badge(
        owner,
        community,
        name="Night owl",
        description="Helped after midnight.",
        criteria="Answer a question after midnight.",
    )
    with capture(execute=True):
        return recognition.award_badge(owner, badge, recipient)


def test_an_awarded_badge_shows_in_the_feed_of_followers(
    client, owner, community, student, other_student, django_capture_on_commit_callbacks
):
    services.follow(student, other_student)
    award = _award(owner, community, other_student, django_capture_on_commit_callbacks)
    client.force_login(student)

    page = client.get(reverse("profiles:feed"))
    api = client.get("/api/v1/feed").json()

    assert "earned the badge" in page.text
    assert "Night owl" in page.text
    assert str(award.uid) in page.text
    assert api["items"][0]["kind"] == "badge"
    assert api["items"][0]["badge_name"] == "Night owl"
    assert api["items"][0]["award_url"].endswith(f"/awards/{award.uid}/")


def test_the_badge_entry_is_recorded_once_per_award(
    owner, community, other_student, django_capture_on_commit_callbacks
):
    from studyhall.profiles import feed
    from studyhall.realtime.hooks import Occurrence

    award = _award(owner, community, other_student, django_capture_on_commit_callbacks)
    again = Occurrence("user.1", 9, "badge.awarded", {"award": str(award.uid)})
    feed.on_badge_awarded(again)
    feed.on_badge_awarded(Occurrence("user.1", 10, "badge.awarded", {"award": "x"}))

    assert FeedEntry.objects.filter(kind="badge", award=award).count() == 1


def test_badges_follow_the_earners_achievements_setting(
    owner, community, student, other_student, django_capture_on_commit_callbacks
):
    services.follow(student, other_student)
    _award(owner, community, other_student, django_capture_on_commit_callbacks)
    services.update_profile(
        other_student, **profile_data(achievements_visibility="only_me")
    )

    entries = list(selectors.feed_entries(student))

    assert entries == []


def test_a_public_earners_badge_reaches_a_follower_outside_the_community_only_if_public(
    owner, community, other_student, django_capture_on_commit_callbacks
):
    community.visibility = "public"
    community.save()
    outsider = UserFactory()
    services.update_profile(
        other_student,
        **profile_data(is_public=True, achievements_visibility="public"),
    )
    services.follow(outsider, other_student)
    _award(owner, community, other_student, django_capture_on_commit_callbacks)

    shown = list(selectors.feed_entries(outsider))
    services.update_profile(
        other_student,
        **profile_data(is_public=True, achievements_visibility="communities"),
    )
    hidden = list(selectors.feed_entries(outsider))

    assert [e.kind for e in shown] == ["badge"]
    assert hidden == []


def test_a_revoked_badge_leaves_the_feed(
    owner, community, student, other_student, django_capture_on_commit_callbacks
):
    services.follow(student, other_student)
    award = _award(owner, community, other_student, django_capture_on_commit_callbacks)
    award.revoked_at = timezone.now()
    award.save()

    assert list(selectors.feed_entries(student)) == []


def test_a_badge_from_a_private_community_stays_out_of_an_outsiders_feed(
    owner, community, other_student, django_capture_on_commit_callbacks
):
    outsider = UserFactory()
    services.update_profile(
        other_student,
        **profile_data(is_public=True, achievements_visibility="public"),
    )
    services.follow(outsider, other_student)
    _award(owner, community, other_student, django_capture_on_commit_callbacks)

    assert list(selectors.feed_entries(outsider)) == []


def test_earned_badges_show_among_achievements_where_the_community_is_visible(
    client, owner, community, student, other_student, django_capture_on_commit_callbacks
):
    award = _award(owner, community, other_student, django_capture_on_commit_callbacks)
    outsider = UserFactory()
    services.update_profile(
        other_student,
        **profile_data(is_public=True, achievements_visibility="public"),
    )
    client.force_login(student)

    page = client.get(reverse("accounts:profile", args=[other_student.handle]))
    api = client.get(f"/api/v1/people/{other_student.handle}").json()
    client.force_login(outsider)
    elsewhere = client.get(f"/api/v1/people/{other_student.handle}").json()

    assert reverse("recognition:award-detail", args=[award.uid]) in page.text
    assert api["achievements"]["badges"] == ["Night owl"]
    assert elsewhere["achievements"]["badges"] == []
