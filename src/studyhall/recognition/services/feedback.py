"""Private feedback, kudos, and "feedback wanted" requests with a rubric."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.core.markdown import render_markdown
from studyhall.core.text import clean_text
from studyhall.discussions.models import Post
from studyhall.policy import Action
from studyhall.profiles.models import ShowcaseItem
from studyhall.realtime.services import publish
from studyhall.recognition.models import (
    Feedback,
    FeedbackRequest,
    FeedbackResponse,
    Kind,
    Kudos,
    RubricCriterion,
    RubricScore,
)
from studyhall.recognition.services.points import award_points, user_stream

FEEDBACK_MAX = 5000
KUDOS_NOTE_MAX = 280
# Kudos a person may give in one community per UTC day, so thanks stay meant.
KUDOS_PER_DAY = 10
COMMENT_MAX = 2000


def give_feedback(actor: User, target: Post | ShowcaseItem, *, body: str) -> Feedback:
    """Leave private feedback on a learner's post or portfolio item.

    Only the learner, the writer and the staff of the community it is given
    in see it. On a portfolio item that is the first community, by name,
    where the actor teaches the item's owner.
    """
    is_post = isinstance(target, Post)
    if not policy.can(actor, Action.GIVE_FEEDBACK, target):
        raise PermissionDenied(
            "Only instructors can give feedback on others' posts."
            if is_post
            else "Only instructors of the owner's communities can give feedback."
        )
    body = clean_text(body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your feedback before sending it."})
    if len(body) > FEEDBACK_MAX:
        raise ValidationError(
            {
                "body": f"Use at most {FEEDBACK_MAX:,} characters (this has {len(body):,})."
            }
        )
    where: dict[str, Any]
    if isinstance(target, Post):
        where = {"post": target, "community_id": target.community_id}
        learner_id, about = target.author_id, {"post": target.pk}
    else:
        community_id = policy.teaching_communities(actor, target.owner_id)[0]
        where = {"showcase": target, "community_id": community_id}
        learner_id, about = target.owner_id, {"showcase": target.pk}
    with transaction.atomic():
        feedback = Feedback.objects.create(
            **where, author=actor, body=body, body_html=render_markdown(body)
        )
        # The learner's own stream: a notifications listener tells them at once.
        # The payload carries ids only; the text stays behind the policy.
        publish(
            user_stream(learner_id),
            "feedback.given",
            {"feedback": feedback.pk, **about},
            actor=actor,
        )
    return feedback


def give_kudos(
    giver: User, community: Community, recipient: User, *, note: str
) -> Kudos:
    """Thank a member of the community with a short note; earns them points."""
    if not policy.can(giver, Action.GIVE_KUDOS, community):
        raise PermissionDenied("Join this community to give kudos.")
    note = clean_text(note or "").strip()
    errors: dict[str, str] = {}
    if recipient.pk == giver.pk:
        errors["recipient"] = "Kudos are for someone else."
    elif not Membership.objects.filter(
        community=community, user=recipient, status=Membership.Status.ACTIVE
    ).exists():
        errors["recipient"] = "Choose a member of this community."
    if not note:
        errors["note"] = "Say in a few words what you are thanking them for."
    elif len(note) > KUDOS_NOTE_MAX:
        errors["note"] = (
            f"Use at most {KUDOS_NOTE_MAX} characters (this has {len(note)})."
        )
    if not errors and _kudos_given_today(giver, community) >= KUDOS_PER_DAY:
        errors["note"] = (
            f"You have given {KUDOS_PER_DAY} kudos here today, the most a day. "
            "Keep this note and send it tomorrow."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        kudos = Kudos.objects.create(
            community=community, giver=giver, recipient=recipient, note=note
        )
        publish(
            user_stream(recipient.pk),
            "kudos.received",
            {"kudos": kudos.pk, "community": community.pk},
            actor=giver,
        )
    award_points(
        community.pk,
        recipient.pk,
        Kind.KUDOS_RECEIVED,
        source_key=f"kudos:{kudos.pk}",
        actor_id=giver.pk,
    )
    return kudos


def _kudos_given_today(giver: User, community: Community) -> int:
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return Kudos.objects.filter(
        community=community, giver=giver, created_at__gte=start
    ).count()


# --- rubric and requests -------------------------------------------------------


def add_criterion(
    actor: User, community: Community, *, name: str, description: str = ""
) -> RubricCriterion:
    """Add a criterion to the community's feedback rubric (owners, instructors)."""
    if not policy.can(actor, Action.MANAGE_RECOGNITION, community):
        raise PermissionDenied("Only owners and instructors can change the rubric.")
    name = clean_text(name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the criterion."})
    if len(name) > 80:
        raise ValidationError({"name": "Use at most 80 characters."})
    return RubricCriterion.objects.create(
        community=community,
        name=name,
        description=clean_text(description or "").strip()[:300],
        position=RubricCriterion.objects.filter(community=community).count(),
    )


def remove_criterion(actor: User, criterion: RubricCriterion) -> None:
    """Remove a rubric criterion; scores given for it go with it."""
    if not policy.can(actor, Action.MANAGE_RECOGNITION, criterion.community):
        raise PermissionDenied("Only owners and instructors can change the rubric.")
    criterion.delete()


def request_feedback(
    actor: User,
    target: Post | ShowcaseItem,
    *,
    note: str = "",
    community: Community | None = None,
) -> FeedbackRequest:
    """Mark one's own post or portfolio item "feedback wanted" (again if closed).

    A portfolio item belongs to no community: the learner names one of their
    own, whose rubric applies and whose members respond.
    """
    is_post = isinstance(target, Post)
    if not policy.can(actor, Action.REQUEST_FEEDBACK, target):
        raise PermissionDenied(
            "You can ask for feedback on your own posts only."
            if is_post
            else "You can ask for feedback on your own portfolio items only."
        )
    note = clean_text(note or "").strip()
    errors: dict[str, str] = {}
    if len(note) > 300:
        errors["note"] = "Use at most 300 characters."
    if not is_post and (community is None or policy.role_in(actor, community) is None):
        errors["community"] = "Choose one of your communities."
    if errors:
        raise ValidationError(errors)
    if isinstance(target, Post):
        request, _ = FeedbackRequest.objects.update_or_create(
            post=target, defaults={"note": note, "is_open": True}
        )
    else:
        request, _ = FeedbackRequest.objects.update_or_create(
            showcase=target,
            defaults={"note": note, "is_open": True, "community": community},
        )
    return request


def close_feedback_request(actor: User, request: FeedbackRequest) -> FeedbackRequest:
    """Stop asking for feedback; the responses stay for the learner."""
    target = request.post or request.showcase
    if not policy.can(actor, Action.REQUEST_FEEDBACK, target):
        raise PermissionDenied("Only the author can close this request.")
    request.is_open = False
    request.save(update_fields=["is_open"])
    return request


def respond_to_request(
    actor: User,
    request: FeedbackRequest,
    *,
    scores: dict[int, int],
    comment: str = "",
) -> FeedbackResponse:
    """Score the post or portfolio item on each rubric criterion (1 to 4) and
    comment; once per person."""
    if not policy.can(actor, Action.RESPOND_FEEDBACK, request):
        raise PermissionDenied(
            "Members other than the author can give feedback."
            if request.post is not None
            else "Members of the chosen community other than the owner can give "
            "feedback."
        )
    if not request.is_open:
        raise ValidationError(
            {"comment": "The author is no longer asking for feedback."}
        )
    community_id = request.rubric_community_id
    criteria = list(RubricCriterion.objects.filter(community_id=community_id))
    comment = clean_text(comment or "").strip()
    errors: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 1 <= value <= 4:
            errors[f"score_{criterion.pk}"] = f"Score “{criterion.name}” from 1 to 4."
    if not criteria and not comment:
        errors["comment"] = "Write a comment."
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"Use at most {COMMENT_MAX:,} characters."
    if errors:
        raise ValidationError(errors)
    if request.post is not None:
        learner_id, about = request.post.author_id, {"post": request.post_id}
    else:
        assert request.showcase is not None
        learner_id, about = request.showcase.owner_id, {"showcase": request.showcase_id}
    try:
        with transaction.atomic():
            response = FeedbackResponse.objects.create(
                request=request, responder=actor, comment=comment
            )
            RubricScore.objects.bulk_create(
                RubricScore(response=response, criterion=c, score=scores[c.pk])
                for c in criteria
            )
            publish(
                user_stream(learner_id),
                "feedback.responded",
                {"response": response.pk, **about},
                actor=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"comment": "You have already given feedback on this."}
        ) from None
    award_points(
        community_id,
        actor.pk,
        Kind.FEEDBACK_GIVEN,
        source_key=f"review:{response.pk}",
    )
    return response
