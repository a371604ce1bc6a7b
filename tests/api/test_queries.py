"""List endpoints cost the same number of queries at 10 rows and at 300."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyhall.communities.models import Community, Membership
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Category
from tests.api.conftest import get, make_thread, signed_in
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _count(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path, {"limit": 100})
    assert response.status_code == 200
    return len(queries)


def _threads(community: Community, n: int) -> None:
    authors = [make_member(community, "student") for _ in range(3)]
    labs = Category.objects.create(community=community, name="Labs", slug="labs")
    for i in range(n):
        make_thread(
            authors[i % 3],
            community,
            title=f"Thread {i}",
            category=labs if i % 2 else None,
            is_anonymous=False,
        )


def _replies(thread: Any, community: Community, n: int) -> None:
    authors = [make_member(community, role) for role in ("student", "mentor", "owner")]
    previous = None
    for i in range(n):
        post = discussions.create_reply(
            authors[i % 3], thread, body=f"reply {i}", reply_to=previous
        )
        if i % 5 == 0:
            discussions.toggle_reaction(authors[(i + 1) % 3], post, kind="thanks")
        previous = post


@pytest.fixture
def reader(community: Community) -> Any:
    return make_member(community, "student")


def test_thread_list_query_count_is_flat(reader):
    small = Community.objects.create(name="Small", slug="small")
    large = Community.objects.create(name="Large", slug="large")
    for community in (small, large):
        Membership.objects.create(community=community, user=reader)
        _threads(community, 10 if community is small else 300)
    client = signed_in(reader)

    count_small = _count(client, "/communities/small/threads")
    count_large = _count(client, "/communities/large/threads")

    assert count_small == count_large


def test_reply_list_query_count_is_flat(community, student, reader):
    small = make_thread(student, community, title="Small")
    large = make_thread(student, community, title="Large")
    _replies(small, community, 10)
    _replies(large, community, 300)
    client = signed_in(reader)

    count_small = _count(client, f"/threads/{small.pk}/replies")
    count_large = _count(client, f"/threads/{large.pk}/replies")

    assert count_small == count_large


def test_community_list_query_count_is_flat(reader, community):
    for i in range(10):
        Community.objects.create(name=f"A{i}", slug=f"a{i}", visibility="public")
    client = signed_in(reader)
    count_small = _count(client, "/communities")
    for i in range(290):
        Community.objects.create(name=f"B{i}", slug=f"b{i}", visibility="public")

    count_large = _count(client, "/communities")

    assert count_small == count_large
