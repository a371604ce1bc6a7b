"""Writes for accounts: sign-up, verification, throttled login, profile, tokens."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import (
    AccessToken,
    Block,
    LoginFailure,
    User,
    handle_validator,
)
from studyhall.core.errors import DomainError, RateLimited

VERIFY_SALT = "studyhall.accounts.verify"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3
RESEND_COOLDOWN_SECONDS = 60
TOKEN_PREFIX = "sh_"  # noqa: S105 (a public marker, not a secret)
DISPLAY_NAME_MAX_LENGTH = 80
EMAIL_MAX_LENGTH = 254
TOKEN_NAME_MAX_LENGTH = 80


# --- sign-up and verification ----------------------------------------------


def _handle_stem(display_name: str) -> str:
    # Derived from the display name, never the email address: a handle is
    # public and must not reveal the address it signs in with.
    ascii_name = (
        unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^A-Za-z0-9_]", "", ascii_name)[:24] or "member"


def _free_handle(display_name: str) -> str:
    stem = _handle_stem(display_name)
    handle = stem
    n = 1
    while User.objects.filter(handle__iexact=handle).exists():
        n += 1
        handle = f"{stem}{n}"
    return handle


def _clean_display_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise ValidationError({"display_name": "Enter the name people will see."})
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            {"display_name": f"Use at most {DISPLAY_NAME_MAX_LENGTH} characters."}
        )
    return name


def _validate_sign_up(email: str, password: str, display_name: str) -> str:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(f"Use at most {EMAIL_MAX_LENGTH} characters.")
    except ValidationError as error:
        errors["email"] = error.messages
    try:
        display_name = _clean_display_name(display_name)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        password_validation.validate_password(
            password, User(email=email, display_name=display_name)
        )
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    return display_name


def _sign_up_key(address: str) -> str:
    return "accounts:signups:" + hashlib.sha256(address.encode()).hexdigest()


def check_sign_up_allowed(address: str | None) -> None:
    """Raise RateLimited when the address made too many sign-ups lately.

    Counted in the cache (Redis in production), by a hash of the address.
    """
    if not address:
        return
    window = settings.SIGNUP_WINDOW_SECONDS
    limit = settings.SIGNUPS_PER_ADDRESS
    now = timezone.now().timestamp()
    stamps = [t for t in cache.get(_sign_up_key(address), []) if t > now - window]
    if len(stamps) < limit:
        return
    wait = max(1, math.ceil(stamps[-limit] + window - now)) if stamps else window
    raise RateLimited(
        "Too many accounts were created from your network lately. Please try "
        f"again in {math.ceil(wait / 60)} minutes.",
        code="signup_throttled",
        retry_after=wait,
    )


def _record_sign_up(address: str | None) -> None:
    if not address:
        return
    window = settings.SIGNUP_WINDOW_SECONDS
    now = timezone.now().timestamp()
    key = _sign_up_key(address)
    stamps = [t for t in cache.get(key, []) if t > now - window]
    cache.set(key, [*stamps, now], window)


def sign_up(
    *, email: str, password: str, display_name: str, address: str | None = None
) -> User | None:
    """Create an unverified account and mail a verification link.

    Raises ValidationError for a malformed address, an empty name or a weak
    password, and RateLimited after too many sign-ups from one network
    address. When the address already has an account, send that person a
    notice instead and return None, so the page answers the same either way.
    """
    check_sign_up_allowed(address)
    email = email.strip().lower()
    display_name = _validate_sign_up(email, password, display_name)
    _record_sign_up(address)
    existing = User.objects.filter(email__iexact=email).first()
    attempts = 3
    while existing is None and attempts:
        attempts -= 1
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    display_name=display_name,
                    handle=_free_handle(display_name),
                )
        except IntegrityError:
            # Another request took the address, or the handle, in the meantime.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None and not attempts:
                raise
        else:
            send_verification(user)
            return user
    assert existing is not None
    # Hash as account creation would, so a taken address costs the same time.
    make_password(password)
    _mail(existing, "accounts/email/already_registered", {})
    return None


def verification_token(user: User) -> str:
    """Return a signed token that verifies the person's current email address."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification(user: User) -> None:
    """Mail the person a link that verifies their email address."""
    url = settings.SITE_URL + reverse(
        "accounts:verify", kwargs={"token": verification_token(user)}
    )
    _mail(user, "accounts/email/verify", {"url": url})


def resend_verification(user: User) -> None:
    """Mail a fresh verification link; refuse when verified or asked too recently."""
    if user.email_verified_at is not None:
        raise DomainError(
            "Your email address is already verified.", code="already_verified"
        )
    # One mail a minute per person keeps the button from flooding an inbox.
    if not cache.add(f"accounts:resend:{user.pk}", 1, RESEND_COOLDOWN_SECONDS):
        raise DomainError(
            "A verification email was sent a moment ago. Check your inbox, "
            "or try again in a minute.",
            code="resend_too_soon",
        )
    send_verification(user)


@dataclass(frozen=True)
class Verification:
    """The outcome of following a verification link."""

    user: User
    is_first_use: bool


BAD_VERIFICATION_LINK = (
    "This verification link is invalid or has expired. Log in to have a new one sent."
)


def verify_email(token: str) -> Verification:
    """Mark the address in the token verified; raise DomainError if it is bad or old.

    `is_first_use` is true only for the one call that verified the address, so a
    link that was already used does not keep working as a way to sign in.
    """
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as error:
        raise DomainError(
            BAD_VERIFICATION_LINK, code="bad_verification_link"
        ) from error
    user_id = data.get("u") if isinstance(data, dict) else None
    email = data.get("e") if isinstance(data, dict) else None
    if not isinstance(user_id, int) or not isinstance(email, str):
        raise DomainError(BAD_VERIFICATION_LINK, code="bad_verification_link")
    user = User.objects.filter(pk=user_id, email=email, is_active=True).first()
    if user is None:
        raise DomainError(BAD_VERIFICATION_LINK, code="bad_verification_link")
    # A conditional update, so two clicks at once cannot both count as first.
    now = timezone.now()
    updated = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=now
    )
    if updated:
        user.email_verified_at = now
    else:
        user.refresh_from_db(fields=["email_verified_at"])
    return Verification(user=user, is_first_use=bool(updated))


def _mail(user: User, template: str, context: dict[str, object]) -> None:
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])


# --- logging in --------------------------------------------------------------


class LoginThrottled(DomainError):
    """Too many recent failures; `retry_after` says how many seconds to wait."""

    def __init__(self, message: str, *, code: str, retry_after: int) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _seconds_until_below(failures: list[datetime], limit: int) -> int:
    """Return the wait until fewer than `limit` failures remain in the window.

    Expects `failures` newest first; 0 means the limit is not reached.
    """
    if limit <= 0:
        return settings.LOGIN_FAILURE_WINDOW_SECONDS
    if len(failures) < limit:
        return 0
    # Once the limit-th newest failure leaves the window, one attempt is free.
    expires = failures[limit - 1] + timedelta(
        seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS
    )
    return max(1, math.ceil((expires - timezone.now()).total_seconds()))


def check_login_allowed(email: str, address: str | None) -> None:
    """Raise LoginThrottled when the account or the address failed too often lately."""
    recent = LoginFailure.objects.filter(created_at__gte=_window_start()).order_by(
        "-created_at"
    )
    email = email.strip().lower()
    per_account = settings.LOGIN_FAILURES_PER_ACCOUNT
    wait = _seconds_until_below(
        list(
            recent.filter(email=email).values_list("created_at", flat=True)[
                :per_account
            ]
        ),
        per_account,
    )
    if address:
        per_address = settings.LOGIN_FAILURES_PER_ADDRESS
        by_address = recent.filter(address=address).values_list("created_at", flat=True)
        wait = max(
            wait, _seconds_until_below(list(by_address[:per_address]), per_address)
        )
    if wait:
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        raise LoginThrottled(
            "Too many failed sign-in attempts. For your safety, signing in is "
            f"paused for up to {minutes} minutes. You can reset your password "
            "meanwhile.",
            code="login_throttled",
            retry_after=wait,
        )


def log_in(*, email: str, password: str, address: str | None) -> User | None:
    """Return the person whose email and password match, recording failures.

    Raises LoginThrottled before checking the password when too many recent
    attempts failed, for the account or for the address.
    """
    email = email.strip().lower()
    check_login_allowed(email, address)
    user = authenticate(email=email, password=password)
    if user is None:
        LoginFailure.objects.create(email=email, address=address or None)
        return None
    LoginFailure.objects.filter(email=user.email).delete()
    return user  # type: ignore[return-value]


def complete_password_reset(user: User) -> None:
    """Record that the person set a new password through a link mailed to them.

    The link proves the address is theirs: it counts as verified, and the
    account's failed logins no longer hold them back.
    """
    LoginFailure.objects.filter(email=user.email).delete()
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def purge_login_failures() -> int:
    """Delete failure records older than the window; return how many went."""
    deleted, _ = LoginFailure.objects.filter(created_at__lt=_window_start()).delete()
    return deleted


# --- profile -----------------------------------------------------------------


def update_profile(user: User, *, display_name: str, handle: str) -> User:
    """Change the person's display name and handle.

    Raises ValidationError when the name is empty or too long, or the handle is
    malformed or taken by someone else (in any letter case).
    """
    errors: dict[str, list[str]] = {}
    try:
        display_name = _clean_display_name(display_name)
    except ValidationError as error:
        errors.update(error.message_dict)
    handle = handle.strip().removeprefix("@")
    try:
        handle_validator(handle)
    except ValidationError as error:
        errors["handle"] = error.messages
    else:
        taken = User.objects.filter(handle__iexact=handle).exclude(pk=user.pk).exists()
        if taken:
            errors["handle"] = ["That handle is taken. Try another."]
    if errors:
        raise ValidationError(errors)
    user.display_name = display_name
    user.handle = handle
    try:
        with transaction.atomic():
            user.save(update_fields=["display_name", "handle"])
    except IntegrityError as error:
        # Someone claimed the handle between the check and the save.
        user.refresh_from_db(fields=["display_name", "handle"])
        raise ValidationError(
            {"handle": "That handle is taken. Try another."}
        ) from error
    return user


# --- personal access tokens --------------------------------------------------


def create_access_token(user: User, *, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token; return it and the secret, shown only once."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            {"name": "Give the token a name, such as the script using it."}
        )
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Use at most {TOKEN_NAME_MAX_LENGTH} characters."}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, prefix=secret[:10], digest=digest(secret)
    )
    return token, secret


def digest(secret: str) -> str:
    """Return the stored form of a token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def revoke_access_token(user: User, token_id: int) -> AccessToken:
    """Revoke one of the person's tokens; unknown ids raise AccessToken.DoesNotExist."""
    token = AccessToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


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


# --- blocking ----------------------------------------------------------------


def block(user: User, other: User) -> Block:
    """Block another person: they can no longer message, mention or connect with the user."""
    if user.pk == other.pk:
        raise ValidationError("You cannot block yourself.")
    found, _ = Block.objects.get_or_create(blocker=user, blocked=other)
    _tell_sockets(user, other)
    return found


def unblock(user: User, other: User) -> None:
    """Lift a block; unblocking someone not blocked changes nothing."""
    Block.objects.filter(blocker=user, blocked=other).delete()
    _tell_sockets(user, other)


def _tell_sockets(*people: User) -> None:
    # Open pages stop (or resume) showing each one's typing and presence.
    from studyhall.realtime.access import notify_access_changed

    for person in people:
        notify_access_changed(person.pk)
