"""Revocation shared by badge awards and certificates."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from studyhall.core.text import clean_text
from studyhall.recognition.models import Revocable

R = TypeVar("R", bound=Revocable)


def mark_revoked(record: R, *, reason: str) -> R:
    """Revoke an award or certificate with a reason; a second call changes nothing.

    Callers check the policy first. Verification shows the reason, so one is
    required.
    """
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason; verification shows it."})
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.revocation_reason = reason[:200]
        record.save(update_fields=["revoked_at", "revocation_reason"])
    return record
