"""Reads for accounts, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from studyhall import policy
from studyhall.accounts.models import Block, User
from studyhall.communities.models import Community, Membership


def shared_memberships(viewer: Any, person: User) -> QuerySet[Membership]:
    """Return the person's memberships in communities the viewer may see and list.

    `visible` keeps private communities to their members; `listed` also keeps
    unlisted ones out, as naming them here would hand out their link.
    """
    communities = policy.visible(viewer, policy.listed(viewer, Community.objects.all()))
    return (
        Membership.objects.filter(
            user=person,
            status=Membership.Status.ACTIVE,
            community__in=communities,
        )
        .select_related("community")
        .order_by("community__name")
    )


def has_blocked(blocker: Any, blocked: Any) -> bool:
    """Return whether `blocker` has blocked `blocked` (False for visitors)."""
    if not getattr(blocker, "pk", None) or not getattr(blocked, "pk", None):
        return False
    return Block.objects.filter(blocker_id=blocker.pk, blocked_id=blocked.pk).exists()


def either_blocked(a: Any, b: Any) -> bool:
    """Return whether either person has blocked the other."""
    if not getattr(a, "pk", None) or not getattr(b, "pk", None):
        return False
    return Block.objects.filter(
        Q(blocker_id=a.pk, blocked_id=b.pk) | Q(blocker_id=b.pk, blocked_id=a.pk)
    ).exists()


def blocked_ids(user: Any) -> set[int]:
    """Return the ids of the people this person has blocked."""
    if not getattr(user, "pk", None):
        return set()
    return set(
        Block.objects.filter(blocker_id=user.pk).values_list("blocked_id", flat=True)
    )


def blocker_ids(user: Any) -> set[int]:
    """Return the ids of the people who have blocked this person."""
    if not getattr(user, "pk", None):
        return set()
    return set(
        Block.objects.filter(blocked_id=user.pk).values_list("blocker_id", flat=True)
    )
