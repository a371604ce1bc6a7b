"""iCalendar feeds (RFC 5545) of study sessions, with time zones and recurrence."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vRecur

from studyhall.groups.models import StudySession


def calendar_for(sessions: Iterable[StudySession], *, name: str) -> bytes:
    """Return an iCalendar document of the sessions, each in its own time zone."""
    cal = Calendar()
    cal.add("prodid", "-//studyhall//study sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for session in sessions:
        zone = zoneinfo.ZoneInfo(session.time_zone)
        start = session.starts_at.astimezone(zone)
        event = Event()
        event.add("uid", f"session-{session.pk}@studyhall")
        event.add("summary", session.title)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=session.duration_minutes))
        event.add("dtstamp", session.updated_at.astimezone(dt.UTC))
        if session.rrule:
            event.add("rrule", vRecur.from_ical(session.rrule))
        url = settings.SITE_URL + reverse(
            "groups:session-detail", kwargs={"pk": session.pk}
        )
        event.add("url", url)
        lines = [f"Group: {session.group.name}"]
        if session.meeting_link:
            event.add("location", session.meeting_link)
            lines.append(f"Join: {session.meeting_link}")
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
