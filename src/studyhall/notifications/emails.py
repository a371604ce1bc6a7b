"""Email: compose notification mails, keep them in an outbox, send with retries.

Every email is stored (OutboundEmail) before it is sent, so a failure is
retried with backoff and never lost. Each carries one-click unsubscribe
headers for its kind (RFC 8058) and threading headers so a mail client groups
the emails of one thread; replies to a notification come back through a
signed reply-to address (inbound.py).
"""

from __future__ import annotations

import hmac
import logging
import re
from datetime import timedelta
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.notifications import selectors
from studyhall.notifications.models import (
    EmailKind,
    Kind,
    Notification,
    OutboundEmail,
    Preference,
    SuppressedAddress,
)
from studyhall.notifications.services import daily_cap, preference_for
from studyhall.policy import Action

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "studyhall.notifications.unsubscribe"
REPLY_SALT = "studyhall.notifications.reply"
REPLY_ADDRESS_RE = re.compile(r"reply\+(\d{1,18})-([0-9a-f]{20})@", re.IGNORECASE)
IMMEDIATE_EMAIL_KINDS = {
    Kind.MENTION: EmailKind.MENTION,
    Kind.REPLY: EmailKind.REPLY,
    Kind.MESSAGE: EmailKind.MESSAGE,
    Kind.SESSION_REMINDER: EmailKind.REMINDER,
}
PREFERENCE_FIELD = {
    EmailKind.MENTION: "email_mention",
    EmailKind.REPLY: "email_reply",
    EmailKind.MESSAGE: "email_message",
    EmailKind.REMINDER: "email_reminder",
}


def site_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "localhost"


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def absolute_links(html: str) -> str:
    """Make a post's site-relative links (mentions, pages) work from a mail client."""
    site = settings.SITE_URL
    return re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{site}/', html)


# --- signed addresses ---------------------------------------------------------------


def unsubscribe_token(user: User | int, kind: str) -> str:
    """Return a token that unsubscribes the person from one kind of email."""
    uid = user if isinstance(user, int) else user.pk
    return signing.dumps({"u": uid, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """Return (user id, kind) from an unsubscribe token, or None if it is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if data.get("k") not in EmailKind.values:
        return None
    return data["u"], data["k"]


def unsubscribe_url(user: User | int, kind: str) -> str:
    return absolute(
        reverse(
            "notifications:unsubscribe",
            kwargs={"token": unsubscribe_token(user, kind)},
        )
    )


def _reply_signature(notification_id: int, user_id: int) -> str:
    return salted_hmac(REPLY_SALT, f"{notification_id}:{user_id}").hexdigest()[:20]


def reply_address(notification: Notification) -> str | None:
    """Return the signed address a reply to this notification goes to, if enabled."""
    domain = settings.MAIL_REPLY_DOMAIN
    if not domain or notification.post_id is None:
        return None
    signature = _reply_signature(notification.pk, notification.recipient_id)
    return f"reply+{notification.pk}-{signature}@{domain}"


def notification_for_address(address: str) -> Notification | None:
    """Return the notification a signed reply address names, or None if forged."""
    match = REPLY_ADDRESS_RE.search(address or "")
    if match is None:
        return None
    notification_id, signature = int(match.group(1)), match.group(2).lower()
    notification = (
        Notification.objects.select_related(
            "recipient", "post", "thread__community", "thread__category"
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return None
    expected = _reply_signature(notification.pk, notification.recipient_id)
    if not hmac.compare_digest(expected, signature):
        return None
    return notification


# --- the outbox ---------------------------------------------------------------------


def is_suppressed(address: str) -> bool:
    return SuppressedAddress.objects.filter(email=address.lower()).exists()


def queue_email(
    recipient: User,
    kind: str,
    *,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str],
    notification: Notification | None = None,
) -> OutboundEmail:
    """Store an email and send it in the background once committed."""
    outbound = OutboundEmail.objects.create(
        recipient=recipient,
        kind=kind,
        notification=notification,
        to_address=recipient.email,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        headers=headers,
    )
    from studyhall.notifications.tasks import send_email

    pk = outbound.pk
    transaction.on_commit(lambda: send_email.enqueue(pk))
    return outbound


def base_headers(recipient: User, kind: str, *, list_id: str) -> dict[str, str]:
    domain = site_domain()
    return {
        "List-Id": f"<{list_id}.{domain}>",
        "List-Unsubscribe": f"<{unsubscribe_url(recipient, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }


def deliver(outbound_id: int) -> str:
    """Send one stored email; on failure schedule a retry with backoff.

    Safe to run twice: only a queued email whose time has come is sent.
    Returns its status afterwards.
    """
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=outbound_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if outbound is None:
            return "gone"
        if is_suppressed(outbound.to_address):
            outbound.status = OutboundEmail.Status.SKIPPED
            outbound.reason = "address bounced"
            outbound.save(update_fields=["status", "reason"])
            return outbound.status
        outbound.attempts += 1
        headers = dict(outbound.headers)
        if not outbound.message_id:
            outbound.message_id = make_msgid(domain=site_domain())
        headers["Message-ID"] = outbound.message_id
        message = EmailMultiAlternatives(
            outbound.subject,
            outbound.body_text,
            settings.DEFAULT_FROM_EMAIL,
            [outbound.to_address],
            headers=headers,
        )
        if outbound.body_html:
            message.attach_alternative(outbound.body_html, "text/html")
        try:
            message.send()
        except Exception as error:
            return _failed(outbound, error)
        outbound.status = OutboundEmail.Status.SENT
        outbound.sent_at = timezone.now()
        outbound.last_error = ""
        outbound.save()
        logger.info(
            "sent %s email %s to user %s",
            outbound.kind,
            outbound.pk,
            outbound.recipient_id,
        )
        return outbound.status


def _failed(outbound: OutboundEmail, error: Exception) -> str:
    outbound.last_error = f"{type(error).__name__}: {error}"[:2000]
    if outbound.attempts >= settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS:
        outbound.status = OutboundEmail.Status.FAILED
        logger.error(
            "email %s to user %s failed for good after %s attempts: %s",
            outbound.pk,
            outbound.recipient_id,
            outbound.attempts,
            outbound.last_error,
        )
    else:
        delay = timedelta(minutes=2 ** (outbound.attempts - 1))
        outbound.next_attempt_at = timezone.now() + delay
        logger.warning(
            "email %s to user %s failed (attempt %s), retrying in %s: %s",
            outbound.pk,
            outbound.recipient_id,
            outbound.attempts,
            delay,
            outbound.last_error,
        )
    outbound.save()
    if outbound.status == OutboundEmail.Status.QUEUED:
        from studyhall.notifications.tasks import send_email

        pk, when = outbound.pk, outbound.next_attempt_at
        transaction.on_commit(lambda: _schedule_retry(send_email, pk, when))
    return outbound.status


def _schedule_retry(task: Any, pk: int, when: Any) -> None:
    """Queue the retry for its time when the backend can wait; otherwise the
    periodic `deliver_mail` command picks it up once it is due."""
    if task.get_backend().supports_defer:
        task.using(run_after=when).enqueue(pk)


def retry_due(now: Any = None) -> int:
    """Send every queued email whose retry time has come; return how many tried."""
    now = now or timezone.now()
    due = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        deliver(pk)
    return len(due)


# --- notification emails --------------------------------------------------------------


def sent_today(user: User, now: Any = None) -> int:
    """Return how many immediate emails the person was sent in the last 24 hours."""
    since = (now or timezone.now()) - timedelta(hours=24)
    return OutboundEmail.objects.filter(
        recipient=user,
        kind__in=list(PREFERENCE_FIELD),
        created_at__gte=since,
        status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.QUEUED],
    ).count()


def email_notification(notification_id: int) -> OutboundEmail | None:
    """Queue the immediate email for a notification, if the person wants it.

    Skips read notifications, kinds the person turned off, unverified or
    bounced addresses, targets they can no longer see, and anything past the
    daily cap (it waits for the digest instead).
    """
    n = (
        selectors.Notification.objects.select_related(
            "recipient",
            "post__author",
            "thread__community",
            "thread__category",
            "community",
        )
        .filter(pk=notification_id)
        .first()
    )
    if n is None or n.read_at is not None or n.emailed_at is not None:
        return None
    kind = IMMEDIATE_EMAIL_KINDS.get(n.kind)  # type: ignore[call-overload]
    recipient = n.recipient
    if kind is None or not recipient.is_active or recipient.email_verified_at is None:
        return None
    pref = preference_for(recipient)
    if not getattr(pref, PREFERENCE_FIELD[kind]):
        return None
    if is_suppressed(recipient.email):
        return None
    target = n.post or n.thread or _generic_target(n)
    if target is not None and not policy.can(recipient, Action.VIEW, target):
        return None
    if n.kind == Kind.MESSAGE and not _message_unread(n):
        return None
    if sent_today(recipient) >= daily_cap(pref):
        logger.info(
            "daily email cap reached for user %s; %s waits for the digest",
            recipient.pk,
            n.pk,
        )
        return None
    return _queue_notification_email(n, kind, pref)


def _generic_target(n: Notification) -> Any:
    """Return the other app's row a notification is about, or None."""
    if n.target_type_id is None or n.target_id is None:
        return None
    model = n.target_type.model_class()  # type: ignore[union-attr]
    if model is None:
        return None
    return model._default_manager.filter(pk=n.target_id).first()


def _message_unread(n: Notification) -> bool:
    """Return whether the person still has unread messages in the notified room."""
    from studyhall.chat.models import Room, RoomMember

    room = _generic_target(n)
    if not isinstance(room, Room):
        return True
    mark = (
        RoomMember.objects.filter(room=room, user_id=n.recipient_id)
        .values_list("last_read_number", flat=True)
        .first()
    )
    return mark is None or mark < room.last_number


def email_unread_messages(now: Any = None) -> int:
    """Email message notifications left unread past the delay; return how many
    were tried. The periodic run calls it when the task backend cannot wait."""
    now = now or timezone.now()
    delay = timedelta(minutes=settings.NOTIFICATIONS_MESSAGE_EMAIL_DELAY_MINUTES)
    due = list(
        Notification.objects.filter(
            kind=Kind.MESSAGE,
            read_at__isnull=True,
            emailed_at__isnull=True,
            created_at__lte=now - delay,
            created_at__gte=now - timedelta(days=1),
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        email_notification(pk)
    return len(due)


def _queue_notification_email(
    n: Notification, kind: str, pref: Preference
) -> OutboundEmail:
    recipient = n.recipient
    text = selectors.describe(recipient, n)
    community = n.community.name if n.community is not None else settings.SITE_NAME
    headers = base_headers(
        recipient, kind, list_id=n.community.slug if n.community else "notifications"
    )
    if n.thread_id is not None:
        root = f"<thread-{n.thread_id}@{site_domain()}>"
        headers["In-Reply-To"] = root
        headers["References"] = root
    reply_to = reply_address(n)
    if reply_to:
        headers["Reply-To"] = reply_to
    context = {
        "text": text,
        "post": n.post,
        "post_html": absolute_links(n.post.body_html) if n.post else "",
        "url": absolute(n.url or "/"),
        "community": community,
        "can_reply_by_email": bool(reply_to),
        "unsubscribe_url": unsubscribe_url(recipient, kind),
        "settings_url": absolute(reverse("notifications:settings")),
        "kind_label": EmailKind(kind).label.lower(),
        "SITE_NAME": settings.SITE_NAME,
    }
    with transaction.atomic():
        outbound = queue_email(
            recipient,
            kind,
            # A header cannot hold a line break, whatever a title contains.
            subject=" ".join(f"[{community}] {text}".split()),
            text=render_to_string("notifications/email/notification.txt", context),
            html=render_to_string("notifications/email/notification.html", context),
            headers=headers,
            notification=n,
        )
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return outbound
