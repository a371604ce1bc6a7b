"""Template helpers that ask the policy (from the cached snapshot, no query)."""

from __future__ import annotations

from typing import Any

from django import template

from studyhall import policy
from studyhall.policy import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def analytics_access(context: dict[str, Any], community: Any) -> bool:
    """Return whether the viewer may open the community's analytics."""
    request = context.get("request")
    return policy.can(getattr(request, "user", None), Action.VIEW_ANALYTICS, community)
