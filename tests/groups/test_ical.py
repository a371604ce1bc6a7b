"""Calendar feeds parse in real calendar software: checked with icalendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from studyhall.groups import services
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def test_person_feed_has_sessions_with_zones_and_recurrence(client, student, community):
    group = make_group(student, community)
    day = (timezone.now() + dt.timedelta(days=5)).date()
    services.schedule_session(
        student,
        group,
        title="Weekly review",
        local_start=dt.datetime.combine(day, dt.time(18, 30)),
        time_zone="America/New_York",
        rrule="FREQ=WEEKLY;COUNT=6",
        meeting_link="https://meet.example.org/room",
    )
    services.schedule_session(
        student,
        group,
        title="One-off",
        local_start=dt.datetime.combine(day, dt.time(9, 0)),
        time_zone="Asia/Tokyo",
    )
    feed = services.create_feed(student)

    response = client.get(f"/calendar/{feed.token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    weekly = events["Weekly review"]
    start = weekly.decoded("dtstart")
    assert start.tzinfo is not None
    assert (
        start.utcoffset()
        == dt.datetime.combine(
            day, dt.time(18, 30), zoneinfo.ZoneInfo("America/New_York")
        ).utcoffset()
    )
    assert (start.hour, start.minute) == (18, 30)
    assert weekly["rrule"]["FREQ"] == ["WEEKLY"] and weekly["rrule"]["COUNT"] == [6]
    assert "meet.example.org" in str(weekly["location"])
    assert events["One-off"].decoded("dtstart").hour == 9
    assert "rrule" not in events["One-off"]
    zones = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    assert {"America/New_York", "Asia/Tokyo"} <= zones


def test_group_feed_stops_when_the_owner_leaves_or_revokes(
    client, student, other_student, community
):
    group = make_group(student, community)
    services.join_group(other_student, group)
    feed = services.create_feed(other_student, group)
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200

    services.leave_group(other_student, group)

    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    assert client.get("/calendar/unknown.ics").status_code == 404
