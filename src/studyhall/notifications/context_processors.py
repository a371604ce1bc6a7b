from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def bell(request: HttpRequest) -> dict[str, object]:
    """Expose the unread notification count to every page.

    Lazy, so a page that does not show it costs nothing; evaluated once per
    request (one query) however often the template reads it.
    """
    from studyhall.notifications.selectors import unread_count

    user = getattr(request, "user", None)
    return {"notification_count": SimpleLazyObject(lambda: unread_count(user))}
