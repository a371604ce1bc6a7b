"""Badges: built-in and community badges, automatic and manual awards, revocation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.core.text import clean_text
from studyhall.policy import Action
from studyhall.realtime.services import publish
from studyhall.recognition.models import Badge, BadgeAward, Kind, PointEvent
from studyhall.recognition.services.points import user_stream
from studyhall.recognition.services.revocation import mark_revoked


@dataclass(frozen=True)
class BuiltinBadge:
    slug: str
    name: str
    description: str
    criteria: str
    rule_kind: str
    rule_count: int


BUILTIN_BADGES = [
    BuiltinBadge(
        "first-answer",
        "First answer",
        "Gave an answer that the asker accepted.",
        "Have one of your replies accepted as the answer to a question.",
        Kind.ANSWER_ACCEPTED,
        1,
    ),
    BuiltinBadge(
        "ten-accepted-answers",
        "Ten accepted answers",
        "Gave ten answers that askers accepted.",
        "Have ten of your replies accepted as answers in one community.",
        Kind.ANSWER_ACCEPTED,
        10,
    ),
    BuiltinBadge(
        "endorsed",
        "Endorsed by an instructor",
        "Wrote a reply that an instructor endorsed.",
        "Have one of your posts endorsed by an instructor of the community.",
        Kind.REPLY_ENDORSED,
        1,
    ),
    BuiltinBadge(
        "helpful-mentor",
        "Helpful mentor",
        "Was thanked by classmates again and again.",
        "Receive kudos from classmates five times in one community.",
        Kind.KUDOS_RECEIVED,
        5,
    ),
    BuiltinBadge(
        "generous-reviewer",
        "Generous reviewer",
        "Gave feedback on classmates' work.",
        "Respond to five feedback requests with the community's rubric.",
        Kind.FEEDBACK_GIVEN,
        5,
    ),
    BuiltinBadge(
        "session-host",
        "Session host",
        "Hosted a live session for the community.",
        "Host a live session of the community.",
        Kind.SESSION_HOSTED,
        1,
    ),
]


def builtin_badges() -> list[Badge]:
    """Return the built-in badges, creating any that are missing."""
    existing = {b.slug: b for b in Badge.objects.filter(community__isnull=True)}
    badges = []
    for spec in BUILTIN_BADGES:
        badge = existing.get(spec.slug)
        if badge is None:
            try:
                with transaction.atomic():
                    badge = Badge.objects.create(
                        slug=spec.slug,
                        name=spec.name,
                        description=spec.description,
                        criteria=spec.criteria,
                        rule_kind=spec.rule_kind,
                        rule_count=spec.rule_count,
                    )
            except IntegrityError:
                badge = Badge.objects.get(community__isnull=True, slug=spec.slug)
        badges.append(badge)
    return badges


def check_automatic_badges(event: PointEvent) -> list[BadgeAward]:
    """Award the automatic badges a new point event completes; safe to repeat."""
    if event.reverses_id is not None:
        return []
    builtin_badges()
    candidates = Badge.objects.filter(
        Q(community__isnull=True) | Q(community_id=event.community_id),
        rule_kind=event.kind,
    )
    standing = PointEvent.objects.filter(
        community_id=event.community_id,
        user_id=event.user_id,
        kind=event.kind,
        open_key__isnull=False,
    ).count()
    awarded = []
    for badge in candidates:
        if standing >= badge.rule_count:
            award = grant_badge(badge, event.community, event.user)
            if award is not None:
                awarded.append(award)
    return awarded


def grant_badge(
    badge: Badge,
    community: Community,
    recipient: User,
    *,
    awarded_by: User | None = None,
) -> BadgeAward | None:
    """Record the award once; return it if this call made it, None if it existed.

    The unique constraint on (badge, community, recipient) is what makes this
    idempotent: concurrent calls race to insert, one wins, the others see
    the IntegrityError inside their savepoint and return None.
    """
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                badge=badge,
                community=community,
                recipient=recipient,
                salt=secrets.token_hex(16),
                awarded_by=awarded_by,
            )
            # A notifications listener tells the recipient from their stream.
            publish(
                user_stream(recipient.pk),
                "badge.awarded",
                {"award": str(award.uid), "badge": badge.pk},
                actor=awarded_by,
            )
    except IntegrityError:
        return None
    return award


def award_badge(actor: User, badge: Badge, recipient: User) -> BadgeAward:
    """Award a community's manual badge to one of its members (owners, instructors)."""
    community = badge.community
    if community is None or not policy.can(actor, Action.AWARD_BADGES, community):
        raise PermissionDenied("Only the community's instructors can award this badge.")
    if badge.is_automatic:
        raise ValidationError(
            {"badge": "This badge is awarded automatically by its rule."}
        )
    if not Membership.objects.filter(
        community=community, user=recipient, status=Membership.Status.ACTIVE
    ).exists():
        raise ValidationError({"recipient": "Choose a member of this community."})
    award = grant_badge(badge, community, recipient, awarded_by=actor)
    if award is None:
        award = BadgeAward.objects.get(
            badge=badge, community=community, recipient=recipient
        )
    return award


def define_badge(
    actor: User,
    community: Community,
    *,
    name: str,
    description: str,
    criteria: str,
    image: UploadedFile | None = None,
    rule_kind: str = "",
    rule_count: int = 1,
) -> Badge:
    """Define a community badge with an image, criteria and an automatic or manual rule."""
    if not policy.can(actor, Action.DEFINE_BADGES, community):
        raise PermissionDenied("Only the community's owners can define badges.")
    name = clean_text(name).strip()
    description = clean_text(description).strip()
    criteria = clean_text(criteria).strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the badge a name."
    if not description:
        errors["description"] = "Say in a sentence what the badge recognises."
    if not criteria:
        errors["criteria"] = "Say what someone must do to earn it."
    if rule_kind and rule_kind not in Kind.values:
        errors["rule_kind"] = "Choose a kind of contribution, or manual award."
    if not 1 <= rule_count <= 10_000:
        errors["rule_count"] = "Use a number from 1 to 10,000."
    if image is not None:
        problem = _image_problem(image)
        if problem:
            errors["image"] = problem
    slug = slugify(name)[:50] or "badge"
    if Badge.objects.filter(community=community, slug=slug).exists():
        errors["name"] = "This community already has a badge by that name."
    if errors:
        raise ValidationError(errors)
    badge = Badge(
        community=community,
        slug=slug,
        name=name[:80],
        description=description[:300],
        criteria=criteria[:2000],
        rule_kind=rule_kind,
        rule_count=rule_count,
        created_by=actor,
    )
    if image is not None:
        badge.image.save(f"{badge.uid}{_suffix(image)}", image, save=False)
    badge.save()
    return badge


def _suffix(image: UploadedFile) -> str:
    return ".png"


def _image_problem(image: UploadedFile) -> str:
    """Return why an upload is not a usable badge image, or "" if it is.

    Only PNG is accepted: Open Badges allows it everywhere, and unlike SVG it
    cannot carry scripts to run on this site.
    """
    from PIL import Image, UnidentifiedImageError

    if image.size is not None and image.size > 1_000_000:
        return "Use an image under 1 MB."
    try:
        with Image.open(image) as opened:
            kind, size = opened.format, opened.size
    except (UnidentifiedImageError, OSError, ValueError):
        return "Use a PNG image."
    finally:
        image.seek(0)
    if kind != "PNG":
        return "Use a PNG image."
    if max(size) > 2000:
        return "Use an image at most 2,000 pixels wide and high."
    return ""


def revoke_badge(actor: User, award: BadgeAward, *, reason: str) -> BadgeAward:
    """Revoke an award; verification then reports it revoked with the reason."""
    if not policy.can(actor, Action.AWARD_BADGES, award.community):
        raise PermissionDenied("Only the community's instructors can revoke badges.")
    return mark_revoked(award, reason=reason)
