"""Leaderboards, opting out, the instructors' switch, streaks and weekly goals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from studyhall.recognition import selectors, services
from studyhall.recognition.models import Kind, PointEvent
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def give(community, user, points, *, days_ago=0, key=None):
    return PointEvent.objects.create(
        community=community,
        user=user,
        kind=Kind.KUDOS_RECEIVED,
        points=points,
        source_key=key
        or f"test:{user.pk}:{points}:{days_ago}:{PointEvent.objects.count()}",
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_leaderboard_ranks_members_by_points_in_the_period(
    community, student, other_student, mentor
):
    give(community, student, 10)
    give(community, other_student, 30)
    give(community, mentor, 50, days_ago=400)

    week = selectors.leaderboard(student, community, period="week")
    ever = selectors.leaderboard(student, community, period="all")

    assert [(r.name, r.points) for r in week.rows] == [
        (other_student.display_name, 30),
        (student.display_name, 10),
    ]
    assert [r.rank for r in ever.rows] == [1, 2, 3]
    assert ever.rows[0].name == mentor.display_name


def test_term_starts_when_the_instructors_say(community, student, instructor):
    give(community, student, 10, days_ago=20)
    give(community, student, 5, days_ago=2)
    services.set_leaderboard_options(
        instructor,
        community,
        enabled=True,
        term_started_on=timezone.now().date() - dt.timedelta(days=10),
    )

    board = selectors.leaderboard(student, community, period="term")

    assert [r.points for r in board.rows] == [5]


def test_learners_can_hide_from_leaderboards(community, student, other_student):
    give(community, student, 10)
    give(community, other_student, 20)

    services.set_leaderboard_visibility(student, community, hidden=True)
    board = selectors.leaderboard(other_student, community, period="all")
    services.set_leaderboard_visibility(student, community, hidden=False)
    again = selectors.leaderboard(other_student, community, period="all")

    assert [r.name for r in board.rows] == [other_student.display_name]
    assert len(again.rows) == 2


def test_instructors_can_turn_leaderboards_off(client, community, student, instructor):
    give(community, student, 10)
    services.set_leaderboard_options(instructor, community, enabled=False)
    client.force_login(student)

    page = client.get(
        reverse("recognition:leaderboard", kwargs={"slug": community.slug})
    )

    assert "turned leaderboards off" in page.content.decode()
    assert student.display_name not in page.content.decode().split("<main")[1]


def test_students_cannot_turn_leaderboards_off(community, student):
    with pytest.raises(PermissionDenied):
        services.set_leaderboard_options(student, community, enabled=False)


def test_outsiders_cannot_see_a_leaderboard(community, outsider):
    with pytest.raises(PermissionDenied):
        selectors.leaderboard(outsider, community, period="week")


@pytest.mark.parametrize("size", [5, 40])
def test_leaderboard_page_query_count_does_not_grow(
    client, django_assert_num_queries, community, student, size
):
    for _ in range(size):
        give(community, make_member(community, "student"), 7)
    client.force_login(student)
    url = (
        reverse("recognition:leaderboard", kwargs={"slug": community.slug})
        + "?period=all"
    )
    client.get(url)  # warm the session and the sites' caches

    # session, user, community, memberships, settings, opt-outs, rows.
    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200


def test_hide_me_button_works_through_the_page(client, community, student):
    client.force_login(student)
    url = reverse("recognition:leaderboard-visibility", kwargs={"slug": community.slug})

    client.post(url, {"hidden": "1"})
    page = client.get(
        reverse("recognition:leaderboard", kwargs={"slug": community.slug})
    )

    assert "You are hidden" in page.content.decode()


def test_dashboard_shows_streak_goal_and_points(
    client, community, student, other_student
):
    thread = ask(other_student, community)
    answer(student, thread)
    give(community, student, 12)
    services.set_weekly_goal(student, target=1)
    client.force_login(student)

    page = client.get(reverse("recognition:dashboard")).content.decode()
    view = selectors.dashboard(student)

    assert view.helped_this_week == 1 and view.goal_reached
    assert view.streak_days == 1
    assert "goal reached" in page
    assert [(p.name, p.week, p.total) for p in view.points] == [
        (community.name, 12, 12)
    ]


def test_streak_counts_consecutive_days(community, student):
    today = timezone.now()
    thread = ask(student, community)
    for days in (1, 2, 4):
        post = answer(student, thread)
        post.created_at = today - dt.timedelta(days=days)
        post.save(update_fields=["created_at"])
    thread.posts.filter(number=1).update(created_at=today - dt.timedelta(days=10))

    assert selectors.streak(student, today=today.date()) == 2


def test_weekly_goal_is_checked(client, student):
    client.force_login(student)

    response = client.post(reverse("recognition:dashboard"), {"target": "0"})

    assert response.status_code == 400


def test_point_rules_page_lets_instructors_edit(client, community, instructor, student):
    url = reverse("recognition:point-rules", kwargs={"slug": community.slug})
    data = {"leaderboards_enabled": "on"}
    for kind in Kind.values:
        data[f"{kind}_points"] = "1"
        data[f"{kind}_cap"] = ""
    client.force_login(student)
    assert client.post(url, data).status_code == 403
    assert "Answer accepted" in client.get(url).content.decode()
    client.force_login(instructor)

    response = client.post(url, data)

    assert response.status_code == 302
    assert services.rules_for(community)[Kind.ANSWER_ACCEPTED].points == 1


def test_staff_tabs_show_to_instructors_only(client, community, instructor, student):
    url = reverse("recognition:kudos", kwargs={"slug": community.slug})
    client.force_login(student)
    as_student = client.get(url).content.decode()
    client.force_login(instructor)
    as_instructor = client.get(url).content.decode()

    assert ">Certificates</a>" not in as_student
    assert ">Certificates</a>" in as_instructor and ">Rubric</a>" in as_instructor


def test_daily_cap_counts_only_today(community, student):
    give_yesterday = PointEvent.objects.create(
        community=community,
        user=student,
        kind=Kind.REACTION_RECEIVED,
        points=20,
        source_key="old",
        created_at=timezone.now() - dt.timedelta(days=1, hours=1),
    )

    today = services.award_points(
        community.pk, student.pk, Kind.REACTION_RECEIVED, source_key="new"
    )

    assert give_yesterday.points == 20
    assert today is not None and today.points == 2
