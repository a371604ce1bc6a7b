"""One JSON error shape for the whole API, and the handlers that produce it.

Every failure answers with

    {"error": {"code": "...", "message": "...", "fields": {...}}}

where `fields` appears only for validation errors and maps a field name to
its messages. Services raise Django's ValidationError, PermissionDenied and
Http404 and studyhall's DomainError; django-ninja raises its own validation,
authentication and HTTP errors. Each is mapped here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from studyhall.core.errors import DomainError, RateLimited

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# Invalid content in an understood request (a title too long, a missing field).
VALIDATION_STATUS = 422
# A domain rule refused the change (the last owner leaving, say).
DOMAIN_STATUS = 409
# Domain codes that mean "no such thing" and so answer like any unknown id.
NOT_FOUND_DOMAIN_CODES = frozenset({"no_member"})

NOT_FOUND_MESSAGE = "Nothing here. It may not exist, or you may not have access to it."

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "throttled",
}


class ApiError(Exception):
    """An error raised by the API layer itself, with its status and stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class BadCursor(ApiError):
    status = 400
    code = "bad_cursor"


class InvalidToken(AuthenticationError):
    """The request carried an Authorization header that names no active token."""

    def __init__(self) -> None:
        super().__init__(
            401,
            "The access token is invalid or has been revoked. "
            "Send `Authorization: Bearer sh_…` with an active token.",
        )


class CsrfFailed(HttpError):
    """A session-authenticated unsafe request came without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            403,
            "CSRF check failed. Send the csrftoken cookie's value in the "
            "X-CSRFToken header, or authenticate with an access token instead.",
        )


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Return the one error shape."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def _fields_from_django(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # ninja reports ("body", "payload", "title"), ("query", "limit") or
    # ("path", "thread_id"); clients know fields by their own names.
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _fields_from_request(exc: RequestValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(
            str(error.get("msg", "Invalid value."))
        )
    return fields


def _summary(fields: dict[str, list[str]]) -> str:
    messages = [message for items in fields.values() for message in items]
    if len(messages) == 1:
        return messages[0]
    return "Some fields need attention; see `fields`."


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every exception the API can meet to the one JSON error shape."""

    def respond(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
    ) -> HttpResponse:
        return api.create_response(
            request, error_body(code, message, fields), status=status
        )

    def on_django_validation(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        fields = _fields_from_django(exc)
        return respond(
            request, VALIDATION_STATUS, "validation_error", _summary(fields), fields
        )

    def on_request_validation(
        request: HttpRequest, exc: RequestValidationError
    ) -> HttpResponse:
        # A malformed id in the path ("/threads/abc") names nothing: answer as
        # for an unknown id, like the pages do.
        if exc.errors and all(
            tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors
        ):
            return respond(request, 404, "not_found", NOT_FOUND_MESSAGE)
        fields = _fields_from_request(exc)
        return respond(
            request, VALIDATION_STATUS, "validation_error", _summary(fields), fields
        )

    def on_permission_denied(
        request: HttpRequest, exc: PermissionDenied
    ) -> HttpResponse:
        message = str(exc) or "You are not allowed to do this."
        return respond(request, 403, "permission_denied", message)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The same message whether the thing is missing or private, so a
        # refusal never reveals that something exists.
        return respond(request, 404, "not_found", NOT_FOUND_MESSAGE)

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if exc.code in NOT_FOUND_DOMAIN_CODES:
            return respond(request, 404, "not_found", exc.message)
        if isinstance(exc, RateLimited):
            response = respond(request, 429, exc.code, exc.message)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return respond(request, DOMAIN_STATUS, exc.code, exc.message)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message)

    def on_authentication(
        request: HttpRequest, exc: AuthenticationError
    ) -> HttpResponse:
        if isinstance(exc, InvalidToken):
            return respond(request, 401, "invalid_token", exc.message)
        return respond(
            request,
            401,
            "not_authenticated",
            "Sign in, or send `Authorization: Bearer sh_…` with a personal "
            "access token.",
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, CsrfFailed):
            return respond(request, 403, "csrf_failed", exc.message)
        code = HTTP_CODES.get(exc.status_code, "error")
        return respond(request, exc.status_code, code, exc.message)

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, "payload_too_large", "The request is too large.")

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, "bad_request", "The request was malformed.")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return respond(
            request, 500, "server_error", "Something went wrong on our side."
        )

    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        Exception: on_unexpected,
        DjangoValidationError: on_django_validation,
        RequestValidationError: on_request_validation,
        PermissionDenied: on_permission_denied,
        Http404: on_not_found,
        ObjectDoesNotExist: on_not_found,
        DomainError: on_domain_error,
        ApiError: on_api_error,
        HttpError: on_http_error,
        AuthenticationError: on_authentication,
        RequestDataTooBig: on_too_big,
        SuspiciousOperation: on_suspicious,
    }
    for exception_class, handler in handlers.items():
        api.add_exception_handler(exception_class, handler)
