"""Profile pages, the directory, the feed and their API lists cost the same number
of queries with 20 or 500 members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.chat.models import Message, Room
from studyhall.chat.services import open_direct_conversation
from studyhall.communities.models import Membership
from studyhall.discussions.models import Thread
from studyhall.profiles.models import (
    ConnectionRequest,
    Distinction,
    FeedEntry,
    Follow,
    Meeting,
    MentorshipRequest,
    Opportunity,
    Profile,
    ProfileTag,
    ShowcaseItem,
)
from studyhall.recognition.models import Badge, BadgeAward
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def _crowd(community, count: int, start: int) -> list[User]:
    """Add `count` members with profiles, tags, threads and portfolio items."""
    users = User.objects.bulk_create(
        User(
            email=f"crowd{start + i}@example.org",
            handle=f"crowd{start + i}",
            display_name=f"Crowd {start + i}",
            email_verified_at=timezone.now(),
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=u, role="student") for u in users
    )
    Profile.objects.bulk_create(
        Profile(
            user=u,
            headline=f"Headline {u.pk}",
            is_public=i % 2 == 0,
            is_mentor=i % 5 == 0,
            mentor_capacity=1,
        )
        for i, u in enumerate(users)
    )
    ProfileTag.objects.bulk_create(
        ProfileTag(user=u, kind=kind, label=label, key=label.casefold())
        for u in users
        for kind, label in (
            ("interest", "Stats"),
            ("skill", "R"),
            ("language", "English"),
        )
    )
    Distinction.objects.bulk_create(
        Distinction(
            user=u,
            community=community,
            kind="alum" if i % 2 else "expert",
            status="verified" if i % 3 else "claimed",
            note="Class of 2020",
        )
        for i, u in enumerate(users)
    )
    return users


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries)


def _feed(viewer, community, people: list[User]) -> None:
    Follow.objects.bulk_create(Follow(follower=viewer, followed=p) for p in people)
    threads = Thread.objects.bulk_create(
        Thread(
            community=community,
            author=p,
            title=f"Thread by {p.pk}",
            kind="discussion",
        )
        for p in people
    )
    items = ShowcaseItem.objects.bulk_create(
        ShowcaseItem(owner=p, title=f"Item {p.pk}", visibility="communities")
        for p in people
    )
    badge = Badge.objects.create(
        community=community, slug=f"b{community.pk}", name="Helper", description="d"
    )
    awards = BadgeAward.objects.bulk_create(
        BadgeAward(badge=badge, community=community, recipient=p, salt="s")
        for p in people
    )
    FeedEntry.objects.bulk_create(
        [
            *(
                FeedEntry(
                    actor_id=a.recipient_id, kind="badge", award=a, community=community
                )
                for a in awards
            ),
            *(
                FeedEntry(
                    actor_id=t.author_id, kind="thread", thread=t, community=community
                )
                for t in threads
            ),
            *(
                FeedEntry(actor_id=i.owner_id, kind="showcase", showcase=i)
                for i in items
            ),
        ]
    )


def _mentorship(mentee, mentor, size: int) -> MentorshipRequest:
    """An accepted mentorship with `size // 10` meetings and as many messages."""
    found = MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, goal="g", status="accepted"
    )
    Meeting.objects.bulk_create(
        Meeting(
            mentorship=found,
            starts_at=timezone.now() + timedelta(days=i + 1),
            topic=f"Meeting {i}",
            created_by=mentor,
        )
        for i in range(size // 10)
    )
    room = open_direct_conversation(mentee, mentor)
    Message.objects.bulk_create(
        Message(room=room, author=mentor, number=i + 1, body="hi", body_html="hi")
        for i in range(size // 10)
    )
    Room.objects.filter(pk=room.pk).update(last_number=size // 10)
    return found


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("directory", {}),
        ("directory-filtered", {"interest": "stats", "skill": "r", "time_zone": ""}),
        ("feed", {}),
        ("api-directory", {}),
        ("api-feed", {}),
        ("opportunities", {}),
        ("profile", {}),
        ("api-profile", {}),
        ("mentoring", {}),
        ("suggestions", {}),
        ("mentorship", {}),
        ("api-mentorship", {}),
        ("distinctions", {}),
        ("api-distinctions", {}),
        ("api-mentors", {}),
        ("network", {}),
        ("api-network", {}),
        ("directory-alumni", {"role": "alum"}),
    ],
)
def test_query_count_is_flat_from_20_to_500_members(client, name, params):
    counts = []
    for size in (20, 500):
        community = CommunityFactory()
        viewer = make_member(community, "student")
        ProfileTag.objects.create(
            user=viewer, kind="interest", label="Stats", key="stats"
        )
        people = _crowd(community, size, start=len(counts) * 1000)
        _feed(viewer, community, people)
        mentor = make_member(community, "mentor")
        Opportunity.objects.bulk_create(
            Opportunity(
                community=community,
                posted_by=mentor,
                kind="job",
                title=f"Job {i}",
                apply_url="https://example.org",
                deadline=timezone.localdate() + timedelta(days=i + 1),
            )
            for i in range(size // 10)
        )
        ShowcaseItem.objects.bulk_create(
            ShowcaseItem(owner=people[0], title=f"Mine {i}") for i in range(size // 10)
        )
        mentorship = _mentorship(viewer, mentor, size)
        for person in people[: size // 10]:
            ConnectionRequest.objects.create(sender=person, recipient=viewer)
            Follow.objects.get_or_create(follower=viewer, followed=person)
        client.force_login(viewer)
        url = {
            "directory": reverse("profiles:directory", kwargs={"slug": community.slug}),
            "directory-filtered": reverse(
                "profiles:directory", kwargs={"slug": community.slug}
            ),
            "feed": reverse("profiles:feed"),
            "api-directory": f"/api/v1/communities/{community.slug}/people",
            "api-feed": "/api/v1/feed",
            "opportunities": reverse(
                "profiles:opportunity-list", kwargs={"slug": community.slug}
            ),
            "profile": reverse("accounts:profile", kwargs={"handle": people[0].handle}),
            "suggestions": reverse("profiles:suggestions"),
            "api-profile": f"/api/v1/people/{people[0].handle}",
            "mentoring": reverse("profiles:mentoring"),
            "mentorship": reverse("profiles:mentorship-detail", args=[mentorship.pk]),
            "api-mentorship": f"/api/v1/mentorships/{mentorship.pk}",
            "distinctions": reverse("profiles:distinctions", args=[community.slug]),
            "api-distinctions": f"/api/v1/communities/{community.slug}/distinctions",
            "api-mentors": "/api/v1/mentors",
            "network": reverse("profiles:network"),
            "api-network": "/api/v1/people/me/network",
            "directory-alumni": reverse(
                "profiles:directory", kwargs={"slug": community.slug}
            ),
        }[name]
        counts.append(_count(client, url, params))

    assert counts[0] == counts[1], counts
