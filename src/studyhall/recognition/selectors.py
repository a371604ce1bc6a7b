"""Reads for recognition pages, the API and tasks, filtered by the policy."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Post
from studyhall.policy import Action
from studyhall.profiles.models import ShowcaseItem
from studyhall.recognition.models import (
    Badge,
    BadgeAward,
    Certificate,
    CertificateBatch,
    Feedback,
    FeedbackRequest,
    FeedbackResponse,
    Kudos,
    LeaderboardOptOut,
    PointEvent,
    RubricCriterion,
    RubricScore,
    WeeklyGoal,
)
from studyhall.recognition.services.points import settings_for

PERIODS = {"week": "This week", "term": "This term", "all": "All time"}
LEADERBOARD_SIZE = 25


def week_start(now: dt.datetime | None = None) -> dt.datetime:
    """Return Monday 00:00 UTC of the current week."""
    now = now or timezone.now()
    monday = now - dt.timedelta(days=now.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def parse_uid(value: Any) -> uuid.UUID:
    """Return a UUID or raise Http404 for anything that is not one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("Nothing here.") from None


# --- leaderboards -------------------------------------------------------------


@dataclass
class LeaderRow:
    rank: int
    user_id: int
    name: str
    handle: str
    points: int
    is_you: bool


@dataclass
class Leaderboard:
    community: Community
    period: str
    is_enabled: bool
    rows: list[LeaderRow] = field(default_factory=list)
    is_hidden: bool = False

    @property
    def period_label(self) -> str:
        return PERIODS[self.period]


def leaderboard(user: Any, community: Community, *, period: str) -> Leaderboard:
    """Return the community's top members by points in a period (three queries).

    Only members may look; learners who opted out and former members are left
    out. When instructors turned leaderboards off, the rows are empty.
    """
    if not policy.can(user, Action.VIEW_LEADERBOARD, community):
        raise PermissionDenied("Only members can see this community's leaderboards.")
    if period not in PERIODS:
        period = "week"
    options = settings_for(community)
    hidden = set(
        LeaderboardOptOut.objects.filter(community=community).values_list(
            "user_id", flat=True
        )
    )
    board = Leaderboard(
        community=community,
        period=period,
        is_enabled=options.leaderboards_enabled,
        is_hidden=user.pk in hidden,
    )
    if not board.is_enabled:
        return board
    events = PointEvent.objects.filter(
        community=community,
        user__memberships__community=community,
        user__memberships__status=Membership.Status.ACTIVE,
    ).exclude(user_id__in=hidden)
    since = period_start(community, period, options.term_started_on)
    if since is not None:
        events = events.filter(created_at__gte=since)
    rows = (
        events.values("user_id", "user__display_name", "user__handle")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "user__display_name", "user_id")[:LEADERBOARD_SIZE]
    )
    board.rows = [
        LeaderRow(
            rank=i,
            user_id=r["user_id"],
            name=r["user__display_name"],
            handle=r["user__handle"],
            points=r["total"],
            is_you=r["user_id"] == user.pk,
        )
        for i, r in enumerate(rows, start=1)
    ]
    return board


def period_start(
    community: Community, period: str, term_started_on: dt.date | None
) -> dt.datetime | None:
    if period == "week":
        return week_start()
    if period == "term":
        if term_started_on is None:
            return community.created_at
        return dt.datetime.combine(term_started_on, dt.time(), tzinfo=dt.UTC)
    return None


# --- dashboard ----------------------------------------------------------------


@dataclass
class CommunityPoints:
    community_id: int
    name: str
    slug: str
    week: int
    total: int


@dataclass
class Dashboard:
    points: list[CommunityPoints]
    streak_days: int
    helped_this_week: int
    goal: int
    awards: list[BadgeAward]
    feedback: list[Feedback]
    certificates: list[Certificate]
    history: list[PointEvent] = field(default_factory=list)

    @property
    def goal_reached(self) -> bool:
        return self.helped_this_week >= self.goal


def dashboard(user: Any, *, today: dt.date | None = None) -> Dashboard:
    """Return the person's points, streak, weekly goal, badges and feedback."""
    now = timezone.now()
    today = today or now.date()
    since = week_start(now)
    totals = (
        PointEvent.objects.filter(
            user=user,
            community__memberships__user=user,
            community__memberships__status=Membership.Status.ACTIVE,
        )
        .values("community_id", "community__name", "community__slug")
        .annotate(
            total=Sum("points"),
            week=Sum("points", filter=Q(created_at__gte=since)),
        )
        .order_by("community__name")
    )
    points = [
        CommunityPoints(
            community_id=r["community_id"],
            name=r["community__name"],
            slug=r["community__slug"],
            week=r["week"] or 0,
            total=r["total"] or 0,
        )
        for r in totals
    ]
    goal = WeeklyGoal.objects.filter(user=user).values_list("target", flat=True).first()
    return Dashboard(
        points=points,
        streak_days=streak(user, today=today),
        helped_this_week=people_helped(user, since=since),
        goal=goal or 3,
        awards=list(
            BadgeAward.objects.filter(recipient=user)
            .select_related("badge", "community")
            .order_by("-created_at", "-pk")[:50]
        ),
        feedback=list(
            policy.visible(
                user,
                Feedback.objects.filter(Q(post__author=user) | Q(showcase__owner=user)),
            )
            .select_related("author", "post__thread", "showcase")
            .order_by("-created_at", "-pk")[:10]
        ),
        certificates=list(
            Certificate.objects.filter(recipient=user)
            .select_related("community")
            .order_by("-issued_at")[:20]
        ),
        history=points_history(user),
    )


HISTORY_SIZE = 30


def points_history(user: Any, *, limit: int = HISTORY_SIZE) -> list[PointEvent]:
    """Return the person's latest point events, awards and reversals, newest first.

    Only communities the person is still an active member of, as for totals.
    """
    return list(
        PointEvent.objects.filter(
            user=user,
            community__memberships__user=user,
            community__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("community")
        .order_by("-created_at", "-pk")[:limit]
    )


def streak(user: Any, *, today: dt.date) -> int:
    """Return how many days in a row, up to today or yesterday, the person posted."""
    start = today - dt.timedelta(days=90)
    days = {
        d.date()
        for d in Post.objects.filter(
            author=user, is_deleted=False, created_at__date__gte=start
        ).datetimes("created_at", "day")
    }
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def people_helped(user: Any, *, since: dt.datetime) -> int:
    """Return how many different people's threads the person replied to since then."""
    return (
        Post.objects.filter(
            author=user, number__gt=1, is_deleted=False, created_at__gte=since
        )
        .exclude(thread__author=user)
        .values("thread__author_id")
        .distinct()
        .count()
    )


# --- feedback, kudos, requests ---------------------------------------------------


def feedback_on_post(user: Any, post: Post) -> list[Feedback]:
    """Return the private feedback on a post that the person may read."""
    return list(
        policy.visible(user, Feedback.objects.filter(post=post))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def visible_showcase_item(user: Any, item_id: int) -> ShowcaseItem:
    """Return the portfolio item if the person may see it, else raise Http404."""
    item = (
        ShowcaseItem.objects.select_related("owner__profile").filter(pk=item_id).first()
    )
    if item is None or not policy.can(user, Action.VIEW, item):
        raise Http404("No such portfolio item.")
    return item


def feedback_on_showcase(user: Any, item: ShowcaseItem) -> list[Feedback]:
    """Return the private feedback on a portfolio item that the person may read."""
    return list(
        policy.visible(user, Feedback.objects.filter(showcase=item))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def kudos_for(user: Any, community: Community) -> QuerySet[Kudos]:
    """Return the community's kudos, newest first; members only."""
    if policy.role_in(user, community) is None:
        raise PermissionDenied("Only members can see kudos in this community.")
    return (
        Kudos.objects.filter(community=community)
        .select_related("giver", "recipient")
        .order_by("-created_at", "-pk")
    )


def members_for_choice(community: Community) -> list[Any]:
    """Return the active members' people, by name, for pickers."""
    return [
        m.user
        for m in Membership.objects.filter(
            community=community, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .order_by("user__display_name", "user_id")
    ]


def rubric_for(community: Community | int) -> list[RubricCriterion]:
    """Return a community's rubric criteria, given the community or its id."""
    community_id = community if isinstance(community, int) else community.pk
    return list(RubricCriterion.objects.filter(community_id=community_id))


def open_requests(user: Any, community: Community) -> list[FeedbackRequest]:
    """Return the open "feedback wanted" requests the person can see in the
    community: on its posts, and on portfolio items whose owner chose it."""
    # Each request's own post or item is looked up (correlated), so the cost
    # follows the open requests, not every post of the community.
    post = policy.visible(
        user, Post.objects.filter(pk=OuterRef("post_id"), community=community)
    )
    item = policy.visible(user, ShowcaseItem.objects.filter(pk=OuterRef("showcase_id")))
    return list(
        FeedbackRequest.objects.filter(is_open=True)
        .filter(Q(Exists(post)) | Q(Q(community=community) & Exists(item)))
        .select_related("post__thread", "post__author", "showcase__owner")
        .annotate(response_count=Count("responses"))
        .order_by("-created_at", "-pk")[:100]
    )


@dataclass
class CriterionSummary:
    name: str
    average: float | None
    count: int


@dataclass
class RequestSummary:
    request: FeedbackRequest | None
    criteria: list[CriterionSummary]
    responses: list[FeedbackResponse]
    has_responded: bool


def request_summary(user: Any, target: Post | ShowcaseItem) -> RequestSummary:
    """Return a post's or portfolio item's feedback request with the responses
    the person may read.

    The learner and staff see every response and the averages; a responder
    sees their own response only.
    """
    on = Q(post=target) if isinstance(target, Post) else Q(showcase=target)
    request = FeedbackRequest.objects.filter(on).select_related("community").first()
    if request is None:
        return RequestSummary(None, [], [], False)
    if isinstance(target, Post):
        request.post = target
    else:
        request.showcase = target
    responses = list(
        policy.visible(user, FeedbackResponse.objects.filter(request=request))
        .select_related("responder")
        .prefetch_related("scores")
    )
    averages = {
        row["criterion_id"]: row
        for row in RubricScore.objects.filter(response__in=[r.pk for r in responses])
        .values("criterion_id")
        .annotate(average=Avg("score"), count=Count("pk"))
    }
    criteria = [
        CriterionSummary(
            name=c.name,
            average=averages.get(c.pk, {}).get("average"),
            count=averages.get(c.pk, {}).get("count", 0),
        )
        for c in rubric_for(request.rubric_community_id)
    ]
    return RequestSummary(
        request=request,
        criteria=criteria,
        responses=responses,
        has_responded=any(r.responder_id == user.pk for r in responses),
    )


# --- badges and certificates -------------------------------------------------------


def badges_for(community: Community) -> list[Badge]:
    """Return the built-in badges and the community's own, by name."""
    return list(
        Badge.objects.filter(Q(community__isnull=True) | Q(community=community))
        .annotate(award_count=Count("awards", filter=Q(awards__community=community)))
        .order_by("community_id", "name")
    )


def badge_by_uid(uid: Any) -> Badge:
    badge = Badge.objects.select_related("community").filter(uid=parse_uid(uid)).first()
    if badge is None:
        raise Http404("No such badge.")
    return badge


def award_by_uid(uid: Any) -> BadgeAward:
    """Return an award by its public id (the id is the capability to see it)."""
    award = (
        BadgeAward.objects.select_related("badge", "community", "recipient")
        .filter(uid=parse_uid(uid))
        .first()
    )
    if award is None:
        raise Http404("No such badge award.")
    return award


def revoked_awards() -> list[BadgeAward]:
    return list(
        BadgeAward.objects.filter(revoked_at__isnull=False).order_by("revoked_at", "pk")
    )


def community_awards(user: Any, community: Community) -> list[BadgeAward]:
    """Return the awards given in the community, for staff who may revoke them."""
    if not policy.can(user, Action.AWARD_BADGES, community):
        raise PermissionDenied("Only instructors can list awards.")
    return list(
        BadgeAward.objects.filter(community=community)
        .select_related("badge", "recipient")
        .order_by("-created_at", "-pk")[:200]
    )


def certificate_by_uid(uid: Any) -> Certificate:
    certificate = (
        Certificate.objects.select_related("community")
        .filter(uid=parse_uid(uid))
        .first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificates_page(user: Any, community: Community) -> list[Certificate]:
    """Return the community's certificates, for staff."""
    if not policy.can(user, Action.ISSUE_CERTIFICATES, community):
        raise PermissionDenied("Only owners and instructors can issue certificates.")
    return list(
        Certificate.objects.filter(community=community)
        .select_related("recipient")
        .order_by("-issued_at", "-pk")[:500]
    )


def batch_for(user: Any, community: Community, batch_id: int) -> CertificateBatch:
    if not policy.can(user, Action.ISSUE_CERTIFICATES, community):
        raise PermissionDenied("Only owners and instructors can issue certificates.")
    batch = CertificateBatch.objects.filter(pk=batch_id, community=community).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch
