"""Points from live sessions and study groups: attended, hosted, organised."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from studyhall.discussions import services as board
from studyhall.groups import services as groups
from studyhall.live import services as live
from studyhall.recognition import points_from_events
from studyhall.recognition.models import Kind, PointEvent

pytestmark = pytest.mark.django_db


def total(user, kind=None) -> int:
    events = PointEvent.objects.filter(user=user)
    if kind is not None:
        events = events.filter(kind=kind)
    return events.aggregate(t=Sum("points"))["t"] or 0


@pytest.fixture
def ended(settle, community, instructor, student, other_student):
    """A live session two students attended, ended by its host."""
    session = live.open_live_session(instructor, community, title="Office hours")
    live.record_attendance(student, session)
    live.record_attendance(other_student, session)
    live.record_attendance(instructor, session)
    with settle():
        live.end_live_session(instructor, session)
    session.refresh_from_db()
    return session


def test_attending_a_live_session_earns_points_when_it_ends(
    ended, student, other_student
):
    assert total(student, Kind.SESSION_ATTENDED) == 5
    assert total(other_student, Kind.SESSION_ATTENDED) == 5


def test_hosting_a_session_others_attended_earns_the_host_points(ended, instructor):
    assert total(instructor, Kind.SESSION_HOSTED) == 10
    assert total(instructor, Kind.SESSION_ATTENDED) == 0


def test_hosting_an_empty_session_earns_nothing(settle, community, instructor):
    session = live.open_live_session(instructor, community, title="Nobody came")
    live.record_attendance(instructor, session)

    with settle():
        live.end_live_session(instructor, session)

    assert total(instructor) == 0


def test_hearing_a_session_end_twice_awards_once(ended, student, instructor):
    points_from_events.apply("live.ended", {"live": ended.pk}, instructor.pk)

    assert total(student) == 5
    assert total(instructor) == 10


def test_removing_the_session_recap_reverses_session_points(
    settle, ended, moderator, student, instructor
):
    with settle():
        board.delete_post(moderator, ended.recap_thread.posts.get(number=1))

    assert total(student) == 0
    assert total(instructor) == 0
    reversal = PointEvent.objects.get(user=student, points__lt=0)
    assert reversal.reason == "The thread was removed."


def test_session_attendance_respects_the_daily_cap(
    settle, community, instructor, student
):
    for n in range(3):
        session = live.open_live_session(instructor, community, title=f"S{n}")
        live.record_attendance(student, session)
        with settle():
            live.end_live_session(instructor, session)

    assert total(student, Kind.SESSION_ATTENDED) == 10
    assert PointEvent.objects.filter(user=student).count() == 3


@pytest.fixture
def group(settle, community, student):
    with settle():
        return groups.create_group(
            student, community, groups.GroupFields(name="Calculus crew")
        )


def test_starting_a_group_alone_earns_nothing(group, student):
    assert total(student) == 0


def test_organising_a_group_others_join_earns_points_once(
    settle, group, student, other_student, mentor
):
    with settle():
        groups.join_group(other_student, group)
        groups.join_group(mentor, group)

    assert total(student, Kind.GROUP_ORGANISED) == 10
    assert total(other_student) == 0


def test_group_points_are_reversed_when_the_last_member_leaves_and_earned_again(
    settle, group, student, other_student
):
    with settle():
        groups.join_group(other_student, group)
    with settle():
        groups.leave_group(other_student, group)
    assert total(student) == 0
    assert PointEvent.objects.get(user=student, points__lt=0).reason == (
        "The group has no members besides its organisers."
    )

    with settle():
        groups.join_group(other_student, group)

    assert total(student) == 10


@pytest.mark.parametrize(("stream", "earned"), [("room.1", 0), ("group.{}", 10)])
def test_only_group_streams_count_for_group_events(
    settle, group, student, other_student, stream, earned
):
    from studyhall.realtime.hooks import Occurrence
    from studyhall.recognition.listeners import queue_points

    groups.GroupMembership.objects.create(group=group, user=other_student)

    with settle():
        queue_points(
            Occurrence(
                stream=stream.format(group.pk),
                sequence=1,
                type="member.joined",
                payload={"group": group.pk},
            )
        )

    assert total(student) == earned


def test_session_points_show_in_the_leaderboard_and_points_history(
    client, ended, community, student, instructor
):
    from studyhall.recognition import selectors

    leaders = selectors.leaderboard(student, community, period="week")
    client.force_login(student)
    page = client.get("/recognition/").content.decode()
    history = client.get("/api/v1/me/progress").json()["history"]

    assert (leaders.rows[0].name, leaders.rows[0].points) == (
        instructor.display_name,
        10,
    )
    assert (student.display_name, 5) in [(r.name, r.points) for r in leaders.rows]
    assert "Points history" in page
    assert "Session attended" in page
    assert history[0]["kind"] == "session_attended"
    assert history[0]["points"] == 5
    assert history[0]["community"] == community.slug


def test_points_history_shows_reversals_with_their_reason(
    client, settle, ended, moderator, student
):
    with settle():
        board.delete_post(moderator, ended.recap_thread.posts.get(number=1))
    client.force_login(student)

    history = client.get("/api/v1/me/progress").json()["history"]
    page = client.get("/recognition/").content.decode()

    assert [e["points"] for e in history] == [-5, 5]
    assert history[0]["reason"] == "The thread was removed."
    assert "taken back (The thread was removed.)" in page
