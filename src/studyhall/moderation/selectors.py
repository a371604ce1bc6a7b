"""Reads for moderation pages and the API, already checked against the policy."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q, prefetch_related_objects
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.core import sql
from studyhall.core.pagination import Page, paginate
from studyhall.moderation.models import (
    Appeal,
    AuditEntry,
    Blackout,
    Case,
    Flag,
    Reason,
)
from studyhall.moderation.registry import KINDS, ItemContext, kind_named
from studyhall.policy import Action

QUEUE_STATUSES = {"open": "Waiting for review", "resolved": "Resolved"}
# Site-level decisions on a reported direct message whose reason its author
# reads beside it.
SITE_DECISIONS = ("delete", "warn", "dm_mute", "suspend")


def _require(user: Any, action: Action, community: Community, message: str) -> None:
    if not policy.can(user, action, community):
        if policy.can(user, Action.VIEW, community):
            raise PermissionDenied(message)
        raise Http404("No community here.")


@dataclass
class QueueItem:
    case: Case
    context: ItemContext | None
    reasons: list[tuple[str, int]]
    notes: list[str]
    appeal: Appeal | None
    age: timedelta
    kind_label: str
    item: Any = None


def _items(viewer: Any, cases: list[Case]) -> list[QueueItem]:
    """Attach each case's content, flag summary and appeal, in a flat number of
    queries: one for the flags, one per kind of content for the items."""
    ids = [c.pk for c in cases]
    reasons: dict[int, Counter[str]] = defaultdict(Counter)
    notes: dict[int, list[str]] = defaultdict(list)
    labels = dict(Reason.choices)
    for case_id, reason, note in Flag.objects.filter(case_id__in=ids).values_list(
        "case_id", "reason", "note"
    ):
        reasons[case_id][str(labels.get(reason, reason))] += 1
        if note:
            notes[case_id].append(note)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for case in cases:
        by_kind[case.content_type].append(case.object_id)
    loaded: dict[tuple[str, int], Any] = {}
    for name, object_ids in by_kind.items():
        kind = KINDS.get(name)
        if kind is None:
            continue
        for pk, item in kind.load_many(object_ids).items():
            loaded[(name, pk)] = item
    now = timezone.now()
    result = []
    for case in cases:
        kind = KINDS.get(case.content_type)
        item = loaded.get((case.content_type, case.object_id))
        appeal = _appeal_of(case)
        result.append(
            QueueItem(
                case=case,
                context=kind.context(viewer, item) if kind and item else None,
                reasons=sorted(reasons[case.pk].items()),
                notes=notes[case.pk],
                appeal=appeal,
                age=now - case.opened_at,
                kind_label=kind.label if kind else case.content_type,
                item=item,
            )
        )
    return result


def _appeal_of(case: Case) -> Appeal | None:
    try:
        return case.appeal
    except Appeal.DoesNotExist:
        return None


def queue_cases(user: Any, community: Community, *, status: str = "open") -> Any:
    """Return the community's cases in a queue status, oldest first when open,
    for its moderators; ordered by plain fields ending with the pk."""
    _require(user, Action.MODERATE, community, "Only moderators see the queue.")
    cases = Case.objects.filter(community=community, status=status).select_related(
        "appeal"
    )
    if status == Case.Status.OPEN:
        return cases.order_by("opened_at", "pk")
    return cases.order_by("-resolved_at", "-pk")


def queue_items(user: Any, cases: list[Case]) -> list[QueueItem]:
    """Return the queue rows for already-authorised cases (see queue_cases)."""
    return _items(user, cases)


def queue(
    user: Any, community: Community, *, status: str = "open", page: int = 1
) -> Page[QueueItem]:
    """Return one page of the community's moderation queue."""
    cases = queue_cases(user, community, status=status)
    result = paginate(cases, page, settings.PAGE_SIZE)
    return Page(
        _items(user, result.items), result.number, result.page_count, result.total
    )


def case_detail(user: Any, case_id: int) -> QueueItem:
    """Return one case with its content, for its community's moderators."""
    case = Case.objects.select_related("community", "appeal").filter(pk=case_id).first()
    if case is None or not policy.can(user, Action.MODERATE, case.community):
        raise Http404("No case here.")
    return _items(user, [case])[0]


def case_flags(user: Any, case: Case) -> list[Flag]:
    """Return the case's flags with their flaggers, for moderators."""
    if not policy.can(user, Action.MODERATE, case.community):
        raise Http404("No case here.")
    return list(case.flags.select_related("flagger").order_by("created_at"))


AUDIT_FILTERS = ("kind", "actor", "target", "since")


def audit_entries(
    user: Any,
    community: Community,
    *,
    kind: str = "",
    actor: str = "",
    target: str = "",
    since: datetime | None = None,
) -> Any:
    """Return the community's audit log, newest first, for owners; `actor` and
    `target` are handles."""
    _require(user, Action.VIEW_AUDIT_LOG, community, "Only owners read the log.")
    return filter_audit(
        AuditEntry.objects.filter(community=community),
        kind=kind,
        actor=actor,
        target=target,
        since=since,
    )


def filter_audit(
    entries: Any,
    *,
    kind: str = "",
    actor: str = "",
    target: str = "",
    since: datetime | None = None,
) -> Any:
    """Narrow audit entries by action, actor and target handles and time,
    newest first, with who acted and on whom (community and site logs)."""
    entries = entries.select_related("actor", "target")
    if kind in AuditEntry.Kind.values:
        entries = entries.filter(kind=kind)
    if actor:
        entries = entries.filter(actor__handle__iexact=actor)
    if target:
        entries = entries.filter(target__handle__iexact=target)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return entries.order_by("-created_at", "-pk")


def audit_log(
    user: Any, community: Community, *, page: int = 1, **filters: Any
) -> Page[AuditEntry]:
    """Return one page of the audit log (filters as for audit_entries)."""
    entries = audit_entries(user, community, **filters)
    return paginate(entries, page, settings.PAGE_SIZE)


@dataclass
class ModeratorLoad:
    name: str
    handle: str
    total: int
    by_week: list[int]


@dataclass
class Workload:
    open_count: int
    oldest_open_at: datetime | None
    oldest_open_age: timedelta | None
    appeals_waiting: int
    weeks: list[datetime]
    moderators: list[ModeratorLoad] = field(default_factory=list)


WORKLOAD_WEEKS = 8


def workload(user: Any, community: Community) -> Workload:
    """Return the queue's size and age, and how many actions each moderator took
    per week over the last weeks, for owners."""
    _require(
        user, Action.VIEW_AUDIT_LOG, community, "Only owners see moderators' load."
    )
    now = timezone.now()
    open_cases = Case.objects.filter(community=community, status=Case.Status.OPEN)
    summary = open_cases.aggregate(n=Count("pk"), oldest=Min("opened_at"))
    appeals = Appeal.objects.filter(
        case__community=community, outcome=Appeal.Outcome.PENDING
    ).count()
    start = (now - timedelta(weeks=WORKLOAD_WEEKS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start -= timedelta(days=start.weekday())
    weeks = [start + timedelta(weeks=i) for i in range(WORKLOAD_WEEKS)]
    rows = (
        AuditEntry.objects.filter(
            community=community, created_at__gte=start, actor__isnull=False
        )
        .exclude(kind=AuditEntry.Kind.SETTINGS)
        .annotate(week=TruncWeek("created_at"))
        .values_list("actor_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for actor_id, week, n in rows:
        counts[actor_id][week.date()] = n
    people = {
        u.pk: u
        for u in User.objects.filter(
            Q(pk__in=list(counts))
            | Q(
                memberships__community=community,
                memberships__role__in=list(policy.MODERATING_ROLES),
                memberships__status=Membership.Status.ACTIVE,
            )
        ).distinct()
    }
    loads = []
    for pk, person in people.items():
        by_week = [counts.get(pk, {}).get(w.date(), 0) for w in weeks]
        loads.append(
            ModeratorLoad(person.display_name, person.handle, sum(by_week), by_week)
        )
    loads.sort(key=lambda load: (-load.total, load.name))
    oldest = summary["oldest"]
    return Workload(
        open_count=summary["n"],
        oldest_open_at=oldest,
        oldest_open_age=now - oldest if oldest else None,
        appeals_waiting=appeals,
        weeks=weeks,
        moderators=loads,
    )


@dataclass
class MyCase:
    case: Case
    context: ItemContext | None
    # None: a reported direct message, decided by the site's administrators.
    community: Community | None
    appeal: Appeal | None
    can_appeal: bool
    reason: str


def my_moderation(user: Any) -> tuple[list[MyCase], list[AuditEntry]]:
    """Return the person's hidden content (with what they may appeal) and the
    restrictions and warnings they received, without naming moderators."""
    from studyhall.moderation.services import SITE_APPEALABLE

    shown = (
        Q(resolution__in=["hidden", "appeal_denied"])
        | Q(is_auto_hidden=True)
        | Q(appeal__isnull=False)
        | Q(community__isnull=True, resolution__in=SITE_APPEALABLE)
    )
    cases = list(
        Case.objects.filter(shown, author_id=user.pk)
        .select_related("community", "appeal")
        .order_by("-opened_at")[:50]
    )
    items = {i.case.pk: i for i in _items(user, cases)}
    reasons = dict(
        AuditEntry.objects.filter(
            case_id__in=[c.pk for c in cases],
            kind__in=[
                AuditEntry.Kind.HIDE,
                AuditEntry.Kind.AUTO_HIDE,
                *SITE_DECISIONS,
            ],
        )
        .order_by("case_id", "created_at")
        .values_list("case_id", "reason")
    )
    mine = []
    for case in cases:
        item = items[case.pk].item
        mine.append(
            MyCase(
                case=case,
                context=items[case.pk].context,
                community=case.community,
                appeal=items[case.pk].appeal,
                can_appeal=item is not None
                and policy.can(user, Action.APPEAL, item)
                and items[case.pk].appeal is None,
                reason=reasons.get(case.pk, ""),
            )
        )
    notices = list(
        AuditEntry.objects.filter(
            target_id=user.pk,
            kind__in=["warn", "mute", "suspend", "ban", "lift", "dm_mute"],
        ).select_related("community")[:50]
    )
    return mine, notices


def flaggable(user: Any, kind_name: str, object_id: int) -> tuple[Any, Any]:
    """Return (kind, item) if the person may see the item; else raise Http404."""
    kind = kind_named(kind_name)
    return kind, kind.get(user, object_id)


def guidelines(community: Community) -> str:
    """Return the community's guidelines as safe HTML ('' when none are written)."""
    from studyhall.moderation.services import settings_for

    return settings_for(community).guidelines_html


def blackouts(user: Any, community: Community) -> Any:
    """Return the community's current and future blackouts, for its owners."""
    _require(user, Action.MANAGE_MODERATION, community, "Only owners manage blackouts.")
    return Blackout.objects.filter(
        community=community, ends_at__gt=timezone.now()
    ).order_by("starts_at", "pk")


# Every page with a composer asks it, so it is compiled once (core.sql).
_current_blackouts = sql.Prepared(
    lambda community, now: Blackout.objects.filter(
        community_id=community, starts_at__lte=now, ends_at__gt=now
    )
)


def blackout_notices(community: Community) -> list[Blackout]:
    """Return the blackouts closing posting in the community now, with their
    categories (one query, and a second only when there is a blackout), for
    the notice beside composers."""
    blackouts: list[Blackout] = _current_blackouts(
        community=community.pk, now=timezone.now()
    )
    if blackouts:
        prefetch_related_objects(blackouts, "categories")
    return blackouts
