"""Keep the list of signed-in sessions current, and send owners and moderators
without two-factor authentication to set it up.

Costs no query on most requests: the session remembers when the session list
was last refreshed and that two-factor is in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from studyhall import policy
from studyhall.security import services

SEEN_KEY = "_security_seen_at"
OK_KEY = "_two_factor_ok"
SEEN_EVERY_SECONDS = 300
# Pages a person who must set up two-factor may still open.
SETUP_PATHS = ("/security/", "/accounts/logout/", "/static/", "/api/")


def remember_session(request: HttpRequest, user: Any) -> None:
    """Record or refresh the request's session in the person's list."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key or ""
    services.record_session(user, key, request.headers.get("User-Agent", ""))
    request.session[SEEN_KEY] = timezone.now().timestamp()


class SessionsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            seen = request.session.get(SEEN_KEY, 0)
            if timezone.now().timestamp() - seen > SEEN_EVERY_SECONDS:
                remember_session(request, user)
            if self._must_set_up_two_factor(request):
                return redirect(reverse("security:two-factor"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_two_factor(request: HttpRequest) -> bool:
        if not settings.TWO_FACTOR_REQUIRED_FOR_STAFF:
            return False
        if request.path.startswith(SETUP_PATHS) or request.session.get(OK_KEY):
            return False
        if not policy.requires_two_factor(request.user):
            return False
        if services.has_two_factor(request.user):  # type: ignore[arg-type]
            # Set up in another session: remember it for this one.
            request.session[OK_KEY] = True
            return False
        return True
