"""Helpers that turn service errors into form errors, keeping what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from studyhall.accounts.models import User
from studyhall.core.errors import DomainError, RateLimited


def add_service_errors(form: forms.Form, error: ValidationError | DomainError) -> None:
    """Attach a service's errors to the form's fields (or to the form as a whole)."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            # A hidden field shows no errors of its own: say it for the form.
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, messages)
    else:
        form.add_error(None, error.messages)


def error_status(response: HttpResponse, error: Exception | None) -> HttpResponse:
    """Answer a refused form 429 with Retry-After when a rate limit refused it."""
    if isinstance(error, RateLimited):
        response.status_code = 429
        response["Retry-After"] = str(error.retry_after)
    return response


class AuthedRequest(HttpRequest):
    """A request whose person is signed in (views behind login_required)."""

    user: User
