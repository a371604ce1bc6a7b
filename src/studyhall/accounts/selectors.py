"""Reads for accounts, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from studyhall import policy
from studyhall.accounts.models import User
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
