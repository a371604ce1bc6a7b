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
from studyhall.communities.models import Membership
from studyhall.discussions.models import Thread
from studyhall.profiles.models import (
    FeedEntry,
    Follow,
    Opportunity,
    Profile,
    ProfileTag,
    ShowcaseItem,
)
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
    FeedEntry.objects.bulk_create(
        [
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
        }[name]
        counts.append(_count(client, url, params))

    assert counts[0] == counts[1], counts
