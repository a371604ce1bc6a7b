"""Study groups: creating, joining with capacity, visibility, tasks, sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from studyhall import policy
from studyhall.core.errors import DomainError
from studyhall.discussions.models import Category, Thread
from studyhall.discussions.services import create_thread
from studyhall.groups import selectors, services
from studyhall.groups.models import RSVP, GroupMembership, StudyGroup
from studyhall.policy import Action
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def fresh(*users):
    for u in users:
        policy.forget(u)


def test_creating_a_group_makes_the_creator_organizer_and_a_board(student, community):
    group = make_group(student, community, capacity=4, course="STAT101")

    assert group.member_count == 1
    assert GroupMembership.objects.get(group=group, user=student).role == "organizer"
    assert Category.objects.get(pk=group.board_id).community == community
    assert policy.can(student, Action.MANAGE_GROUP, group)


def test_outsider_cannot_create_a_group(outsider, community):
    with pytest.raises(PermissionDenied):
        make_group(outsider, community)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity": 1}, "capacity"),
        ({"capacity": 900}, "capacity"),
        ({"exam_date": dt.date(2000, 1, 1)}, "exam_date"),
        ({"name": "  "}, "name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"availability": "never"}, "availability"),
    ],
)
def test_bad_group_fields_are_refused_with_a_message(student, community, fields, field):
    with pytest.raises(ValidationError) as caught:
        make_group(student, community, **fields)

    assert field in caught.value.message_dict


def test_joining_a_full_group_is_refused(student, other_student, community):
    group = make_group(student, community, capacity=2)
    services.join_group(other_student, group)
    third = make_member(community, "student")

    with pytest.raises(DomainError) as caught:
        services.join_group(third, group)

    assert caught.value.code == "group_full"
    assert StudyGroup.objects.get(pk=group.pk).member_count == 2


def test_request_to_join_waits_for_an_organizer(student, other_student, community):
    group = make_group(student, community, visibility="request")

    membership = services.join_group(other_student, group)
    assert membership.status == "requested"
    fresh(other_student)
    assert not policy.can(other_student, Action.VIEW_GROUP_SPACE, group)

    services.approve_request(student, membership)
    fresh(other_student)
    assert policy.can(other_student, Action.VIEW_GROUP_SPACE, group)
    assert StudyGroup.objects.get(pk=group.pk).member_count == 2


def test_invite_only_group_needs_an_invitation(student, other_student, community):
    group = make_group(student, community, visibility="invite")

    with pytest.raises(PermissionDenied):
        services.join_group(other_student, group)
    services.invite_to_group(student, group, other_student)
    fresh(other_student)
    membership = services.join_group(other_student, group)

    assert membership.status == "active"


def test_hidden_group_never_shows_to_non_members(student, other_student, community):
    group = make_group(student, community, visibility="hidden", name="Secret circle")
    thread = create_thread(
        student, community, title="Hidden talk", body="x", category=group.board
    )
    fresh(student, other_student)

    assert not policy.can(other_student, Action.VIEW, group)
    assert not policy.can(other_student, Action.VIEW, thread)
    assert not policy.can(other_student, Action.VIEW, group.board)
    assert group not in policy.visible(other_student, StudyGroup.objects.all())
    assert thread not in policy.visible(other_student, Thread.objects.all())
    assert group.board not in policy.visible(other_student, Category.objects.all())
    assert group not in selectors.groups_of(
        other_student, community, selectors.GroupFilters()
    )
    assert group not in selectors.suggested_groups(other_student, community)
    assert policy.can(student, Action.VIEW, thread)
    assert thread in policy.visible(student, Thread.objects.all())


def test_threads_without_a_category_stay_visible(student, other_student, community):
    make_group(student, community, visibility="hidden")
    plain = create_thread(student, community, title="Plain", body="x")
    fresh(other_student)

    assert plain in policy.visible(other_student, Thread.objects.all())


def test_last_organizer_cannot_leave_others_behind(student, other_student, community):
    group = make_group(student, community)
    services.join_group(other_student, group)
    fresh(student)

    with pytest.raises(DomainError):
        services.leave_group(student, group)
    services.leave_group(other_student, group)

    assert StudyGroup.objects.get(pk=group.pk).member_count == 1


def test_find_filters_by_course_language_seats_and_time_zone(student, community):
    a = make_group(
        student,
        community,
        name="A",
        course="ML",
        language="German",
        time_zone="Europe/Berlin",
        capacity=2,
    )
    b = make_group(
        student,
        community,
        name="B",
        course="ML",
        language="English",
        time_zone="America/Los_Angeles",
        availability="evenings",
    )
    other = make_member(community, "student")
    services.join_group(other, a)

    def find(**kw):
        return selectors.groups_of(student, community, selectors.GroupFilters(**kw))

    assert find(course="ml") == [a, b]
    assert find(language="german") == [a]
    assert find(open_seats=True) == [b]
    assert find(time_zone="Europe/Paris") == [a]
    assert find(availability="evenings") == [b]
    assert find(subject="B") == [b]


def test_suggestions_rank_matching_language_first(student, other_student, community):
    make_group(student, community, name="Any", language="French")
    match = make_group(
        student, community, name="Match", language="Spanish", time_zone="Europe/Madrid"
    )
    services.save_preferences(
        other_student, time_zone="Europe/Madrid", languages="Spanish", availability=[]
    )

    suggested = selectors.suggested_groups(other_student, community)

    assert suggested[0] == match


def test_resources_check_size_and_type(student, community, settings):
    settings.UPLOAD_MAX_BYTES = 10
    group = make_group(student, community)

    with pytest.raises(ValidationError):
        services.add_resource(
            student,
            group,
            title="Evil",
            upload=SimpleUploadedFile("x.html", b"<script>"),
        )
    with pytest.raises(ValidationError):
        services.add_resource(
            student, group, title="Big", upload=SimpleUploadedFile("x.pdf", b"0" * 11)
        )
    with pytest.raises(ValidationError):
        services.add_resource(student, group, title="Both")
    ok = services.add_resource(
        student, group, title="Notes", upload=SimpleUploadedFile("notes.txt", b"hello")
    )

    assert ok.size == 5 and ok.file_name == "notes.txt"
    assert services.content_type_for("x.svg") == "application/octet-stream"


def test_tasks_move_and_take_comments(student, other_student, community):
    group = make_group(student, community)
    task = services.create_task(
        student, group, title="Read ch. 3", assignee_id=student.pk
    )

    services.update_task(student, task, status="doing", assignee_id=None, due_date=None)
    services.comment_on_task(student, task, body="Half done")

    assert task.status == "doing" and task.comments.count() == 1
    with pytest.raises(ValidationError):
        services.create_task(student, group, title="x", assignee_id=other_student.pk)
    with pytest.raises(PermissionDenied):
        services.create_task(other_student, group, title="x")


def _start(days=3, hour=18):
    return (timezone.now() + dt.timedelta(days=days)).replace(
        tzinfo=None, hour=hour, minute=0, second=0, microsecond=0
    )


def test_sessions_refuse_past_times_and_bad_recurrence(student, community):
    group = make_group(student, community)
    past = dt.datetime(2001, 1, 1, 10, 0)

    with pytest.raises(ValidationError) as caught:
        services.schedule_session(
            student, group, title="S", local_start=past, time_zone="UTC"
        )
    assert "starts_at" in caught.value.message_dict
    for rule in [
        "FREQ=DAILY;COUNT=3",
        "FREQ=WEEKLY",
        "nonsense",
        "FREQ=WEEKLY;COUNT=500",
    ]:
        with pytest.raises(ValidationError):
            services.schedule_session(
                student,
                group,
                title="S",
                local_start=_start(),
                time_zone="UTC",
                rrule=rule,
            )


def test_weekly_session_keeps_wall_clock_time_in_its_zone(student, community):
    group = make_group(student, community)

    session = services.schedule_session(
        student,
        group,
        title="Weekly",
        local_start=_start(),
        time_zone="Europe/Berlin",
        rrule="RRULE:FREQ=WEEKLY;COUNT=10",
    )

    assert session.rrule == "FREQ=WEEKLY;COUNT=10"
    nxt = selectors.next_occurrence(session, timezone.now())
    assert nxt is not None
    assert nxt.astimezone(dt.UTC).tzinfo is not None


def test_rsvp_twice_keeps_one_answer(student, community):
    group = make_group(student, community)
    session = services.schedule_session(
        student, group, title="S", local_start=_start(), time_zone="UTC"
    )

    services.rsvp(student, session, answer="going")
    services.rsvp(student, session, answer="maybe")

    assert RSVP.objects.filter(session=session).count() == 1
    assert RSVP.objects.get(session=session).answer == "maybe"
    with pytest.raises(ValidationError):
        services.rsvp(student, session, answer="perhaps")


def test_feeds_are_revocable_and_private(student, other_student, community):
    group = make_group(student, community)
    feed = services.create_feed(student, group)

    assert selectors.feed_by_token(feed.token) == feed
    services.revoke_feed(student, feed)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.feed_by_token(feed.token)
    with pytest.raises(Http404):
        services.create_feed(other_student, group)


def test_organizer_names_another_organizer_who_then_manages(
    student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)

    services.set_role(student, group, other_student, role="organizer")
    fresh(other_student)

    assert policy.can(other_student, Action.MANAGE_GROUP, group)


def test_the_last_organizer_cannot_step_down_but_can_after_naming_another(
    student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)

    with pytest.raises(DomainError):
        services.set_role(student, group, student, role="member")
    services.set_role(student, group, other_student, role="organizer")
    services.set_role(student, group, student, role="member")
    services.leave_group(student, group)

    assert not GroupMembership.objects.filter(group=group, user=student).exists()


def test_members_cannot_name_organizers_and_outsiders_are_refused(
    student, other_student, outsider, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    fresh(other_student)

    with pytest.raises(PermissionDenied):
        services.set_role(other_student, group, other_student, role="organizer")
    with pytest.raises(DomainError):
        services.set_role(student, group, outsider, role="organizer")
    with pytest.raises(ValidationError):
        services.set_role(student, group, other_student, role="boss")
