"""Study-session reminders: once per person and occurrence, at each person's
lead time, in their time zone, respecting their choices."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyhall.groups import services as groups
from studyhall.notifications import reminders, services
from studyhall.notifications.models import (
    Kind,
    Level,
    Notification,
    OutboundEmail,
    SessionReminder,
    TargetType,
)
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def _schedule(group, organizer, start, **kw):
    return groups.schedule_session(
        organizer,
        group,
        title=kw.pop("title", "Mock exam"),
        local_start=start,
        time_zone="UTC",
        **kw,
    )


def _reminded(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.SESSION_REMINDER))


@pytest.fixture
def group_of_three(community, student, other_student):
    group = make_group(student, community)
    groups.join_group(other_student, group)
    return group


def test_members_are_reminded_once_at_the_default_lead_time(
    committed, smtp, group_of_three, student, other_student
):
    now = timezone.now()
    session = _schedule(group_of_three, student, now + dt.timedelta(hours=3))

    with committed():
        early = reminders.send_due_reminders(now + dt.timedelta(minutes=90))
        due = reminders.send_due_reminders(now + dt.timedelta(hours=2, minutes=5))
        again = reminders.send_due_reminders(now + dt.timedelta(hours=2, minutes=30))

    assert (early, due, again) == (0, 2, 0)
    (n,) = _reminded(other_student)
    assert n.url == reverse("groups:session-detail", kwargs={"pk": session.pk})
    assert "Mock exam" in n.text and group_of_three.name in n.text
    assert {m["To"] for m in smtp.messages} == {student.email, other_student.email}
    assert OutboundEmail.objects.filter(kind="reminder").count() == 2


def test_the_reminder_names_the_time_in_my_time_zone(
    committed, group_of_three, student, other_student
):
    services.update_preferences(other_student, time_zone="Asia/Tokyo")
    start = (timezone.now() + dt.timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    _schedule(group_of_three, student, start)

    reminders.send_due_reminders(start - dt.timedelta(minutes=30))

    (n,) = _reminded(other_student)
    assert "at 18:00 (Asia/Tokyo)" in n.text


def test_my_lead_time_choice_and_opt_outs_are_respected(
    committed, community, group_of_three, student, other_student
):
    muter, decliner = (
        make_member(community, "student"),
        make_member(community, "student"),
    )
    for person in (muter, decliner):
        groups.join_group(person, group_of_three)
    services.update_preferences(other_student, reminder_minutes=24 * 60)
    services.update_preferences(student, session_reminders=False)
    services.set_subscription(
        muter, TargetType.GROUP, group_of_three.pk, level=Level.MUTED
    )
    now = timezone.now()
    session = _schedule(group_of_three, student, now + dt.timedelta(hours=20))
    groups.rsvp(decliner, session, answer="no")

    reminders.send_due_reminders(now)

    assert len(_reminded(other_student)) == 1
    assert _reminded(student) == []
    assert _reminded(muter) == [] and _reminded(decliner) == []


def test_a_weekly_session_is_reminded_each_week(
    committed, group_of_three, student, other_student
):
    now = timezone.now()
    start = now + dt.timedelta(minutes=30)
    session = _schedule(group_of_three, student, start, rrule="FREQ=WEEKLY;COUNT=3")

    reminders.send_due_reminders(now)
    reminders.send_due_reminders(now + dt.timedelta(days=7))

    occurrences = set(
        SessionReminder.objects.filter(session=session, user=other_student).values_list(
            "occurrence_at", flat=True
        )
    )
    assert len(occurrences) == 2
    assert len(_reminded(other_student)) == 2


def test_a_session_scheduled_inside_the_lead_time_is_reminded_at_once(
    committed, group_of_three, student, other_student
):
    with committed():
        _schedule(group_of_three, student, timezone.now() + dt.timedelta(minutes=20))

    assert len(_reminded(other_student)) == 1
    assert len(_reminded(student)) == 1


def test_the_periodic_command_sends_due_reminders(
    committed, group_of_three, student, other_student, settings
):
    settings.NOTIFICATIONS_SESSION_REMINDER_MINUTES = 180
    _schedule(group_of_three, student, timezone.now() + dt.timedelta(hours=2))

    out = io.StringIO()
    call_command("deliver_mail", stdout=out)

    assert len(_reminded(other_student)) == 1
    assert "sent 2 session reminders" in out.getvalue()


def test_reminder_queries_do_not_grow_with_members(community, student):
    def cost(members: int) -> int:
        group = make_group(student, community, capacity=100)
        for _ in range(members):
            groups.join_group(make_member(community, "student"), group)
        now = timezone.now()
        session = _schedule(group, student, now + dt.timedelta(minutes=30))
        assert reminders.send_due_reminders(now, session_id=session.pk) == members + 1
        # The second run loads everything to decide, and finds nothing to send.
        with CaptureQueriesContext(connection) as captured:
            assert reminders.send_due_reminders(now, session_id=session.pk) == 0
        return len(captured)

    assert cost(3) == cost(12)


def test_reminders_can_be_chosen_on_the_settings_page_and_in_the_api(client, student):
    client.force_login(student)
    page = client.get(reverse("notifications:settings"))
    bad = client.patch(
        "/api/v1/notifications/preferences",
        {"reminder_minutes": 2},
        content_type="application/json",
    )
    good = client.patch(
        "/api/v1/notifications/preferences",
        {"reminder_minutes": 30, "email_reminder": False},
        content_type="application/json",
    )

    assert "Remind me this long before a session" in page.text
    assert bad.status_code == 422
    assert good.json()["reminder_minutes"] == 30
    assert good.json()["email_reminder"] is False
