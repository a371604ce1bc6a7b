"""Alum, expert and partner distinctions: claimed by a member, granted or verified
by owners."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership, Role
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.policy import Action
from studyhall.profiles.models import Distinction
from studyhall.realtime.services import publish

NOTE_MAX_LENGTH = 300


def _clean(kind: str, note: str, *, note_required: bool) -> str:
    errors: dict[str, list[str]] = {}
    if kind not in Distinction.Kind.values:
        errors["kind"] = ["Choose alum, expert or partner."]
    note = " ".join(clean_text(note or "").split())
    if note_required and not note:
        errors["note"] = [
            "Say what makes you one, such as your class year, your field or "
            "the organisation you represent."
        ]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"Use at most {NOTE_MAX_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    return note


def _forget(person: User) -> None:
    # The person's snapshot caches where they are distinguished.
    policy.forget(person)


def claim_distinction(
    user: User, community: Community, *, kind: str, note: str
) -> Distinction:
    """Claim to be an alum, expert or partner of a community the person is a member
    of.

    The claim waits for an owner's verification; an owner's own claim is
    verified at once. A rejected claim may be made again with a new note.
    """
    if not policy.can(user, Action.CLAIM_DISTINCTION, community):
        raise PermissionDenied("Join this community first.")
    note = _clean(kind, note, note_required=True)
    grants = policy.can(user, Action.GRANT_DISTINCTION, community)
    with transaction.atomic():
        found = (
            Distinction.objects.select_for_update()
            .filter(user=user, community=community, kind=kind)
            .first()
        )
        if found is not None and found.status != Distinction.Status.REJECTED:
            raise DomainError(
                "You are already verified as that here."
                if found.is_verified
                else "Your claim is waiting for an owner to verify it.",
                code="claimed",
            )
        found = found or Distinction(user=user, community=community, kind=kind)
        found.note = note
        found.created_at = timezone.now()
        found.status = (
            Distinction.Status.VERIFIED if grants else Distinction.Status.CLAIMED
        )
        found.decided_by = user if grants else None
        found.decided_at = timezone.now() if grants else None
        found.save()
        if not grants:
            # For notifications to tell each owner there is a claim to verify.
            owners = Membership.objects.filter(
                community=community, role=Role.OWNER, status=Membership.Status.ACTIVE
            ).values_list("user_id", flat=True)
            for owner_id in owners:
                publish(
                    f"user.{owner_id}",
                    "distinction.claimed",
                    {"distinction": found.pk, "community": community.pk, "kind": kind},
                    actor=user,
                )
    _forget(user)
    return found


def grant_distinction(
    actor: User, community: Community, person: User, *, kind: str, note: str = ""
) -> Distinction:
    """Mark an active member as an alum, expert or partner (owners); verifies any
    claim."""
    if not policy.can(actor, Action.GRANT_DISTINCTION, community):
        raise PermissionDenied("Only the community's owners can do that.")
    note = _clean(kind, note, note_required=False)
    if not Membership.objects.filter(
        community=community, user=person, status=Membership.Status.ACTIVE
    ).exists():
        raise ValidationError({"handle": "Choose a member of this community."})
    with transaction.atomic():
        found, _ = Distinction.objects.select_for_update().get_or_create(
            user=person, community=community, kind=kind
        )
        return _decide(actor, found, verify=True, note=note or found.note)


def decide_distinction(actor: User, found: Distinction, *, verify: bool) -> Distinction:
    """Verify or reject a waiting claim (owners of its community)."""
    with transaction.atomic():
        locked = Distinction.objects.select_for_update().filter(pk=found.pk).first()
        if locked is None or not policy.can(actor, Action.VIEW, locked):
            raise Http404("No such claim.")
        if not policy.can(actor, Action.GRANT_DISTINCTION, locked):
            raise PermissionDenied("Only the community's owners can do that.")
        if locked.status != Distinction.Status.CLAIMED:
            raise DomainError("This claim was already decided.", code="decided")
        return _decide(actor, locked, verify=verify, note=locked.note)


def _decide(actor: User, found: Distinction, *, verify: bool, note: str) -> Distinction:
    found.status = (
        Distinction.Status.VERIFIED if verify else Distinction.Status.REJECTED
    )
    found.note = note
    found.decided_by = actor
    found.decided_at = timezone.now()
    found.save()
    # For notifications to tell the person; only ids and the outcome.
    publish(
        f"user.{found.user_id}",
        "distinction.decided",
        {"distinction": found.pk, "status": found.status, "kind": found.kind},
        actor=actor,
    )
    return found


def remove_distinction(actor: User, found: Distinction) -> None:
    """Withdraw one's own claim or distinction, or remove one as an owner."""
    if not policy.can(actor, Action.VIEW, found):
        raise Http404("No such distinction.")
    if not policy.can(actor, Action.DELETE, found):
        raise PermissionDenied("Only the person or the community's owners can.")
    Distinction.objects.filter(pk=found.pk).delete()
    _forget(actor)
