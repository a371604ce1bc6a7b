"""Writes for two-factor authentication and signed-in sessions."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.security import totp
from studyhall.security.models import ActiveSession, TwoFactor

RECOVERY_CODE_COUNT = 10


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def start_two_factor(user: User) -> TwoFactor:
    """Return the person's TOTP secret, creating an unconfirmed one if none exists."""
    found, _ = TwoFactor.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret()}
    )
    return found


def confirm_two_factor(user: User, *, code: str) -> list[str]:
    """Turn two-factor on after a first correct code; return the recovery codes,
    shown once."""
    found = TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()
    if found is None:
        raise ValidationError({"code": "Start setting up two-factor first."})
    step = totp.matching_step(found.secret, code)
    if step is None:
        raise ValidationError(
            {"code": "That code does not match. Check your device's clock."}
        )
    codes = [
        f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    found.confirmed_at = timezone.now()
    found.last_step = step
    found.recovery_hashes = [_hash(c) for c in codes]
    found.save()
    return codes


def disable_two_factor(user: User, *, code: str) -> None:
    """Turn two-factor off with a current code or a recovery code, unless the
    person's role requires it."""
    from studyhall import policy

    if policy.requires_two_factor(user):
        raise ValidationError(
            {"code": "Owners and moderators must keep two-factor authentication on."}
        )
    if not check_code(user, code):
        raise ValidationError({"code": "That code does not match."})
    TwoFactor.objects.filter(user=user).delete()


def check_code(user: User, code: str) -> bool:
    """Return whether a TOTP or unused recovery code is right, spending it."""
    with transaction.atomic():
        found = (
            TwoFactor.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if found is None:
            return False
        step = totp.matching_step(found.secret, code)
        if step is not None and step > found.last_step:
            found.last_step = step
            found.save(update_fields=["last_step"])
            return True
        hashed = _hash(code)
        if hashed in found.recovery_hashes:
            found.recovery_hashes = [h for h in found.recovery_hashes if h != hashed]
            found.save(update_fields=["recovery_hashes"])
            return True
    return False


def has_two_factor(user: User) -> bool:
    """Return whether the person has two-factor authentication turned on."""
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


# --- sessions ---------------------------------------------------------------------


def record_session(user: User, session_key: str, user_agent: str) -> None:
    """Note (or refresh) a signed-in session; idempotent."""
    ActiveSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "user_agent": user_agent[:300],
            "last_seen_at": timezone.now(),
        },
    )


def end_session(user: User, session_id: int) -> None:
    """Sign one of the person's sessions out."""
    found = ActiveSession.objects.filter(user=user, pk=session_id).first()
    if found is None:
        raise ValidationError({"session": "No such session."})
    Session.objects.filter(session_key=found.session_key).delete()
    found.delete()


def log_out_everywhere(user: User, *, keep: str | None = None) -> int:
    """Sign the person out of every session but `keep`; return how many ended."""
    sessions = ActiveSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    keys = list(sessions.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        sessions.delete()
    return len(keys)


def forget_stale_sessions() -> int:
    """Drop records of sessions that no longer exist or have expired."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    deleted, _ = ActiveSession.objects.exclude(session_key__in=live).delete()
    return deleted
