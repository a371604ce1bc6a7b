"""Writes for communities: create, join, leave, approve and manage roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership, Role, new_invite_token
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.policy import Action


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "community"
    slug = base
    n = 1
    while Community.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_community(
    creator: User,
    *,
    name: str,
    description: str = "",
    kind: str = Community.Kind.SUPPORT,
    visibility: str = Community.Visibility.PRIVATE,
    joining: str = Community.Joining.OPEN,
    anonymity: str = Community.Anonymity.NAMED,
) -> Community:
    """Create a community with its creator as owner and a default category."""
    if not policy.can(creator, Action.CREATE_COMMUNITY):
        raise PermissionDenied("Only site administrators can create communities.")
    name, description = clean_text(name).strip(), clean_text(description).strip()
    community = Community(
        name=name,
        slug=_unique_slug(name),
        description=description,
        kind=kind,
        visibility=visibility,
        joining=joining,
        anonymity=anonymity,
    )
    community.full_clean()
    with transaction.atomic():
        community.save()
        Membership.objects.create(community=community, user=creator, role=Role.OWNER)
        community.member_count = 1
        community.save(update_fields=["member_count"])
        from studyhall.discussions.models import Category

        Category.objects.create(community=community, name="General", slug="general")
    policy.forget(creator)
    return community


# What each analytics setting is called in the audit log.
ANALYTICS_SETTINGS = {
    "analytics_show_names": "learners named",
    "analytics_include_chat": "chat counted",
    "analytics_min_group": "smallest group",
    "analytics_moderators": "moderators see analytics",
    "analytics_mentors": "mentors see analytics",
}
TEXT_SETTINGS = ("name", "description", "kind", "visibility", "joining", "anonymity")


def update_community(actor: User, community: Community, **fields: Any) -> Community:
    """Change a community's settings; only its owners may. A change to what
    analytics show is recorded in the community's audit log, old and new."""
    if not policy.can(actor, Action.EDIT_COMMUNITY, community):
        raise PermissionDenied("Only the community's owners can change its settings.")
    for name in TEXT_SETTINGS:
        if name in fields:
            setattr(community, name, clean_text(fields[name]).strip())
    changes = []
    for name, label in ANALYTICS_SETTINGS.items():
        if name in fields and fields[name] != getattr(community, name):
            old, new = getattr(community, name), fields[name]
            changes.append(f"{label} {_setting_text(old)} → {_setting_text(new)}")
            setattr(community, name, new)
    community.full_clean()
    with transaction.atomic():
        community.save()
        if changes:
            from studyhall.moderation.models import AuditEntry

            AuditEntry.objects.create(
                community=community,
                actor=actor,
                kind=AuditEntry.Kind.SETTINGS,
                reason="Analytics settings: " + "; ".join(changes) + ".",
            )
    return community


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def has_guidelines(community: Community) -> bool:
    """Return whether the community's owners wrote guidelines to accept on joining."""
    from studyhall.moderation.models import ModerationSettings

    return (
        ModerationSettings.objects.filter(community=community)
        .exclude(guidelines="")
        .exists()
    )


def join_community(
    user: User,
    community: Community,
    *,
    invite_token: str = "",
    accept_guidelines: bool = False,
) -> Membership:
    """Join, or ask to join, a community as a student.

    An invite link joins any community; otherwise open communities join at once
    and approval communities create a pending request. When the owners wrote
    guidelines, joining needs `accept_guidelines`.
    """
    has_invite = bool(invite_token) and invite_token == community.invite_token
    if not user.is_authenticated or user.email_verified_at is None:
        raise PermissionDenied("Verify your email address before joining a community.")
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None:
        return existing
    if not has_invite and not policy.can(user, Action.JOIN, community):
        raise PermissionDenied("This community can only be joined with an invite link.")
    needs_guidelines = has_guidelines(community)
    if needs_guidelines and not accept_guidelines:
        raise ValidationError(
            {"accept_guidelines": "Accept the community guidelines to join."}
        )
    status = Membership.Status.ACTIVE
    if community.joining == Community.Joining.APPROVAL and not has_invite:
        status = Membership.Status.PENDING
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community,
                user=user,
                role=Role.STUDENT,
                status=status,
                guidelines_accepted_at=timezone.now() if needs_guidelines else None,
            )
            if status == Membership.Status.ACTIVE:
                Community.objects.filter(pk=community.pk).update(
                    member_count=F("member_count") + 1
                )
    except IntegrityError:
        # A second click of "Join" raced the first: the first one counts.
        return Membership.objects.get(community=community, user=user)
    policy.forget(user)
    return membership


def leave_community(user: User, community: Community) -> None:
    """Leave a community; the last owner cannot leave."""
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise DomainError("You are not a member of this community.", code="not_member")
    if membership.banned_at is not None or (
        membership.suspended_until is not None
        and membership.suspended_until > timezone.now()
    ):
        # Leaving would delete the row that records the restriction.
        raise DomainError(
            "You cannot leave while suspended or banned.", code="restricted"
        )
    if membership.role == Role.OWNER and _owner_count(community) == 1:
        raise DomainError(
            "You are the only owner. Make someone else an owner before leaving.",
            code="last_owner",
        )
    _delete_membership(membership)
    policy.forget(user)


def _delete_membership(membership: Membership) -> None:
    with transaction.atomic():
        # Count down only if this call removed the row (two clicks, one row).
        deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
        if deleted and membership.status == Membership.Status.ACTIVE:
            Community.objects.filter(pk=membership.community_id).update(
                member_count=F("member_count") - 1
            )


def reset_invite_link(actor: User, community: Community) -> Community:
    """Replace the community's invite link, so links already shared stop working."""
    if not policy.can(actor, Action.MANAGE_MEMBERS, community):
        raise PermissionDenied("Only the community's owners can reset the invite link.")
    community.invite_token = new_invite_token()
    community.save(update_fields=["invite_token"])
    return community


def _owner_count(community: Community) -> int:
    return Membership.objects.filter(
        community=community, role=Role.OWNER, status=Membership.Status.ACTIVE
    ).count()


def _managed_membership(
    actor: User, community: Community, membership_id: int
) -> Membership:
    if not policy.can(actor, Action.MANAGE_MEMBERS, community):
        raise PermissionDenied("Only the community's owners can manage members.")
    try:
        return Membership.objects.select_related("user").get(
            pk=membership_id, community=community
        )
    except Membership.DoesNotExist as error:
        raise DomainError("That member was not found.", code="no_member") from error


def approve_member(actor: User, community: Community, membership_id: int) -> Membership:
    """Accept a pending request to join."""
    membership = _managed_membership(actor, community, membership_id)
    with transaction.atomic():
        # Only the approval that flips the status counts the new member.
        approved = Membership.objects.filter(
            pk=membership.pk, status=Membership.Status.PENDING
        ).update(status=Membership.Status.ACTIVE)
        if approved:
            Community.objects.filter(pk=community.pk).update(
                member_count=F("member_count") + 1
            )
    membership.status = Membership.Status.ACTIVE
    return membership


def change_role(
    actor: User, community: Community, membership_id: int, *, role: str
) -> Membership:
    """Give a member another role; a community always keeps one owner."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the listed roles."})
    membership = _managed_membership(actor, community, membership_id)
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _owner_count(community) == 1
    ):
        raise DomainError(
            "A community needs at least one owner. Make someone else an owner first.",
            code="last_owner",
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def remove_member(actor: User, community: Community, membership_id: int) -> None:
    """Remove a member, or decline a pending request."""
    membership = _managed_membership(actor, community, membership_id)
    if membership.role == Role.OWNER and _owner_count(community) == 1:
        raise DomainError("The last owner cannot be removed.", code="last_owner")
    _delete_membership(membership)
