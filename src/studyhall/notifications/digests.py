"""Daily and weekly digests, and the instructors' triage digest.

Digests are built for a batch of people at a time with a fixed number of
queries per batch (never one per person): memberships, the batch's new
threads, top replies, unanswered questions and waiting notifications. Each
person's policy snapshot is primed from the memberships already loaded, so
every item is re-checked with policy.can at no extra cost; items come only
from communities the person belongs to, and authors are named only through
policy.author_for.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat.models import Room, RoomMember
from studyhall.communities.models import Community, Membership, Role
from studyhall.discussions.models import Post, Thread
from studyhall.groups.models import GroupMembership, StudySession
from studyhall.groups.selectors import next_occurrence
from studyhall.moderation.models import Case
from studyhall.notifications import emails
from studyhall.notifications.models import (
    Digest,
    EmailKind,
    Kind,
    Notification,
    Preference,
    SuppressedAddress,
)
from studyhall.notifications.selectors import describe
from studyhall.notifications.services import post_url
from studyhall.policy import Action
from studyhall.profiles.models import Opportunity

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PER_SECTION = 5
UNANSWERED_WINDOW = timedelta(days=14)
TRIAGE_AFTER = timedelta(hours=24)
TRIAGE_WINDOW = timedelta(days=30)
UPCOMING_WINDOW = timedelta(days=7)


@dataclass
class Line:
    text: str
    url: str


@dataclass
class Section:
    heading: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class DigestMail:
    user: User
    kind: str
    title: str
    sections: list[Section]


# --- when -----------------------------------------------------------------------------


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def last_scheduled(pref: Preference, now: datetime, *, weekly: bool) -> datetime:
    """Return the latest moment at or before `now` when the person's digest was due:
    their chosen hour in their time zone, every day or every Monday."""
    local = now.astimezone(_zone(pref.time_zone))
    scheduled = local.replace(hour=pref.digest_hour, minute=0, second=0, microsecond=0)
    if scheduled > local:
        scheduled -= timedelta(days=1)
    if weekly:
        scheduled -= timedelta(days=scheduled.weekday())
    return scheduled


def digest_due(pref: Preference, now: datetime) -> bool:
    """Return whether the person's daily or weekly digest is due now."""
    if pref.digest == Digest.OFF:
        return False
    scheduled = last_scheduled(pref, now, weekly=pref.digest == Digest.WEEKLY)
    return pref.last_digest_at is None or pref.last_digest_at < scheduled


def triage_due(pref: Preference, now: datetime) -> bool:
    """Return whether the person's daily triage digest is due now."""
    if not pref.triage_digest:
        return False
    scheduled = last_scheduled(pref, now, weekly=False)
    return pref.last_triage_at is None or pref.last_triage_at < scheduled


def _since(last: datetime | None, now: datetime, period: timedelta) -> datetime:
    floor = now - period
    return max(last, floor) if last is not None else floor


# --- who ----------------------------------------------------------------------------------


def batches(size: int = BATCH_SIZE) -> Iterator[list[tuple[User, Preference]]]:
    """Yield active, verified people with their preferences, a batch at a time."""
    suppressed = SuppressedAddress.objects.values("email")
    last = 0
    while True:
        users = list(
            User.objects.filter(
                pk__gt=last, is_active=True, email_verified_at__isnull=False
            )
            .exclude(email__in=suppressed)
            .order_by("pk")[:size]
        )
        if not users:
            return
        prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users)}
        yield [(u, prefs.get(u.pk) or Preference(user=u)) for u in users]
        last = users[-1].pk


# --- what ---------------------------------------------------------------------------------


@dataclass
class BatchData:
    communities: dict[int, Community]
    member_of: dict[int, list[int]]
    teaching: dict[int, list[int]]
    new_threads: dict[int, list[Thread]]
    top_replies: dict[int, list[tuple[Post, int]]]
    unanswered: dict[int, list[Thread]]
    waiting: dict[int, list[Notification]]
    urls: dict[tuple[str, int], str] = field(default_factory=dict)
    upcoming: dict[int, list[tuple[StudySession, datetime]]] = field(
        default_factory=dict
    )
    opportunities: dict[int, list[Opportunity]] = field(default_factory=dict)
    flagged: dict[int, list[Case]] = field(default_factory=dict)
    targets: dict[tuple[int, int], Any] = field(default_factory=dict)

    def url(self, kind: str, ident: int, name: str, **kwargs: Any) -> str:
        """Return an absolute address, worked out once per batch."""
        key = (kind, ident)
        if key not in self.urls:
            self.urls[key] = emails.absolute(reverse(name, kwargs=kwargs))
        return self.urls[key]

    def thread_url(self, thread: Thread) -> str:
        """Return a thread's absolute address, worked out once per batch."""
        key = ("thread", thread.pk)
        if key not in self.urls:
            self.urls[key] = emails.absolute(
                reverse("discussions:thread-detail", kwargs={"pk": thread.pk})
            )
        return self.urls[key]

    def post_url(self, post: Post) -> str:
        """Return a post's absolute address in its thread, worked out once per batch."""
        key = ("post", post.pk)
        if key not in self.urls:
            self.urls[key] = emails.absolute(post_url(post))
        return self.urls[key]


def _prime_snapshots(
    users: list[User],
    rows: list[tuple[int, int, str]],
    group_rows: list[tuple[int, int, str, str]] = (),  # type: ignore[assignment]
) -> None:
    """Give each person the policy snapshot their loaded community and study-group
    memberships describe."""
    snaps = {
        u.pk: policy.Snapshot(
            user_id=u.pk,
            is_superuser=u.is_superuser,
            is_verified=u.email_verified_at is not None,
        )
        for u in users
    }
    for user_id, community_id, role in rows:
        snaps[user_id].roles[community_id] = Role(role)
    for snap in snaps.values():
        snap.groups = {}
    for user_id, group_id, group_role, status in group_rows:
        snaps[user_id].groups[group_id] = (group_role, status)  # type: ignore[index]
    for u in users:
        u._policy_snapshot = snaps[u.pk]  # type: ignore[attr-defined]


@dataclass
class NewsCache:
    """What communities have to report, loaded once per run and shared by batches.

    It depends only on the community and the time, not on who reads it, so a
    community's news is loaded by the first batch that needs it.
    """

    now: datetime
    communities: dict[int, Community] = field(default_factory=dict)
    new_threads: dict[int, list[Thread]] = field(
        default_factory=lambda: defaultdict(list)
    )
    top_replies: dict[int, list[tuple[Post, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unanswered: dict[int, list[Thread]] = field(
        default_factory=lambda: defaultdict(list)
    )
    opportunities: dict[int, list[Opportunity]] = field(
        default_factory=lambda: defaultdict(list)
    )
    flagged: dict[int, list[Case]] = field(default_factory=lambda: defaultdict(list))
    urls: dict[tuple[str, int], str] = field(default_factory=dict)

    def load(self, cids: list[int]) -> None:
        """Load the news of the communities not loaded yet (six queries)."""
        missing = [c for c in cids if c not in self.communities]
        if not missing:
            return
        now, since = self.now, self.now - timedelta(days=7)
        communities = self.communities
        communities.update({c.pk: c for c in Community.objects.filter(pk__in=missing)})
        limit = PER_SECTION * 4 * len(missing)
        for t in (
            Thread.objects.filter(
                community_id__in=missing, is_deleted=False, created_at__gte=since
            )
            .select_related("author", "category")
            .order_by("-created_at")[:limit]
        ):
            t.community = communities[t.community_id]
            self.new_threads[t.community_id].append(t)
        for p in (
            Post.objects.filter(
                community_id__in=missing,
                number__gt=1,
                is_deleted=False,
                thread__is_deleted=False,
                created_at__gte=since,
            )
            .annotate(reaction_total=Count("reactions"))
            .filter(reaction_total__gt=0)
            .select_related("author", "thread__category")
            .order_by("-reaction_total", "-created_at")[:limit]
        ):
            p.thread.community = communities[p.community_id]
            self.top_replies[p.community_id].append((p, p.reaction_total))  # type: ignore[attr-defined]
        for t in (
            Thread.objects.filter(
                community_id__in=missing,
                kind=Thread.Kind.QUESTION,
                reply_count=0,
                accepted_post__isnull=True,
                is_deleted=False,
                created_at__gte=now - TRIAGE_WINDOW,
            )
            .select_related("author", "category")
            .order_by("-created_at")[:limit]
        ):
            t.community = communities[t.community_id]
            self.unanswered[t.community_id].append(t)
        for o in Opportunity.objects.filter(
            community_id__in=missing,
            created_at__gte=since,
            deadline__gte=now.date(),
        ).order_by("-created_at")[:limit]:
            o.community = communities[o.community_id]
            self.opportunities[o.community_id].append(o)
        # Only how many items wait and since when: the content is for the queue.
        for case in Case.objects.filter(
            community_id__in=missing, status=Case.Status.OPEN, flag_count__gt=0
        ).order_by("opened_at")[:limit]:
            assert case.community_id is not None  # Filtered by community.
            self.flagged[case.community_id].append(case)


def load_batch(
    users: list[User], now: datetime, cache: NewsCache | None = None
) -> BatchData:
    """Load what a batch of digests needs in a fixed number of queries:
    memberships and waiting notifications, plus the news of communities that
    no earlier batch of the run loaded."""
    cache = cache or NewsCache(now=now)
    since = now - timedelta(days=7)
    rows = list(
        Membership.objects.filter(
            user__in=users, status=Membership.Status.ACTIVE
        ).values_list("user_id", "community_id", "role")
    )
    group_rows = list(
        GroupMembership.objects.filter(user__in=users).values_list(
            "user_id", "group_id", "role", "status"
        )
    )
    _prime_snapshots(users, rows, group_rows)
    member_of: dict[int, list[int]] = defaultdict(list)
    teaching: dict[int, list[int]] = defaultdict(list)
    for user_id, community_id, role in rows:
        member_of[user_id].append(community_id)
        if role in policy.TEACHING_ROLES:
            teaching[user_id].append(community_id)
    upcoming = _upcoming_sessions(group_rows, now)
    cache.load(sorted({c for _, c, _ in rows}))
    communities = cache.communities

    waiting: dict[int, list[Notification]] = defaultdict(list)
    for n in (
        Notification.objects.filter(
            recipient__in=users,
            read_at__isnull=True,
            emailed_at__isnull=True,
            updated_at__gte=since,
        )
        # Tracking counts stay quiet: the bell shows them, email never does.
        .exclude(kind=Kind.ACTIVITY)
        .select_related("post__author", "thread__category", "community")
        .order_by("-updated_at")[: PER_SECTION * len(users)]
    ):
        if n.thread is not None:
            n.thread.community = communities.get(n.thread.community_id) or Community(
                pk=n.thread.community_id, visibility=Community.Visibility.PRIVATE
            )
        if n.post is not None and n.thread is not None:
            n.post.thread = n.thread
        waiting[n.recipient_id].append(n)
    targets = _generic_targets(users, waiting)

    return BatchData(
        communities=communities,
        member_of=member_of,
        teaching=teaching,
        new_threads=cache.new_threads,
        top_replies=cache.top_replies,
        unanswered=cache.unanswered,
        waiting=waiting,
        urls=cache.urls,
        upcoming=upcoming,
        opportunities=cache.opportunities,
        flagged=cache.flagged,
        targets=targets,
    )


def _generic_targets(
    users: list[User], waiting: dict[int, list[Notification]]
) -> dict[tuple[int, int], Any]:
    """Load the other apps' rows that waiting notifications are about, one query
    per kind of row, and the chat rooms of the people they concern (one query),
    so each can be re-checked with policy.can without a query per person."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for items in waiting.values():
        for n in items:
            if n.target_type_id is not None and n.target_id is not None:
                wanted[n.target_type_id].add(n.target_id)
    found: dict[tuple[int, int], Any] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        rows = model._default_manager.filter(pk__in=ids)
        if any(f.name == "community" for f in model._meta.get_fields()):
            rows = rows.select_related("community")
        found.update({(type_id, row.pk): row for row in rows})
    if any(isinstance(row, Room) for row in found.values()):
        concerned = {
            n.recipient_id
            for items in waiting.values()
            for n in items
            if n.target_type_id is not None
        }
        rooms: dict[int, set[int]] = {pk: set() for pk in concerned}
        for user_id, room_id in RoomMember.objects.filter(
            user_id__in=concerned
        ).values_list("user_id", "room_id"):
            rooms[user_id].add(room_id)
        for u in users:
            if u.pk in rooms:
                u._policy_snapshot.rooms = rooms[u.pk]  # type: ignore[attr-defined]
    return found


def _upcoming_sessions(
    group_rows: list[tuple[int, int, str, str]], now: datetime
) -> dict[int, list[tuple[StudySession, datetime]]]:
    """Return, per person, the next start of each session of their active groups
    in the coming week, soonest first (one query)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for user_id, group_id, _role, status in group_rows:
        if status == GroupMembership.Status.ACTIVE:
            groups[group_id].append(user_id)
    until = now + UPCOMING_WINDOW
    found: dict[int, list[tuple[StudySession, datetime]]] = defaultdict(list)
    if not groups:
        return found
    for session in StudySession.objects.filter(
        Q(rrule="", starts_at__gte=now) | ~Q(rrule=""),
        group_id__in=list(groups),
        starts_at__lte=until,
    ).select_related("group__community"):
        start = next_occurrence(
            session, now + timedelta(minutes=session.duration_minutes)
        )
        if start is None or start > until:
            continue
        for user_id in groups[session.group_id]:
            found[user_id].append((session, start))
    for items in found.values():
        items.sort(key=lambda pair: pair[1])
    return found


def _can_see(user: User, obj: Any) -> bool:
    return policy.can(user, Action.VIEW, obj)


def build_digest(
    user: User, pref: Preference, data: BatchData, now: datetime
) -> DigestMail | None:
    """Return the person's digest from the batch's data, or None if there is no news."""
    weekly = pref.digest == Digest.WEEKLY
    since = _since(pref.last_digest_at, now, timedelta(days=7 if weekly else 1))
    mine = sorted(
        data.member_of.get(user.pk, []), key=lambda c: data.communities[c].name
    )
    sections: list[Section] = []
    waiting = Section("Notifications waiting for you")
    for n in data.waiting.get(user.pk, []):
        target = n.post or n.thread
        if n.target_type_id is not None:
            target = data.targets.get((n.target_type_id, n.target_id or 0))
            if target is None:
                continue
        if n.updated_at < since or (target is not None and not _can_see(user, target)):
            continue
        if len(waiting.lines) < PER_SECTION:
            waiting.lines.append(Line(describe(user, n), emails.absolute(n.url or "/")))
    if waiting.lines:
        sections.append(waiting)
    sessions = _sessions_section(user, pref, data)
    if sessions.lines:
        sections.append(sessions)
    for cid in mine:
        community = data.communities[cid]
        news = Section(f"New in {community.name}")
        for t in data.new_threads.get(cid, []):
            if len(news.lines) >= PER_SECTION:
                break
            if t.created_at < since or t.author_id == user.pk or not _can_see(user, t):
                continue
            name = policy.author_for(user, t).name
            news.lines.append(Line(f"{t.title} — by {name}", data.thread_url(t)))
        for post, total in data.top_replies.get(cid, [])[:PER_SECTION]:
            if post.created_at < since or not _can_see(user, post):
                continue
            if len(news.lines) < PER_SECTION * 2:
                name = policy.author_for(user, post).name
                news.lines.append(
                    Line(
                        f"Top reply by {name} in “{post.thread.title}” "
                        f"({total} reaction{'s' if total != 1 else ''})",
                        data.post_url(post),
                    )
                )
        if news.lines:
            sections.append(news)
        could = Section(f"Questions in {community.name} you could answer")
        for t in data.unanswered.get(cid, []):
            if len(could.lines) >= PER_SECTION:
                break
            if t.author_id == user.pk or t.created_at < now - UNANSWERED_WINDOW:
                continue
            if _can_see(user, t):
                could.lines.append(Line(t.title, data.thread_url(t)))
        if could.lines:
            sections.append(could)
        # Teachers who take the triage digest find flagged posts there instead.
        flagged = not (pref.triage_digest and cid in data.teaching.get(user.pk, []))
        sections.extend(_community_extras(user, community, data, since, flagged, now))
    if not sections:
        return None
    local = now.astimezone(_zone(pref.time_zone))
    title = f"Your {'weekly' if weekly else 'daily'} digest for {local:%A} {local.day} {local:%B}"
    return DigestMail(user=user, kind=EmailKind.DIGEST, title=title, sections=sections)


def _sessions_section(user: User, pref: Preference, data: BatchData) -> Section:
    """List the person's study sessions of the coming week, in their time zone."""
    zone = _zone(pref.time_zone)
    section = Section("Your study sessions this week")
    for session, start in data.upcoming.get(user.pk, []):
        if len(section.lines) >= PER_SECTION:
            break
        if not policy.can(user, Action.VIEW_GROUP_SPACE, session.group):
            continue
        local = start.astimezone(zone)
        when = f"{local:%A} {local.day} {local:%B}, {local:%H:%M} ({zone.key})"
        section.lines.append(
            Line(
                f"{session.title} ({session.group.name}) — {when}",
                data.url("session", session.pk, "groups:session-detail", pk=session.pk),
            )
        )
    return section


def _community_extras(
    user: User,
    community: Community,
    data: BatchData,
    since: datetime,
    with_flagged: bool,
    now: datetime,
) -> list[Section]:
    """Return a community's new opportunities and, for its moderators, the flagged
    content waiting for review (how much and how old, never the content)."""
    sections = []
    found = Section(f"New opportunities in {community.name}")
    for o in data.opportunities.get(community.pk, []):
        if len(found.lines) >= PER_SECTION:
            break
        if o.created_at < since or o.posted_by_id == user.pk or not _can_see(user, o):
            continue
        where = f" at {o.organisation}" if o.organisation else ""
        found.lines.append(
            Line(
                f"{o.get_kind_display()}: {o.title}{where} (apply by {o.deadline:%d %B})",
                data.url(
                    "opportunity",
                    o.pk,
                    "profiles:opportunity-detail",
                    opportunity_id=o.pk,
                ),
            )
        )
    if found.lines:
        sections.append(found)
    if with_flagged:
        flagged = _flagged_section(user, community, data, now)
        if flagged is not None:
            sections.append(flagged)
    return sections


def _flagged_section(
    user: User, community: Community, data: BatchData, now: datetime
) -> Section | None:
    """Say how many flagged items wait in a community's queue, for its moderators."""
    flagged = data.flagged.get(community.pk, [])
    if not flagged or not policy.can(user, Action.MODERATE, community):
        return None
    days = max((now - min(c.opened_at for c in flagged)).days, 0)
    count = len(flagged)
    text = (
        f"{count} item{'s' if count != 1 else ''} in the moderation queue, "
        f"the oldest flagged {days} day{'s' if days != 1 else ''} ago"
    )
    url = data.url("queue", community.pk, "moderation:queue", slug=community.slug)
    return Section(
        f"Flagged posts waiting for review in {community.name}", [Line(text, url)]
    )


def build_triage(
    user: User, pref: Preference, data: BatchData, now: datetime
) -> DigestMail | None:
    """Return an instructor's triage digest: flagged posts waiting for review,
    questions unanswered for over a day and the learners who asked them, in the
    communities they teach."""
    sections: list[Section] = []
    for cid in sorted(
        data.teaching.get(user.pk, []), key=lambda c: data.communities[c].name
    ):
        community = data.communities[cid]
        flagged = _flagged_section(user, community, data, now)
        if flagged is not None:
            sections.append(flagged)
        stale = [
            t
            for t in data.unanswered.get(cid, [])
            if t.created_at <= now - TRIAGE_AFTER and _can_see(user, t)
        ]
        if not stale:
            continue
        section = Section(f"Unanswered for over 24 hours in {community.name}")
        for t in stale[:PER_SECTION]:
            hours = int((now - t.created_at).total_seconds() // 3600)
            section.lines.append(Line(f"{t.title} ({hours} hours)", data.thread_url(t)))
        sections.append(section)
        askers = Section(f"Learners in {community.name} who asked and got no reply")
        seen: set[str] = set()
        for t in stale:
            name = policy.author_for(user, t).name
            if name not in seen and len(askers.lines) < PER_SECTION:
                seen.add(name)
                askers.lines.append(Line(name, data.thread_url(t)))
        sections.append(askers)
    if not sections:
        return None
    local = now.astimezone(_zone(pref.time_zone))
    title = f"Triage for {local:%A} {local.day} {local:%B}"
    return DigestMail(user=user, kind=EmailKind.TRIAGE, title=title, sections=sections)


def render(mail: DigestMail) -> tuple[str, str]:
    """Return the plain-text and HTML bodies of a digest."""
    footer = (
        "You get this triage digest because you teach these communities."
        if mail.kind == EmailKind.TRIAGE
        else "You get this digest for the communities you belong to."
    )
    context = {
        "title": mail.title,
        "sections": mail.sections,
        "footer": footer,
        "unsubscribe_url": emails.unsubscribe_url(mail.user, mail.kind),
        "settings_url": emails.absolute(reverse("notifications:settings")),
    }
    return (
        render_to_string("notifications/email/digest.txt", context),
        render_to_string("notifications/email/digest.html", context),
    )


# --- sending ------------------------------------------------------------------------------


def build_for_batch(
    people: list[tuple[User, Preference]],
    now: datetime,
    cache: NewsCache | None = None,
) -> tuple[list[DigestMail], list[Preference], list[Preference]]:
    """Return the digests due for a batch, and whose digest and triage were due."""
    due_digest = [p for _, p in people if digest_due(p, now)]
    due_triage = [p for _, p in people if triage_due(p, now)]
    if not due_digest and not due_triage:
        return [], [], []
    users = [u for u, _ in people]
    data = load_batch(users, now, cache)
    by_id = {u.pk: u for u in users}
    mails: list[DigestMail] = []
    for pref in due_digest:
        mail = build_digest(by_id[pref.user_id], pref, data, now)
        if mail is not None:
            mails.append(mail)
    for pref in due_triage:
        mail = build_triage(by_id[pref.user_id], pref, data, now)
        if mail is not None:
            mails.append(mail)
    return mails, due_digest, due_triage


def send_due_digests(now: datetime | None = None) -> int:
    """Queue every digest that is due now; return how many emails were queued.

    Run it every few minutes (manage.py deliver_mail); a person's digest goes
    out once per day or week, at their chosen hour in their time zone.
    """
    now = now or timezone.now()
    queued = 0
    cache = NewsCache(now=now)
    for people in batches():
        mails, due_digest, due_triage = build_for_batch(people, now, cache)
        with transaction.atomic():
            for mail in mails:
                text, html = render(mail)
                emails.queue_email(
                    mail.user,
                    mail.kind,
                    subject=f"[{settings.SITE_NAME}] {mail.title}",
                    text=text,
                    html=html,
                    headers=emails.base_headers(
                        mail.user, mail.kind, list_id=mail.kind
                    ),
                )
                queued += 1
            _record(due_digest, "last_digest_at", now)
            _record(due_triage, "last_triage_at", now)
    logger.info("queued %s digest emails", queued)
    return queued


def _record(prefs: list[Preference], field_name: str, now: datetime) -> None:
    if not prefs:
        return
    new = [p for p in prefs if p.pk is None]
    for p in prefs:
        setattr(p, field_name, now)
    if new:
        Preference.objects.bulk_create(new)
    saved = [p.user_id for p in prefs if p not in new]
    Preference.objects.filter(user_id__in=saved).update(**{field_name: now})
