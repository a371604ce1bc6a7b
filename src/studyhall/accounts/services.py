"""Writes for accounts: sign-up, email verification, throttled login, tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import AccessToken, LoginFailure, User
from studyhall.core.errors import DomainError

VERIFY_SALT = "studyhall.accounts.verify"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3
TOKEN_PREFIX = "sh_"


def _free_handle(base: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]", "", base)[:24] or "member"
    handle = stem
    n = 1
    while User.objects.filter(handle__iexact=handle).exists():
        n += 1
        handle = f"{stem}{n}"
    return handle


def sign_up(*, email: str, password: str, display_name: str) -> User | None:
    """Create an unverified account and mail a verification link.

    When the address already has an account, send that person a notice instead
    and return None, so the page answers the same either way.
    """
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _mail(existing, "accounts/email/already_registered", {})
        return None
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name.strip(),
            handle=_free_handle(email.split("@")[0]),
        )
    send_verification(user)
    return user


def verification_token(user: User) -> str:
    """Return a signed token that verifies the person's current email address."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification(user: User) -> None:
    """Mail the person a link that verifies their email address."""
    url = settings.SITE_URL + reverse(
        "accounts:verify", kwargs={"token": verification_token(user)}
    )
    _mail(user, "accounts/email/verify", {"url": url})


def verify_email(token: str) -> User:
    """Mark the address in the token verified; raise DomainError if it is bad or old."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as error:
        raise DomainError(
            "This verification link is invalid or has expired. "
            "Sign in to have a new one sent.",
            code="bad_verification_link",
        ) from error
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise DomainError(
            "This verification link is invalid or has expired.",
            code="bad_verification_link",
        )
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def _mail(user: User, template: str, context: dict[str, object]) -> None:
    context = {"user": user, "site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])


class LoginThrottled(DomainError):
    pass


def _window_start() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def check_login_allowed(email: str, address: str | None) -> None:
    """Raise LoginThrottled when the account or the address failed too often lately."""
    since = _window_start()
    recent = LoginFailure.objects.filter(created_at__gte=since)
    email = email.strip().lower()
    if recent.filter(email=email).count() >= settings.LOGIN_FAILURES_PER_ACCOUNT or (
        address
        and recent.filter(address=address).count()
        >= settings.LOGIN_FAILURES_PER_ADDRESS
    ):
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise LoginThrottled(
            "Too many failed sign-in attempts. For your safety, signing in is "
            f"paused for up to {minutes} minutes. You can reset your password "
            "meanwhile.",
            code="login_throttled",
        )


def log_in(*, email: str, password: str, address: str | None) -> User | None:
    """Return the person whose email and password match, recording failures.

    Raises LoginThrottled before checking the password when too many recent
    attempts failed, for the account or for the address.
    """
    check_login_allowed(email, address)
    user = authenticate(email=email.strip().lower(), password=password)
    if user is None:
        LoginFailure.objects.create(email=email.strip().lower(), address=address)
        return None
    LoginFailure.objects.filter(email=user.email).delete()
    return user  # type: ignore[return-value]


def purge_login_failures() -> int:
    """Delete failure records older than the window; return how many went."""
    deleted, _ = LoginFailure.objects.filter(created_at__lt=_window_start()).delete()
    return deleted


def create_access_token(user: User, *, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token; return it and the secret, shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the script using it."})
    if len(name) > 80:
        raise ValidationError({"name": "Use at most 80 characters."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, prefix=secret[:10], digest=digest(secret)
    )
    return token, secret


def digest(secret: str) -> str:
    """Return the stored form of a token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def revoke_access_token(user: User, token_id: int) -> None:
    """Revoke one of the person's tokens; unknown ids raise AccessToken.DoesNotExist."""
    token = AccessToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_token(secret: str) -> User | None:
    """Return the active person owning an unrevoked token, marking it used."""
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
