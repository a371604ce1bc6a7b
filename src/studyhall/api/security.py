"""Who is calling: a personal access token, the login session, or nobody.

The order matters. A request with an `Authorization` header is judged by its
token alone, so a bad or revoked token is refused (401) rather than quietly
read as anonymous. Without one, the login session is used, and unsafe
methods must carry the CSRF token. Reads that the policy may allow to
anyone add `AnonymousAccess` last; writes leave it out and answer 401.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from studyhall.accounts.services import TOKEN_PREFIX, user_for_token
from studyhall.api.errors import CsrfFailed, InvalidToken


class AccessTokenAuth(HttpBearer):
    """`Authorization: Bearer sh_…`, checked with accounts.services.user_for_token."""

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get("Authorization")
        if value is None:
            return None
        scheme, _, secret = value.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise InvalidToken()
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            raise InvalidToken()
        user = user_for_token(token)
        if user is None:
            raise InvalidToken()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The login session, with Django's CSRF check on unsafe methods."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a signed-in session needs CSRF protection; a request with no
        # session falls through to 401 (writes) or anonymous (reads).
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


class AnonymousAccess(AuthBase):
    """Let a read through without credentials; the policy decides what it shows.

    Listed as an empty security requirement in the OpenAPI document.
    """

    openapi_type = "http"
    openapi_scheme = "none"

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


access_token = AccessTokenAuth()
session = SessionAuth()
anonymous = AnonymousAccess()

# Writes: a token or a session. Reads: the same, else anonymous.
SIGNED_IN = [access_token, session]
ANYONE = [access_token, session, anonymous]


def viewer(request: HttpRequest) -> Any:
    """Return the person making the request (AnonymousUser when nobody signed in)."""
    return getattr(request, "auth", None) or AnonymousUser()
