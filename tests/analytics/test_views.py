"""The analytics page and its CSV: who may open them, what they show, and a
query count that does not grow with the community."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyhall.chat import services as chat
from tests.analytics.helpers import each_asks, grow, learners, weeks_ago
from tests.discussions.helpers import ask
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def page(community):
    return reverse("analytics:analytics", args=[community.slug])


def export(community):
    return reverse("analytics:analytics-export", args=[community.slug])


def test_instructor_sees_charts_with_titles_and_tables(client, community, instructor):
    each_asks(learners(community, 5), community)
    client.force_login(instructor)

    response = client.get(page(community))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in body
    assert '<title id="participation-title">Participation per week</title>' in body
    assert '<desc id="participation-desc">' in body
    assert "<caption>Participation per week" in body
    assert "<rect" in body
    assert 'aria-current="page">Analytics</a>' in body


def test_owner_is_offered_the_settings_from_the_page(client, community, owner):
    client.force_login(owner)

    body = client.get(page(community)).content.decode()

    assert reverse("communities:community-settings", args=[community.slug]) in body


def test_unanswered_questions_link_to_their_threads(client, community, instructor):
    student = make_member(community, "student")
    thread = ask(student, community, title="Why is the sky blue?")
    client.force_login(instructor)

    body = client.get(page(community)).content.decode()

    assert reverse("discussions:thread-detail", args=[thread.pk]) in body
    assert "Why is the sky blue?" in body


def test_without_names_learners_appear_numbered(client, community, instructor):
    people = learners(community, 5, display_name="Visible Name")
    each_asks(people, community)
    client.force_login(instructor)

    body = client.get(page(community)).content.decode()

    assert "Learner 1" in body
    assert "Visible Name" not in body


def test_with_names_drifting_learners_are_named(client, community, instructor):
    community.analytics_show_names = True
    community.save()
    quiet = make_member(community, "student", display_name="Quiet Quentin")
    weeks_ago(ask(quiet, community, title="Long ago").posts.get(number=1), 5)
    client.force_login(instructor)

    body = client.get(page(community)).content.decode()

    assert "Quiet Quentin" in body


@pytest.mark.parametrize("role", ["student", "moderator", "mentor"])
def test_other_members_are_refused_with_403_and_see_no_link(client, community, role):
    member = make_member(community, role)
    client.force_login(member)

    response = client.get(page(community))
    about = client.get(reverse("communities:community-about", args=[community.slug]))

    assert response.status_code == 403
    assert client.get(export(community)).status_code == 403
    assert page(community) not in about.content.decode()


@pytest.mark.parametrize("role", ["moderator", "mentor"])
def test_moderators_and_mentors_see_analytics_when_allowed(client, community, role):
    setattr(community, f"analytics_{role}s", True)
    community.save()
    client.force_login(make_member(community, role))

    response = client.get(page(community))

    assert response.status_code == 200
    assert 'aria-current="page">Analytics</a>' in response.content.decode()


def test_non_members_of_a_private_community_get_404(client, community, outsider):
    client.force_login(outsider)

    assert client.get(page(community)).status_code == 404
    assert client.get(export(community)).status_code == 404


def test_non_members_of_a_public_community_get_403(client, outsider):
    public = CommunityFactory(visibility="public")

    client.force_login(outsider)

    assert client.get(page(public)).status_code == 403


def test_unknown_community_is_404(client, instructor):
    client.force_login(instructor)

    response = client.get(reverse("analytics:analytics", args=["no-such-place"]))

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, community):
    response = client.get(page(community))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_csv_export_gives_every_figure_and_marks_suppressed_ones(
    client, community, instructor
):
    each_asks(learners(community, 5), community)
    ask(make_member(community, "student"), community, title="=HYPERLINK(1)")
    client.force_login(instructor)

    response = client.get(export(community))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "label", "measure", "value"]
    period = {r[2]: r[3] for r in rows if r[1] == "whole period"}
    assert period["threads"] == "6"
    assert period["replies"] == "0"
    assert ["unanswered", "'=HYPERLINK(1)", "age in days", "0"] in rows


def test_csv_never_names_learners_when_names_are_off(client, community, instructor):
    people = learners(community, 5, display_name="Hidden Name")
    each_asks(people, community)
    client.force_login(instructor)

    body = client.get(export(community)).content.decode()

    assert "Hidden Name" not in body
    assert "Learner 1" in body


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("names", [False, True])
def test_query_count_does_not_grow_with_posts_and_members(
    client, community, instructor, names
):
    community.analytics_show_names = names
    community.save()
    room = chat.create_room(instructor, community, name="lounge")
    client.force_login(instructor)
    grow(community, room, 10)
    few = (
        count_queries(client, page(community)),
        count_queries(client, export(community)),
    )

    grow(community, room, 290)
    many = (
        count_queries(client, page(community)),
        count_queries(client, export(community)),
    )

    assert few == many


def test_outsider_gets_nothing_from_a_public_community_either(client):
    public = CommunityFactory(visibility="public")
    client.force_login(UserFactory())

    assert client.get(export(public)).status_code == 403
