"""Reads for study groups, already narrowed by the policy."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from dateutil.rrule import rrulestr
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.groups.models import (
    RSVP,
    CalendarFeed,
    GroupMembership,
    Resource,
    StudyGroup,
    StudyPreferences,
    StudySession,
    Task,
    TaskComment,
)
from studyhall.policy import Action

OVERLAP_HOURS = 3


def visible_group(user: Any, pk: Any) -> StudyGroup:
    """Return the group if the person may know it exists, else raise Http404."""
    ident = parse_id(str(pk))
    group = (
        StudyGroup.objects.select_related("community", "board").filter(pk=ident).first()
        if ident
        else None
    )
    if group is None or not policy.can(user, Action.VIEW, group):
        raise Http404("No such group.")
    return group


def group_space(user: Any, pk: Any) -> StudyGroup:
    """Return the group if the person may see its members-only space, else 404."""
    group = visible_group(user, pk)
    if not policy.can(user, Action.VIEW_GROUP_SPACE, group):
        raise Http404("No such group.")
    return group


def preferences_for(user: Any) -> StudyPreferences:
    """Return the person's saved preferences, or unsaved defaults."""
    if user.is_authenticated:
        found = StudyPreferences.objects.filter(user=user).first()
        if found is not None:
            return found
    return StudyPreferences(time_zone="UTC")


def viewer_zone(
    user: Any, preferences: StudyPreferences | None = None
) -> zoneinfo.ZoneInfo:
    prefs = preferences or preferences_for(user)
    try:
        return zoneinfo.ZoneInfo(prefs.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def utc_offset_hours(name: str, at: dt.datetime | None = None) -> float:
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    offset = (at or timezone.now()).astimezone(zone).utcoffset() or dt.timedelta()
    return offset.total_seconds() / 3600


def zones_overlapping(
    names: set[str], zone: str, hours: int = OVERLAP_HOURS
) -> set[str]:
    """Return the zones whose UTC offset is within `hours` of the given zone's now."""
    mine = utc_offset_hours(zone)
    return {n for n in names if abs(utc_offset_hours(n) - mine) <= hours}


@dataclass
class GroupFilters:
    course: str = ""
    subject: str = ""
    language: str = ""
    availability: str = ""
    time_zone: str = ""
    open_seats: bool = False


def groups_of(
    user: Any, community: Community, filters: GroupFilters
) -> list[StudyGroup]:
    """Return the community's groups the person may see, filtered for "find a group"."""
    groups = policy.visible(
        user, StudyGroup.objects.filter(community=community)
    ).select_related("community")
    if filters.course:
        groups = groups.filter(course__iexact=filters.course)
    if filters.subject:
        groups = groups.filter(
            Q(subject__icontains=filters.subject) | Q(name__icontains=filters.subject)
        )
    if filters.language:
        groups = groups.filter(language__iexact=filters.language)
    if filters.availability:
        groups = groups.filter(availability__contains=filters.availability)
    if filters.open_seats:
        groups = groups.filter(member_count__lt=F("capacity"))
    rows = list(groups.order_by("name", "pk")[:200])
    if filters.time_zone:
        near = zones_overlapping({g.time_zone for g in rows}, filters.time_zone)
        rows = [g for g in rows if g.time_zone in near]
    return rows


def my_memberships(user: Any) -> list[GroupMembership]:
    """Return the person's group memberships, invitations and requests."""
    if not user.is_authenticated:
        return []
    return list(
        GroupMembership.objects.filter(user=user)
        .select_related("group__community")
        .order_by("group__name", "pk")
    )


def suggested_groups(
    user: Any, community: Community, limit: int = 5
) -> list[StudyGroup]:
    """Return groups of the community the person might join, best match first.

    Candidates come from `visible`, exclude the person's own and full groups,
    then rank by shared language, time-zone overlap and free slots."""
    if not user.is_authenticated or policy.role_in(user, community) is None:
        return []
    prefs = preferences_for(user)
    candidates = list(
        policy.visible(user, StudyGroup.objects.filter(community=community))
        .exclude(memberships__user=user)
        .exclude(
            visibility__in=[StudyGroup.Visibility.HIDDEN, StudyGroup.Visibility.INVITE]
        )
        .filter(member_count__lt=F("capacity"))
        .select_related("community")[:200]
    )
    languages = {x.strip().lower() for x in prefs.languages.split(",") if x.strip()}
    slots = {x for x in prefs.availability.split(",") if x}
    near = zones_overlapping({g.time_zone for g in candidates}, prefs.time_zone)

    def score(group: StudyGroup) -> tuple[int, int]:
        points = 0
        if group.language.lower() in languages:
            points += 2
        if group.time_zone in near:
            points += 2
        points += len(slots & set(group.availability_list))
        return (-points, group.pk)

    return sorted(candidates, key=score)[:limit]


@dataclass
class SessionView:
    session: StudySession
    next_start: dt.datetime | None
    local_start: dt.datetime | None
    going_count: int = 0
    maybe_count: int = 0
    my_answer: str = ""


def next_occurrence(session: StudySession, after: dt.datetime) -> dt.datetime | None:
    """Return the next start at or after `after` (aware, UTC), or None if past."""
    zone = zoneinfo.ZoneInfo(session.time_zone)
    first = session.starts_at.astimezone(zone)
    end = dt.timedelta(minutes=session.duration_minutes)
    if not session.rrule:
        return session.starts_at if first + end >= after else None
    rule = rrulestr(session.rrule, dtstart=first.replace(tzinfo=None))
    local_after = (after - end).astimezone(zone).replace(tzinfo=None)
    found = rule.after(local_after, inc=True)  # type: ignore[union-attr]
    if found is None:
        return None
    return found.replace(tzinfo=zone).astimezone(dt.UTC)


def session_views(
    user: Any, sessions: QuerySet[StudySession], zone: zoneinfo.ZoneInfo
) -> list[SessionView]:
    """Return sessions with their next start in the viewer's zone and RSVP counts."""
    now = timezone.now()
    rows = list(
        sessions.annotate(
            going_count=Count("rsvps", filter=Q(rsvps__answer="going")),
            maybe_count=Count("rsvps", filter=Q(rsvps__answer="maybe")),
        )
    )
    mine: dict[int, str] = {}
    if user.is_authenticated and rows:
        mine = dict(
            RSVP.objects.filter(user=user, session__in=rows).values_list(
                "session_id", "answer"
            )
        )
    result = []
    for s in rows:
        upcoming = next_occurrence(s, now)
        result.append(
            SessionView(
                session=s,
                next_start=upcoming,
                local_start=upcoming.astimezone(zone) if upcoming else None,
                going_count=s.going_count,  # type: ignore[attr-defined]
                maybe_count=s.maybe_count,  # type: ignore[attr-defined]
                my_answer=mine.get(s.pk, ""),
            )
        )
    return result


@dataclass
class GroupPage:
    group: StudyGroup
    members: list[GroupMembership]
    pending: list[GroupMembership] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    tasks: dict[str, list[Task]] = field(default_factory=dict)
    sessions: list[SessionView] = field(default_factory=list)
    can_see_space: bool = False


def group_members(
    user: Any, group: StudyGroup
) -> tuple[list[GroupMembership], list[GroupMembership]]:
    """Return the group's active members and, for people who see its space, its
    invitations and requests (empty for everyone else); one query."""
    rows = list(
        GroupMembership.objects.filter(group=group)
        .select_related("user")
        .order_by("-role", "created_at", "pk")
    )
    active = [m for m in rows if m.status == GroupMembership.Status.ACTIVE]
    if not policy.can(user, Action.VIEW_GROUP_SPACE, group):
        return active, []
    return active, [m for m in rows if m.status != GroupMembership.Status.ACTIVE]


def group_page(user: Any, group: StudyGroup) -> GroupPage:
    """Return what the group page shows the person; the space only to members."""
    members, pending = group_members(user, group)
    page = GroupPage(group=group, members=members, pending=pending)
    if not policy.can(user, Action.VIEW_GROUP_SPACE, group):
        return page
    page.can_see_space = True
    page.resources = list(group.resources.select_related("added_by")[:100])
    tasks = list(
        group.tasks.select_related("assignee").prefetch_related(
            Prefetch(
                "comments",
                queryset=TaskComment.objects.select_related("author"),
            )
        )[:300]
    )
    page.tasks = {
        status: [t for t in tasks if t.status == status]
        for status in Task.Status.values
    }
    page.sessions = session_views(user, group.sessions.all(), viewer_zone(user))
    return page


def visible_session(user: Any, pk: Any) -> StudySession:
    """Return a session of a group whose space the person may see, else 404."""
    ident = parse_id(str(pk))
    session = (
        StudySession.objects.select_related("group__community").filter(pk=ident).first()
        if ident
        else None
    )
    if session is None or not policy.can(user, Action.VIEW_GROUP_SPACE, session.group):
        raise Http404("No such session.")
    return session


def visible_task(user: Any, pk: Any) -> Task:
    ident = parse_id(str(pk))
    task = (
        Task.objects.select_related("group__community").filter(pk=ident).first()
        if ident
        else None
    )
    if task is None or not policy.can(user, Action.VIEW_GROUP_SPACE, task.group):
        raise Http404("No such task.")
    return task


def visible_resource(user: Any, pk: Any) -> Resource:
    ident = parse_id(str(pk))
    resource = (
        Resource.objects.select_related("group__community").filter(pk=ident).first()
        if ident
        else None
    )
    if resource is None or not policy.can(
        user, Action.VIEW_GROUP_SPACE, resource.group
    ):
        raise Http404("No such resource.")
    return resource


def sessions_for(user: Any) -> QuerySet[StudySession]:
    """Return the sessions of every group the person is an active member of."""
    return StudySession.objects.filter(
        group__memberships__user=user,
        group__memberships__status=GroupMembership.Status.ACTIVE,
    ).select_related("group")


def feeds_of(user: Any) -> list[CalendarFeed]:
    return list(
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related(
            "group"
        )
    )


def feed_by_token(token: str) -> CalendarFeed:
    """Return a live feed for its token, else 404; the owner must still see the group."""
    feed = (
        CalendarFeed.objects.select_related("user", "group__community")
        .filter(token=token[:64], revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404("No such feed.")
    if feed.group is not None and not policy.can(
        feed.user, Action.VIEW_GROUP_SPACE, feed.group
    ):
        raise Http404("No such feed.")
    return feed


def feed_sessions(feed: CalendarFeed) -> QuerySet[StudySession]:
    sessions = sessions_for(feed.user)
    if feed.group is not None:
        sessions = sessions.filter(group=feed.group)
    return sessions.order_by("starts_at", "pk")


def can_follow_group(user: Any, pk: int) -> bool:
    """Return whether the person may follow the group's stream `group.<pk>`."""
    group = StudyGroup.objects.select_related("community").filter(pk=pk).first()
    return group is not None and policy.can(user, Action.VIEW_GROUP_SPACE, group)
