"""Reminders of study sessions, sent once per person and occurrence.

`send_due_reminders` runs with the periodic `manage.py deliver_mail` (and once
when a session is scheduled, for sessions that start soon). For each session
starting within the longest lead time anyone chose, it reminds the group's
active members whose own lead time has come, unless they answered "no", muted
the group or turned reminders off. The SessionReminder row, unique per person
and occurrence, makes a second run (or two racing ones) send nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.groups.models import RSVP, GroupMembership, StudySession
from studyhall.groups.selectors import next_occurrence
from studyhall.notifications.digests import _zone
from studyhall.notifications.models import (
    Kind,
    Level,
    Notification,
    Preference,
    SessionReminder,
    Subscription,
    TargetType,
)
from studyhall.notifications.services import notify

logger = logging.getLogger(__name__)

MAX_LEAD_MINUTES = 7 * 24 * 60


def default_lead() -> dt.timedelta:
    """Return the site's reminder lead time (NOTIFICATIONS_SESSION_REMINDER_MINUTES)."""
    return dt.timedelta(minutes=int(settings.NOTIFICATIONS_SESSION_REMINDER_MINUTES))


def lead_of(pref: Preference) -> dt.timedelta:
    """Return how long before a session the person wants to be reminded."""
    if pref.reminder_minutes is not None:
        return dt.timedelta(minutes=pref.reminder_minutes)
    return default_lead()


def _horizon(now: dt.datetime) -> dt.datetime:
    """Return the latest start anyone could be reminded of now (one query)."""
    longest = Preference.objects.aggregate(m=Max("reminder_minutes"))["m"] or 0
    lead = max(default_lead(), dt.timedelta(minutes=min(longest, MAX_LEAD_MINUTES)))
    return now + lead


def upcoming_occurrences(
    now: dt.datetime, until: dt.datetime, *, session_id: int | None = None
) -> list[tuple[StudySession, dt.datetime]]:
    """Return sessions whose next start falls between now and `until`, with it.

    One-off sessions are narrowed by the database; weekly ones are expanded
    from their rule in the session's own time zone.
    """
    qs = StudySession.objects.select_related("group__community").filter(
        Q(rrule="", starts_at__gte=now, starts_at__lte=until)
        | (~Q(rrule="") & Q(starts_at__lte=until))
    )
    if session_id is not None:
        qs = qs.filter(pk=session_id)
    found = []
    for session in qs:
        # next_occurrence counts a session under way; ask from its end instead.
        after = now + dt.timedelta(minutes=session.duration_minutes)
        start = next_occurrence(session, after)
        if start is not None and now <= start <= until:
            found.append((session, start))
    return found


def send_due_reminders(
    now: dt.datetime | None = None, *, session_id: Any = None
) -> int:
    """Remind members of the sessions whose reminder time has come; return how many.

    Queries do not grow with the number of members: memberships, preferences,
    answers, group mutes and earlier reminders are each loaded once per run.
    """
    if session_id is not None and not isinstance(session_id, int):
        return 0
    now = now or timezone.now()
    due = upcoming_occurrences(now, _horizon(now), session_id=session_id)
    if not due:
        return 0
    groups = {s.group_id for s, _ in due}
    sessions = [s.pk for s, _ in due]
    members: dict[int, list[User]] = defaultdict(list)
    for m in GroupMembership.objects.filter(
        group_id__in=groups, status=GroupMembership.Status.ACTIVE, user__is_active=True
    ).select_related("user"):
        members[m.group_id].append(m.user)
    people = {u.pk for users in members.values() for u in users}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=people)}
    declined = set(
        RSVP.objects.filter(session_id__in=sessions, answer=RSVP.Answer.NO).values_list(
            "session_id", "user_id"
        )
    )
    muted = set(
        Subscription.objects.filter(
            user_id__in=people,
            target_type=TargetType.GROUP,
            target_id__in=groups,
            level=Level.MUTED,
        ).values_list("user_id", "target_id")
    )
    sent = set(
        SessionReminder.objects.filter(
            session_id__in=sessions, occurrence_at__gte=now
        ).values_list("user_id", "session_id", "occurrence_at")
    )
    count = 0
    for session, start in due:
        for user in members[session.group_id]:
            pref = prefs.get(user.pk) or Preference(user=user)
            if (
                not pref.session_reminders
                or start - lead_of(pref) > now
                or (session.pk, user.pk) in declined
                or (user.pk, session.group_id) in muted
                or (user.pk, session.pk, start) in sent
            ):
                continue
            if remind(user, pref, session, start) is not None:
                count += 1
    if count:
        logger.info("sent %s session reminders", count)
    return count


def remind(
    user: User, pref: Preference, session: StudySession, start: dt.datetime
) -> Notification | None:
    """Remind one person of one occurrence, once: a second call does nothing."""
    try:
        with transaction.atomic():
            SessionReminder.objects.create(
                user=user, session=session, occurrence_at=start
            )
    except IntegrityError:
        return None
    zone = _zone(pref.time_zone)
    local = start.astimezone(zone)
    when = f"{local:%A} {local.day} {local:%B} at {local:%H:%M} ({zone.key})"
    return notify(
        user,
        Kind.SESSION_REMINDER,
        target=session.group,
        url=reverse("groups:session-detail", kwargs={"pk": session.pk}),
        text=f"Reminder: “{session.title}” of {session.group.name} starts {when}",
        group_key=f"reminder:{session.pk}:{int(start.timestamp())}",
    )
