"""Educator analytics: participation, unanswered questions, learners who drift
away and top contributors, computed under the community's analytics settings.

Every figure counts only what the whole community may read: public rooms of
the community (never private rooms, group rooms or direct messages), posts
that are neither hidden nor deleted, outside hidden study groups' boards.
Anonymous posts are counted without identity and never attributed to anyone.
A figure about fewer people than the community's smallest group is
suppressed, and so is a second figure of any line with a total, so that the
suppressed one cannot be found by subtraction (docs/analytics.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat.models import Message, Room
from studyhall.communities.models import Community, Membership, Role
from studyhall.discussions.models import Post, Thread
from studyhall.groups.models import StudyGroup
from studyhall.policy import Action

WEEKS = 12  # the period shown: this week and the eleven before it
QUIET_WEEKS = 3  # a learner silent this long, after taking part, drifts away
TOP = 10  # contributors listed
UNANSWERED = 20  # unanswered questions listed, oldest first
SERIES = ("threads", "replies", "chat")
SERIES_LABELS = {
    "threads": "Threads started",
    "replies": "Replies",
    "chat": "Chat messages",
    "all": "All contributions",
}


@dataclass
class Figure:
    """A count and the number of distinct people behind it."""

    value: int = 0
    people: int = 0
    is_suppressed: bool = False

    @property
    def shown(self) -> int | None:
        """Return the value, or None where it is suppressed."""
        return None if self.is_suppressed else self.value


@dataclass
class Line:
    """One week (or the whole period): a figure per series and their total."""

    label: str
    start: date | None
    cells: dict[str, Figure]
    total: Figure
    active: Figure  # distinct people who took part (value == people)


@dataclass
class LearnerRow:
    """One learner in a list: by name only where the viewer may see names."""

    label: str
    handle: str | None
    posts: int
    messages: int
    last_active_at: datetime

    @property
    def contributions(self) -> int:
        return self.posts + self.messages


@dataclass
class OpenQuestion:
    thread_id: int
    title: str
    created_at: datetime
    age_days: int


@dataclass
class Report:
    """Everything the analytics page, its CSV and the API show."""

    community: Community
    start: date
    quiet_weeks: int
    min_group: int
    show_names: bool
    include_chat: bool
    series: tuple[str, ...]
    weeks: list[Line]
    period: Line
    anonymous_posts: Figure
    unanswered: list[OpenQuestion]
    unanswered_count: int
    drifting: Figure
    drifting_learners: list[LearnerRow]  # empty unless names are shown
    top: list[LearnerRow]
    is_top_withheld: bool  # too few learners took part to list them
    learners_taking_part: Figure = field(default_factory=Figure)


@dataclass
class _Person:
    posts: int = 0
    messages: int = 0
    last: datetime | None = None

    def saw(self, at: datetime) -> None:
        if self.last is None or at > self.last:
            self.last = at


def community_report(
    viewer: Any, community: Community, *, now: datetime | None = None
) -> Report:
    """Return the community's analytics as the viewer may see them; raise
    PermissionDenied unless the policy lets them view analytics. The caller
    has already checked that the viewer may see the community (404 if not)."""
    if not policy.can(viewer, Action.VIEW_ANALYTICS, community):
        raise PermissionDenied(
            "Only the community's instructors and owners, and the roles its "
            "owners allow, can see its analytics."
        )
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    series = SERIES if community.analytics_include_chat else SERIES[:2]
    k = community.analytics_min_group
    week_starts = [first + timedelta(weeks=n) for n in range(WEEKS)]

    people_in: dict[tuple[date, str], set[int]] = defaultdict(set)
    counts: dict[tuple[date, str], int] = defaultdict(int)
    anonymous_count, anonymous_people = 0, set[int]()
    learners = _learner_ids(community)
    persons: dict[int, _Person] = defaultdict(_Person)

    for week, author_id, is_anonymous, threads, replies, last in _post_rows(
        community, start, tz
    ):
        day = _week_of(week, tz)
        for name, value in (("threads", threads), ("replies", replies)):
            if value:
                counts[day, name] += value
                people_in[day, name].add(author_id)
        if is_anonymous:
            # Counted, but never put beside the person who wrote it.
            anonymous_count += threads + replies
            anonymous_people.add(author_id)
        elif author_id in learners:
            persons[author_id].posts += threads + replies
            persons[author_id].saw(last)
    if "chat" in series:
        for week, author_id, messages, last in _chat_rows(community, start, tz):
            day = _week_of(week, tz)
            counts[day, "chat"] += messages
            people_in[day, "chat"].add(author_id)
            if author_id in learners:
                persons[author_id].messages += messages
                persons[author_id].saw(last)

    weeks = [
        _line(f"Week of {day.day} {day:%b}", day, series, counts, people_in)
        for day in week_starts
    ]
    period = _period_line(weeks, series, people_in)
    protect(weeks, period, series, k)
    anonymous = _figure(anonymous_count, len(anonymous_people), k)

    cutoff = now - timedelta(weeks=QUIET_WEEKS)
    taking_part = {pk: p for pk, p in persons.items() if p.last is not None}
    drifting_ids = [
        pk for pk, p in taking_part.items() if p.last is not None and p.last < cutoff
    ]
    top_ids = sorted(
        taking_part,
        key=lambda pk: (-taking_part[pk].posts - taking_part[pk].messages, pk),
    )[:TOP]
    show_names = policy.can(viewer, Action.SEE_ANALYTICS_NAMES, community)
    is_top_withheld = not show_names and len(taking_part) < k
    names = (
        _names(top_ids + drifting_ids)
        if show_names and (top_ids or drifting_ids)
        else {}
    )
    top = [] if is_top_withheld else _rows(top_ids, taking_part, names)
    drifting_rows = (
        sorted(_rows(drifting_ids, taking_part, names), key=lambda r: r.last_active_at)
        if show_names
        else []
    )
    open_questions, open_count = _unanswered(viewer, community, now)
    return Report(
        community=community,
        start=first,
        quiet_weeks=QUIET_WEEKS,
        min_group=k,
        show_names=show_names,
        include_chat="chat" in series,
        series=series,
        weeks=weeks,
        period=period,
        anonymous_posts=anonymous,
        unanswered=open_questions,
        unanswered_count=open_count,
        drifting=_figure(len(drifting_ids), len(drifting_ids), k),
        drifting_learners=drifting_rows,
        top=top,
        is_top_withheld=is_top_withheld,
        learners_taking_part=_figure(len(taking_part), len(taking_part), k),
    )


# --- reading the counts ------------------------------------------------------------


def counted_posts(community: Community) -> QuerySet[Post]:
    """Return the community's posts analytics may count: not hidden or deleted,
    in a thread that is neither, and not on a hidden study group's board."""
    hidden_boards = StudyGroup.objects.filter(
        visibility=StudyGroup.Visibility.HIDDEN, board__isnull=False
    ).values("board_id")
    return Post.objects.filter(
        community=community,
        is_deleted=False,
        is_hidden=False,
        thread__is_deleted=False,
        thread__is_hidden=False,
    ).exclude(thread__category_id__in=hidden_boards)


def counted_messages(community: Community) -> QuerySet[Message]:
    """Return the messages analytics may count: only the community's public
    rooms, never members-only rooms, study group rooms or direct messages."""
    return Message.objects.filter(
        room__community=community,
        room__kind=Room.Kind.COMMUNITY,
        room__access=Room.Access.PUBLIC,
        is_deleted=False,
        is_hidden=False,
    )


def _post_rows(community: Community, start: datetime, tz: Any) -> Iterable[Any]:
    # One row per person, week and anonymity: the query stays one however
    # many posts there are, and the rows grow only with people × weeks.
    return (
        counted_posts(community)
        .filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .values("week", "author_id", "is_anonymous")
        .annotate(
            threads=Count("pk", filter=Q(number=1)),
            replies=Count("pk", filter=Q(number__gt=1)),
            last=Max("created_at"),
        )
        .values_list("week", "author_id", "is_anonymous", "threads", "replies", "last")
        .order_by()
    )


def _chat_rows(community: Community, start: datetime, tz: Any) -> Iterable[Any]:
    return (
        counted_messages(community)
        .filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .values("week", "author_id")
        .annotate(messages=Count("pk"), last=Max("created_at"))
        .values_list("week", "author_id", "messages", "last")
        .order_by()
    )


def _week_of(value: datetime | date, tz: Any) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value, tz).date()
        return value.date()
    return value


def _learner_ids(community: Community) -> set[int]:
    return set(
        Membership.objects.filter(
            community=community, role=Role.STUDENT, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )


def _names(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (name, handle)
        for pk, name, handle in User.objects.filter(pk__in=set(ids)).values_list(
            "pk", "display_name", "handle"
        )
    }


def _rows(
    ids: list[int], persons: dict[int, _Person], names: dict[int, tuple[str, str]]
) -> list[LearnerRow]:
    rows = []
    for rank, pk in enumerate(ids, start=1):
        person = persons[pk]
        name, handle = names.get(pk, (f"Learner {rank}", None))
        assert person.last is not None
        rows.append(
            LearnerRow(
                label=name,
                handle=handle,
                posts=person.posts,
                messages=person.messages,
                last_active_at=person.last,
            )
        )
    return rows


def _unanswered(
    viewer: Any, community: Community, now: datetime
) -> tuple[list[OpenQuestion], int]:
    """Return the oldest questions without a reply or an accepted answer that
    the viewer may read, and how many there are."""
    questions = policy.visible(
        viewer,
        Thread.objects.filter(
            community=community,
            kind=Thread.Kind.QUESTION,
            reply_count=0,
            accepted_post__isnull=True,
            is_deleted=False,
            is_hidden=False,
        ),
    )
    rows = list(
        questions.order_by("created_at", "pk").values_list("pk", "title", "created_at")[
            :UNANSWERED
        ]
    )
    count = questions.count()
    return [
        OpenQuestion(pk, title, created, max(0, (now - created).days))
        for pk, title, created in rows
    ], count


# --- figures and their protection --------------------------------------------------


def _figure(value: int, people: int, k: int) -> Figure:
    return Figure(value, people, is_suppressed=0 < people < k)


def _line(
    label: str,
    day: date,
    series: tuple[str, ...],
    counts: dict[tuple[date, str], int],
    people_in: dict[tuple[date, str], set[int]],
) -> Line:
    cells = {}
    everyone: set[int] = set()
    for name in series:
        people = people_in.get((day, name), set())
        everyone |= people
        cells[name] = Figure(counts.get((day, name), 0), len(people))
    total = Figure(sum(c.value for c in cells.values()), len(everyone))
    return Line(label, day, cells, total, Figure(len(everyone), len(everyone)))


def _period_line(
    weeks: list[Line],
    series: tuple[str, ...],
    people_in: dict[tuple[date, str], set[int]],
) -> Line:
    cells = {}
    everyone: set[int] = set()
    for name in series:
        people: set[int] = set()
        for week in weeks:
            people |= people_in.get((week.start, name), set())  # type: ignore[arg-type]
        everyone |= people
        cells[name] = Figure(sum(w.cells[name].value for w in weeks), len(people))
    total = Figure(sum(c.value for c in cells.values()), len(everyone))
    return Line(
        "Whole period", None, cells, total, Figure(len(everyone), len(everyone))
    )


def protect(weeks: list[Line], period: Line, series: tuple[str, ...], k: int) -> None:
    """Suppress every figure about fewer than k people, then, in each line that
    has a total (a week across series, a series across weeks, and the period),
    a second figure wherever exactly one is suppressed, until nothing changes."""
    lines = [*weeks, period]
    for line in lines:
        for figure in (*line.cells.values(), line.total, line.active):
            figure.is_suppressed = figure.is_suppressed or 0 < figure.people < k
    groups: list[tuple[list[Figure], Figure]] = [
        (list(line.cells.values()), line.total) for line in lines
    ]
    for name in series:
        groups.append(([w.cells[name] for w in weeks], period.cells[name]))
    groups.append(([w.total for w in weeks], period.total))
    changed = True
    while changed:
        changed = False
        for cells, total in groups:
            changed |= _complement(cells, total)


def _complement(cells: list[Figure], total: Figure) -> bool:
    """Suppress a second figure of the line (the smallest other non-zero cell,
    else the total) when exactly one non-zero cell is suppressed and the total
    is shown; return whether anything changed."""
    if total.is_suppressed:
        return False
    hidden = [c for c in cells if c.is_suppressed and c.value]
    if len(hidden) != 1:
        return False
    others = [c for c in cells if not c.is_suppressed and c.value]
    if others:
        min(others, key=lambda c: c.value).is_suppressed = True
    else:
        total.is_suppressed = True
    return True
