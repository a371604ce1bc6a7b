"""Template helpers that ask the policy (from the cached snapshot, no query)."""

from __future__ import annotations

from typing import Any

from django import template

from studyhall import policy
from studyhall.policy import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_access(context: dict[str, Any], community: Any) -> dict[str, bool]:
    """Return which moderation pages of the community the viewer may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "queue": policy.can(user, Action.MODERATE, community),
        "owner": policy.can(user, Action.VIEW_AUDIT_LOG, community),
    }


@register.inclusion_tag("moderation/_blackout_notice.html")
def blackout_notice(community: Any) -> dict[str, Any]:
    """Show why posting is closed now, if an owner scheduled a blackout."""
    from studyhall.moderation.selectors import blackout_notices

    return {"blackouts": blackout_notices(community)}
