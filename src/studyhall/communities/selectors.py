"""Reads for communities, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from studyhall import policy
from studyhall.communities.models import Community, Membership
from studyhall.core.pagination import Page, paginate


def community_directory(user: Any) -> QuerySet[Community]:
    """Return the communities listed for the person: public ones and their own."""
    return policy.listed(user, Community.objects.all()).order_by("name")


def members_page(
    community: Community, *, page: int, include_pending: bool
) -> Page[Membership]:
    """Return one page of a community's members with their people loaded."""
    members = Membership.objects.filter(community=community).select_related("user")
    if not include_pending:
        members = members.filter(status=Membership.Status.ACTIVE)
    members = members.order_by("status", "role", "user__display_name", "pk")
    return paginate(members, page, 50)
