"""Communities, their memberships and categories."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Status

from studyhall import policy
from studyhall.api import present, schemas
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.communities import selectors as community_selectors
from studyhall.communities import services
from studyhall.communities.models import Community, Membership
from studyhall.discussions import selectors
from studyhall.discussions import services as discussion_services
from studyhall.policy import Action

router = Router(tags=["communities"])


@router.get(
    "/communities", response={200: schemas.CommunityList, **ERRORS}, auth=ANYONE
)
def list_communities(
    request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Any:
    """List the communities in the directory: public ones and your own."""
    user = viewer(request)
    communities = policy.listed(user, Community.objects.all()).order_by("name", "pk")
    page = keyset_page(communities, scope="communities", cursor=cursor, limit=limit)
    return {
        "items": [present.community_out(user, c) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/communities", response={201: schemas.CommunityOut, **ERRORS}, auth=SIGNED_IN
)
def create_community(request: HttpRequest, payload: schemas.CommunityIn) -> Any:
    """Create a community; you become its owner."""
    user = viewer(request)
    community = services.create_community(
        user,
        name=payload.name,
        description=payload.description,
        kind=payload.kind,
        visibility=payload.visibility,
        joining=payload.joining,
        anonymity=payload.anonymity,
    )
    return Status(201, present.community_out(user, community))


@router.get(
    "/communities/{slug}", response={200: schemas.CommunityOut, **ERRORS}, auth=ANYONE
)
def get_community(request: HttpRequest, slug: str) -> Any:
    """Show one community."""
    user = viewer(request)
    return present.community_out(user, selectors.visible_community(user, slug))


# --- memberships ------------------------------------------------------------------


@router.get(
    "/communities/{slug}/memberships",
    response={200: schemas.MembershipList, **ERRORS},
    auth=ANYONE,
)
def list_memberships(
    request: HttpRequest,
    slug: str,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """List the members, oldest first; only members may. Owners also see requests."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    memberships = community_selectors.members_for(user, community)
    page = keyset_page(
        memberships.order_by("pk"), scope="memberships", cursor=cursor, limit=limit
    )
    return {
        "items": [present.membership_out(m) for m in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/communities/{slug}/memberships",
    response={200: schemas.MembershipOut, 201: schemas.MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def join_community(
    request: HttpRequest, slug: str, payload: schemas.JoinIn | None = None
) -> Any:
    """Join the community, or ask to join it; 200 if you already belong or asked."""
    user = viewer(request)
    invite_token = payload.invite_token if payload is not None else ""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    if not policy.can(user, Action.VIEW, community) and not invite_token:
        raise Http404
    already = community.pk in policy.snapshot(user).roles or policy.is_pending(
        user, community
    )
    try:
        membership = services.join_community(
            user,
            community,
            invite_token=invite_token,
            accept_guidelines=payload is not None and payload.accept_guidelines,
        )
    except PermissionDenied:
        # A wrong invite token for a community you cannot see reveals nothing.
        if not policy.can(user, Action.VIEW, community):
            raise Http404 from None
        raise
    membership.user = user
    return Status(200 if already else 201, present.membership_out(membership))


@router.delete(
    "/communities/{slug}/memberships/me", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def leave_community(request: HttpRequest, slug: str) -> Any:
    """Leave the community, or withdraw a request to join."""
    user = viewer(request)
    community = Community.objects.filter(slug=slug).first()
    if community is None or not (
        policy.can(user, Action.VIEW, community) or policy.is_pending(user, community)
    ):
        raise Http404
    services.leave_community(user, community)
    return Status(204, None)


@router.patch(
    "/communities/{slug}/memberships/{membership_id}",
    response={200: schemas.MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def update_membership(
    request: HttpRequest,
    slug: str,
    payload: schemas.MembershipUpdateIn,
    membership_id: Id,
) -> Any:
    """Change a member's role, or approve a request to join (owners only)."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    if payload.role is None and payload.status is None:
        raise ValidationError("Send a new `role`, or `status` set to `active`.")
    membership = None
    if payload.status == Membership.Status.ACTIVE:
        membership = services.approve_member(user, community, membership_id)
    if payload.role is not None:
        membership = services.change_role(
            user, community, membership_id, role=payload.role
        )
    assert membership is not None
    return present.membership_out(membership)


@router.delete(
    "/communities/{slug}/memberships/{membership_id}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
)
def remove_membership(
    request: HttpRequest,
    slug: str,
    membership_id: Id,
) -> Any:
    """Remove a member, or decline a request to join (owners only)."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    services.remove_member(user, community, membership_id)
    return Status(204, None)


# --- categories -------------------------------------------------------------------


@router.get(
    "/communities/{slug}/categories",
    response={200: schemas.CategoryList, **ERRORS},
    auth=ANYONE,
)
def list_categories(request: HttpRequest, slug: str) -> Any:
    """List the community's categories in display order."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    categories = selectors.categories_for(user, community)
    return {"items": [present.category_out(c) for c in categories], "next_cursor": None}


@router.post(
    "/communities/{slug}/categories",
    response={201: schemas.CategoryOut, **ERRORS},
    auth=SIGNED_IN,
)
def create_category(
    request: HttpRequest, slug: str, payload: schemas.CategoryIn
) -> Any:
    """Add a category (owners and instructors)."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    category = discussion_services.create_category(
        user,
        community,
        name=payload.name,
        description=payload.description,
        anonymity=payload.anonymity,
    )
    return Status(201, present.category_out(category))
