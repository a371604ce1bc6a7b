"""The privacy page lists, per community, what its analytics show and to whom."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def privacy(client):
    return client.get(reverse("privacy:privacy")).content.decode()


def row_of(html, name):
    start = html.index(f'<th scope="row">{name}</th>')
    return html[start : html.index("</tr>", start)]


def test_each_public_community_shows_its_analytics_settings(client):
    CommunityFactory(name="Open Maths", visibility="public")
    CommunityFactory(
        name="Open Physics",
        visibility="public",
        analytics_show_names=True,
        analytics_include_chat=False,
        analytics_min_group=3,
        analytics_moderators=True,
        analytics_mentors=True,
    )

    html = privacy(client)

    maths, physics = row_of(html, "Open Maths"), row_of(html, "Open Physics")
    assert "<td>Owner, Instructor</td>" in maths
    assert "No: counts and numbered rows" in maths
    assert "Yes (how many; never the text)" in maths
    assert "5 people" in maths
    assert "<td>Owner, Instructor, Moderator, Mentor</td>" in physics
    assert "<td>Yes</td><td>No</td><td>3 people</td>" in physics
    assert "Anonymous posts are counted without saying who wrote them" in html


def test_a_private_community_is_listed_only_for_its_members(client, community):
    outsider_view = privacy(client)
    client.force_login(make_member(community, "student"))

    member_view = privacy(client)

    assert community.name not in outsider_view
    assert row_of(member_view, community.name)


def test_privacy_page_query_count_does_not_grow_with_communities(client):
    def count():
        client.get(reverse("privacy:privacy"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("privacy:privacy"))
        return len(ctx.captured_queries)

    CommunityFactory.create_batch(3, visibility="public")
    few = count()
    CommunityFactory.create_batch(30, visibility="public")

    assert count() == few
