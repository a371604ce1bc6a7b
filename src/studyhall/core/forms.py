"""Helpers that turn service errors into form errors, keeping what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from studyhall.core.errors import DomainError


def add_service_errors(form: forms.Form, error: ValidationError | DomainError) -> None:
    """Attach a service's errors to the form's fields (or to the form as a whole)."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    mark_invalid(form)


def mark_invalid(form: forms.Form) -> forms.Form:
    """Mark fields with errors as aria-invalid and point them at their messages."""
    for name, field in form.fields.items():
        if name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"
            described = field.widget.attrs.get("aria-describedby", "")
            ids = {*described.split(), f"{name}-errors"}
            field.widget.attrs["aria-describedby"] = " ".join(sorted(ids))
    return form
