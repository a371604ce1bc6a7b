"""Recognition in the REST API: leaderboards, rules, kudos, feedback, badges."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from studyhall.accounts.models import User
from studyhall.api.params import Id
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.communities.models import Community
from studyhall.discussions import selectors as board
from studyhall.recognition import openbadges, selectors, services

router = Router(tags=["recognition"])

Period = Literal["week", "term", "all"]


class LeaderOut(Schema):
    rank: int
    handle: str
    display_name: str
    points: int
    is_you: bool


class LeaderboardOut(Schema):
    period: Period
    enabled: bool = Field(description="False when instructors turned leaderboards off.")
    you_are_hidden: bool
    items: list[LeaderOut]


class RuleOut(Schema):
    kind: str
    label: str
    points: int
    daily_cap: int | None


class KudosIn(Schema):
    recipient: str = Field(description="The member's @handle, without the @.")
    note: str = Field(description="Up to 280 characters.")


class KudosOut(Schema):
    id: int
    giver: str
    recipient: str
    note: str
    created_at: datetime


class FeedbackIn(Schema):
    body: str = Field(description="Markdown; up to 5,000 characters.")


class FeedbackOut(Schema):
    id: int
    post: int | None = Field(description="The post, for feedback on a post.")
    showcase: int | None = Field(description="The portfolio item, for feedback on one.")
    author: str
    body: str
    body_html: str
    created_at: datetime


class AwardOut(Schema):
    id: str
    badge: str
    community: str
    awarded_at: datetime
    revoked: bool
    page_url: str
    assertion_url: str
    credential_url: str


class CertificateOut(Schema):
    id: str
    kind: str = Field(description="completion or participation.")
    recipient_name: str
    community: str
    issued_at: datetime
    revoked: bool
    revocation_reason: str
    verify_url: str
    pdf_url: str


class PointEventOut(Schema):
    community: str = Field(description="The community's slug.")
    kind: str
    label: str
    points: int = Field(description="Negative for a reversal.")
    reason: str = Field(description="Why an award was taken back; empty otherwise.")
    created_at: datetime


class CommunityPointsOut(Schema):
    community: str = Field(description="The community's slug.")
    week: int
    total: int


class ProgressOut(Schema):
    streak_days: int
    helped_this_week: int
    weekly_goal: int
    badges: list[AwardOut]
    points: list[CommunityPointsOut]
    history: list[PointEventOut] = Field(description="The latest 30 point events.")
    certificates: list[CertificateOut]


def _award_out(award: Any) -> AwardOut:
    uid = {"award_uid": award.uid}
    return AwardOut(
        id=str(award.uid),
        badge=award.badge.name,
        community=award.community.name,
        awarded_at=award.created_at,
        revoked=award.is_revoked,
        page_url=openbadges.absolute(reverse("recognition:award-detail", kwargs=uid)),
        assertion_url=openbadges.assertion_url(award),
        credential_url=openbadges.absolute(
            reverse("recognition:ob-credential", kwargs=uid)
        ),
    )


def _certificate_out(certificate: Any) -> CertificateOut:
    uid = {"certificate_uid": certificate.uid}
    return CertificateOut(
        id=str(certificate.uid),
        kind=certificate.kind,
        recipient_name=certificate.recipient_name,
        community=certificate.community.name,
        issued_at=certificate.issued_at,
        revoked=certificate.is_revoked,
        revocation_reason=certificate.revocation_reason,
        verify_url=openbadges.absolute(
            reverse("recognition:certificate-verify", kwargs=uid)
        ),
        pdf_url=openbadges.absolute(reverse("recognition:certificate-pdf", kwargs=uid)),
    )


def _feedback_out(f: Any) -> FeedbackOut:
    return FeedbackOut(
        id=f.pk,
        post=f.post_id,
        showcase=f.showcase_id,
        author=f.author.handle,
        body=f.body,
        body_html=f.body_html,
        created_at=f.created_at,
    )


@router.get(
    "/communities/{slug}/leaderboard",
    response={200: LeaderboardOut, **ERRORS},
    auth=ANYONE,
)
def get_leaderboard(request: HttpRequest, slug: str, period: Period = "week") -> Any:
    """Show the community's leaderboard for a period; members only."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    result = selectors.leaderboard(user, community, period=period)
    return LeaderboardOut(
        period=result.period,  # type: ignore[arg-type]
        enabled=result.is_enabled,
        you_are_hidden=result.is_hidden,
        items=[
            LeaderOut(
                rank=r.rank,
                handle=r.handle,
                display_name=r.name,
                points=r.points,
                is_you=r.is_you,
            )
            for r in result.rows
        ],
    )


@router.get(
    "/communities/{slug}/point-rules",
    response={200: list[RuleOut], **ERRORS},
    auth=ANYONE,
)
def list_point_rules(request: HttpRequest, slug: str) -> Any:
    """List how contributions earn points in the community, with daily caps."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    return [
        RuleOut(kind=r.kind, label=r.label, points=r.points, daily_cap=r.daily_cap)
        for r in services.rules_for(community).values()
    ]


@router.get(
    "/communities/{slug}/kudos", response={200: list[KudosOut], **ERRORS}, auth=ANYONE
)
def list_kudos(request: HttpRequest, slug: str) -> Any:
    """List the community's latest 50 kudos; members only."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    return [
        KudosOut(
            id=k.pk,
            giver=k.giver.handle,
            recipient=k.recipient.handle,
            note=k.note,
            created_at=k.created_at,
        )
        for k in selectors.kudos_for(user, community)[:50]
    ]


@router.post(
    "/communities/{slug}/kudos", response={201: KudosOut, **ERRORS}, auth=SIGNED_IN
)
def give_kudos(request: HttpRequest, slug: str, payload: KudosIn) -> Any:
    """Thank a member of the community with a short note."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    recipient = User.objects.filter(handle__iexact=payload.recipient).first()
    if recipient is None:
        raise ValidationError({"recipient": "Choose a member of this community."})
    kudos = services.give_kudos(user, community, recipient, note=payload.note)
    return Status(
        201,
        KudosOut(
            id=kudos.pk,
            giver=user.handle,
            recipient=recipient.handle,
            note=kudos.note,
            created_at=kudos.created_at,
        ),
    )


@router.get(
    "/replies/{reply_id}/feedback",
    response={200: list[FeedbackOut], **ERRORS},
    auth=ANYONE,
)
def list_feedback(request: HttpRequest, reply_id: Id) -> Any:
    """List the private feedback on a post: only its author and staff see any."""
    user = viewer(request)
    post = board.visible_post(user, reply_id)
    return [_feedback_out(f) for f in selectors.feedback_on_post(user, post)]


@router.post(
    "/replies/{reply_id}/feedback",
    response={201: FeedbackOut, **ERRORS},
    auth=SIGNED_IN,
)
def give_feedback(request: HttpRequest, reply_id: Id, payload: FeedbackIn) -> Any:
    """Give private feedback on a learner's post (instructors and owners)."""
    user = viewer(request)
    post = board.visible_post(user, reply_id)
    feedback = services.give_feedback(user, post, body=payload.body)
    return Status(201, _feedback_out(feedback))


@router.get(
    "/portfolio-items/{item_id}/feedback",
    response={200: list[FeedbackOut], **ERRORS},
    auth=ANYONE,
)
def list_showcase_feedback(request: HttpRequest, item_id: Id) -> Any:
    """List the private feedback on a portfolio item: its owner and staff see it."""
    user = viewer(request)
    item = selectors.visible_showcase_item(user, item_id)
    return [_feedback_out(f) for f in selectors.feedback_on_showcase(user, item)]


@router.post(
    "/portfolio-items/{item_id}/feedback",
    response={201: FeedbackOut, **ERRORS},
    auth=SIGNED_IN,
)
def give_showcase_feedback(
    request: HttpRequest, item_id: Id, payload: FeedbackIn
) -> Any:
    """Give private feedback on a learner's portfolio item (their instructors)."""
    user = viewer(request)
    item = selectors.visible_showcase_item(user, item_id)
    feedback = services.give_feedback(user, item, body=payload.body)
    return Status(201, _feedback_out(feedback))


@router.get("/me/progress", response={200: ProgressOut, **ERRORS}, auth=SIGNED_IN)
def my_progress(request: HttpRequest) -> Any:
    """Show your streak, weekly goal, badges, points and points history."""
    user = viewer(request)
    view = selectors.dashboard(user)
    return ProgressOut(
        streak_days=view.streak_days,
        helped_this_week=view.helped_this_week,
        weekly_goal=view.goal,
        badges=[_award_out(a) for a in view.awards],
        points=[
            CommunityPointsOut(community=p.slug, week=p.week, total=p.total)
            for p in view.points
        ],
        history=[
            PointEventOut(
                community=e.community.slug,
                kind=e.kind,
                label=e.get_kind_display(),
                points=e.points,
                reason=e.reason,
                created_at=e.created_at,
            )
            for e in view.history
        ],
        certificates=[_certificate_out(c) for c in view.certificates],
    )


@router.get("/awards/{award_uid}", response={200: AwardOut, **ERRORS}, auth=ANYONE)
def get_award(request: HttpRequest, award_uid: str) -> Any:
    """Show one badge award by its public id, with its verification links."""
    return _award_out(selectors.award_by_uid(award_uid))


@router.get(
    "/certificates/{certificate_uid}",
    response={200: CertificateOut, **ERRORS},
    auth=ANYONE,
)
def verify_certificate(request: HttpRequest, certificate_uid: str) -> Any:
    """Verify a certificate by its public id: valid, or revoked with the reason."""
    return _certificate_out(selectors.certificate_by_uid(certificate_uid))


# --- "feedback wanted" requests with the community's rubric -----------------------


class FeedbackRequestIn(Schema):
    note: str = Field("", description="What you would like feedback on; up to 300.")
    community: str | None = Field(
        None,
        description="Portfolio items only: the slug of one of your communities, "
        "whose rubric applies and whose members respond.",
    )


class CriterionSummaryOut(Schema):
    name: str
    average: float | None
    count: int


class FeedbackResponseOut(Schema):
    id: int
    responder: str
    comment: str
    scores: dict[int, int] = Field(description="Criterion id to score, 1 to 4.")
    created_at: datetime


class FeedbackRequestOut(Schema):
    note: str
    is_open: bool
    community: str | None = Field(description="Portfolio items: the chosen community.")
    criteria: list[CriterionSummaryOut]
    responses: list[FeedbackResponseOut] = Field(
        description="The learner and staff see all; a responder their own."
    )


class FeedbackResponseIn(Schema):
    scores: dict[int, int] = Field(
        default_factory=dict, description="Criterion id to score, 1 to 4, each one."
    )
    comment: str = ""


def _request_out(user: Any, target: Any) -> FeedbackRequestOut:
    summary = selectors.request_summary(user, target)
    if summary.request is None:
        raise Http404("Nobody asked for feedback on this.")
    community = summary.request.community
    return FeedbackRequestOut(
        note=summary.request.note,
        is_open=summary.request.is_open,
        community=community.slug if community is not None else None,
        criteria=[CriterionSummaryOut(**vars(c)) for c in summary.criteria],
        responses=[
            FeedbackResponseOut(
                id=r.pk,
                responder=r.responder.handle,
                comment=r.comment,
                scores={s.criterion_id: s.score for s in r.scores.all()},
                created_at=r.created_at,
            )
            for r in summary.responses
        ],
    )


def _request_feedback(user: Any, target: Any, payload: FeedbackRequestIn) -> Any:
    community = None
    if payload.community:
        community = Community.objects.filter(slug=payload.community).first()
    services.request_feedback(user, target, note=payload.note, community=community)
    return _request_out(user, target)


def _close_request(user: Any, target: Any) -> Any:
    summary = selectors.request_summary(user, target)
    if summary.request is None:
        raise Http404("Nobody asked for feedback on this.")
    services.close_feedback_request(user, summary.request)
    return Status(204, None)


def _respond(user: Any, target: Any, payload: FeedbackResponseIn) -> Any:
    summary = selectors.request_summary(user, target)
    if summary.request is None:
        raise Http404("Nobody asked for feedback on this.")
    response = services.respond_to_request(
        user, summary.request, scores=payload.scores, comment=payload.comment
    )
    return Status(
        201,
        FeedbackResponseOut(
            id=response.pk,
            responder=user.handle,
            comment=response.comment,
            scores={s.criterion_id: s.score for s in response.scores.all()},
            created_at=response.created_at,
        ),
    )


REQUEST = "/feedback-request"


@router.get(
    "/replies/{reply_id}" + REQUEST,
    response={200: FeedbackRequestOut, **ERRORS},
    auth=ANYONE,
)
def get_feedback_request(request: HttpRequest, reply_id: Id) -> Any:
    """A post's "feedback wanted" request, its rubric summary and the responses."""
    user = viewer(request)
    return _request_out(user, board.visible_post(user, reply_id))


@router.put(
    "/replies/{reply_id}" + REQUEST,
    response={200: FeedbackRequestOut, **ERRORS},
    auth=SIGNED_IN,
)
def request_feedback(
    request: HttpRequest, reply_id: Id, payload: FeedbackRequestIn
) -> Any:
    """Ask for feedback on your own post (again if it was closed)."""
    user = viewer(request)
    return _request_feedback(user, board.visible_post(user, reply_id), payload)


@router.delete(
    "/replies/{reply_id}" + REQUEST, response={204: None, **ERRORS}, auth=SIGNED_IN
)
def close_feedback_request(request: HttpRequest, reply_id: Id) -> Any:
    """Stop asking for feedback on your post; the responses stay."""
    user = viewer(request)
    return _close_request(user, board.visible_post(user, reply_id))


@router.post(
    "/replies/{reply_id}" + REQUEST + "/responses",
    response={201: FeedbackResponseOut, **ERRORS},
    auth=SIGNED_IN,
)
def respond_to_request(
    request: HttpRequest, reply_id: Id, payload: FeedbackResponseIn
) -> Any:
    """Score a classmate's post with the rubric and comment; once per person."""
    user = viewer(request)
    return _respond(user, board.visible_post(user, reply_id), payload)


@router.get(
    "/portfolio-items/{item_id}" + REQUEST,
    response={200: FeedbackRequestOut, **ERRORS},
    auth=ANYONE,
)
def get_showcase_feedback_request(request: HttpRequest, item_id: Id) -> Any:
    """A portfolio item's "feedback wanted" request, summary and responses."""
    user = viewer(request)
    return _request_out(user, selectors.visible_showcase_item(user, item_id))


@router.put(
    "/portfolio-items/{item_id}" + REQUEST,
    response={200: FeedbackRequestOut, **ERRORS},
    auth=SIGNED_IN,
)
def request_showcase_feedback(
    request: HttpRequest, item_id: Id, payload: FeedbackRequestIn
) -> Any:
    """Ask the members of one of your communities for feedback on your item."""
    user = viewer(request)
    item = selectors.visible_showcase_item(user, item_id)
    return _request_feedback(user, item, payload)


@router.delete(
    "/portfolio-items/{item_id}" + REQUEST,
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
)
def close_showcase_feedback_request(request: HttpRequest, item_id: Id) -> Any:
    """Stop asking for feedback on your portfolio item; the responses stay."""
    user = viewer(request)
    return _close_request(user, selectors.visible_showcase_item(user, item_id))


@router.post(
    "/portfolio-items/{item_id}" + REQUEST + "/responses",
    response={201: FeedbackResponseOut, **ERRORS},
    auth=SIGNED_IN,
)
def respond_to_showcase_request(
    request: HttpRequest, item_id: Id, payload: FeedbackResponseIn
) -> Any:
    """Score a portfolio item with the chosen community's rubric and comment."""
    user = viewer(request)
    item = selectors.visible_showcase_item(user, item_id)
    return _respond(user, item, payload)
