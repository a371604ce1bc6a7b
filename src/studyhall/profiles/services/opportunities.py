"""The opportunities board of a community."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core.markdown import render_markdown
from studyhall.core.text import clean_text
from studyhall.policy import Action
from studyhall.profiles.models import Bookmark, Opportunity
from studyhall.profiles.services.profile import _clean_link, parse_tags


def post_opportunity(
    user: User,
    community: Community,
    *,
    kind: str,
    title: str,
    organisation: str = "",
    description: str = "",
    apply_url: str,
    deadline: date | None,
    tags: str = "",
) -> Opportunity:
    """Post an opportunity to a community's board; needs a mentoring or teaching
    role, or a verified alum, expert or partner distinction."""
    if not policy.can(user, Action.VIEW, community):
        raise Http404("No such community.")
    if not policy.can(user, Action.POST_OPPORTUNITY, community):
        raise PermissionDenied(
            "Only alumni, experts, partners, mentors and instructors can post "
            "opportunities here."
        )
    errors: dict[str, list[str]] = {}
    title = " ".join(clean_text(title or "").split())
    organisation = " ".join(clean_text(organisation or "").split())
    description = clean_text(description or "").strip()
    if not title:
        errors["title"] = ["Give the opportunity a title."]
    elif len(title) > 120:
        errors["title"] = ["Use at most 120 characters."]
    if len(organisation) > 120:
        errors["organisation"] = ["Use at most 120 characters."]
    if len(description) > 5000:
        errors["description"] = ["Use at most 5,000 characters."]
    if kind not in Opportunity.Kind.values:
        errors["kind"] = ["Choose a kind of opportunity."]
    if deadline is None:
        errors["deadline"] = ["Give the last day to apply."]
    elif deadline < timezone.localdate():
        errors["deadline"] = ["The deadline has already passed."]
    tag_list: list[str] = []
    try:
        apply_url = _clean_link(apply_url, "apply_url", None)
        if not apply_url:
            errors["apply_url"] = ["Give the address where people apply."]
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        tag_list = parse_tags(tags, field="tags")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    keys = "|".join(tag.casefold() for tag in tag_list)
    return Opportunity.objects.create(
        community=community,
        posted_by=user,
        kind=kind,
        title=title,
        organisation=organisation,
        description=description,
        description_html=render_markdown(description) if description else "",
        apply_url=apply_url,
        deadline=deadline,
        tags=f"|{keys}|" if keys else "",
    )


def delete_opportunity(user: User, opportunity: Opportunity) -> None:
    """Remove an opportunity; its poster and the community's moderators may."""
    if not policy.can(user, Action.VIEW, opportunity):
        raise Http404("No such opportunity.")
    if not policy.can(user, Action.DELETE, opportunity):
        raise PermissionDenied("Only the poster or a moderator can remove this.")
    opportunity.delete()


def toggle_bookmark(user: User, opportunity: Opportunity) -> bool:
    """Bookmark an opportunity, or remove the bookmark; return whether it is kept."""
    if not policy.can(user, Action.VIEW, opportunity):
        raise Http404("No such opportunity.")
    if not policy.can(user, Action.BOOKMARK, opportunity):
        raise PermissionDenied("Join this community to bookmark its opportunities.")
    deleted, _ = Bookmark.objects.filter(user=user, opportunity=opportunity).delete()
    if deleted:
        return False
    Bookmark.objects.create(user=user, opportunity=opportunity)
    return True
