"""Reads for communities, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from studyhall import policy
from studyhall.communities.models import Community, Membership
from studyhall.core.pagination import Page, paginate
from studyhall.policy import Action


def community_directory(user: Any) -> QuerySet[Community]:
    """Return the communities listed for the person: public ones and their own."""
    return policy.listed(user, Community.objects.all()).order_by("name")


def members_for(user: Any, community: Community) -> QuerySet[Membership]:
    """Return the community's memberships the person may see, people loaded.

    Members see active members; owners also see requests to join. Raises
    PermissionDenied for anyone else.
    """
    if not policy.can(user, Action.VIEW_MEMBERS, community):
        raise PermissionDenied("Only members can see who belongs to this community.")
    members = Membership.objects.filter(community=community).select_related("user")
    if not policy.can(user, Action.MANAGE_MEMBERS, community):
        members = members.filter(status=Membership.Status.ACTIVE)
    return members


def members_page(user: Any, community: Community, *, page: int) -> Page[Membership]:
    """Return one page of the members the person may see, requests first."""
    members = members_for(user, community).order_by(
        "status", "role", "user__display_name", "pk"
    )
    return paginate(members, page, 50)
