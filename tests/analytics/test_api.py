"""GET /api/v1/communities/{slug}/analytics: the page's figures, the page's rules."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyhall.chat import services as chat
from tests.analytics.helpers import each_asks, grow, learners
from tests.api.conftest import API, error_code, get, signed_in
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def url(community):
    return f"/communities/{community.slug}/analytics"


def test_instructor_reads_weekly_figures_and_settings(community, instructor):
    each_asks(learners(community, 6), community)

    response = get(signed_in(instructor), url(community))

    data = response.json()
    assert response.status_code == 200
    assert len(data["weeks"]) == 12
    assert data["weeks"][-1]["threads"] == 6
    assert data["period"]["week_start"] is None
    assert data["settings"] == {
        "show_names": False,
        "include_chat": True,
        "min_group": 5,
        "moderators": False,
        "mentors": False,
    }
    assert [q["title"] for q in data["unanswered"]][:1] == ["Question 0"]
    assert data["top"][0]["label"] == "Learner 1"
    assert data["top"][0]["handle"] is None


def test_suppressed_figures_are_null(community, instructor):
    each_asks(learners(community, 2), community)

    data = get(signed_in(instructor), url(community)).json()

    assert data["weeks"][-1]["threads"] is None
    assert data["weeks"][-1]["replies"] == 0
    assert data["top_withheld"] is True


def test_chat_is_null_when_not_counted(community, instructor):
    community.analytics_include_chat = False
    community.save()

    data = get(signed_in(instructor), url(community)).json()

    assert data["period"]["chat"] is None


@pytest.mark.parametrize("role", ["student", "moderator", "mentor"])
def test_other_members_get_403(community, role):
    response = get(signed_in(make_member(community, role)), url(community))

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_non_members_of_a_private_community_get_404(community, outsider):
    response = get(signed_in(outsider), url(community))

    assert response.status_code == 404


def test_non_members_of_a_public_community_get_403(outsider):
    public = CommunityFactory(visibility="public")

    assert get(signed_in(outsider), url(public)).status_code == 403


def test_signed_out_callers_get_401(client, community):
    assert get(client, url(community)).status_code == 401


def test_query_count_does_not_grow(community, instructor):
    room = chat.create_room(instructor, community, name="lounge")
    client = signed_in(instructor)

    def count():
        get(client, url(community))
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, url(community)).status_code == 200
        return len(ctx.captured_queries)

    grow(community, room, 10)
    few = count()
    grow(community, room, 290)

    assert count() == few


def test_openapi_lists_the_analytics_path(client):
    paths = client.get(API + "/openapi.json").json()["paths"]

    assert set(paths["/api/v1/communities/{slug}/analytics"]) == {"get"}
