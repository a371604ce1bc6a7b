"""Replies by email: a reply to a notification email becomes a reply in the thread.

The mail server hands the raw message to `manage.py receive_email` (standard
input) or posts it to the inbound webhook. The signed reply-to address names
the notification; the sender must be its recipient. Quoted text and
signatures are stripped before the text goes to discussions.services.create_reply,
which applies the policy like any other reply.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from email.message import EmailMessage
from email.utils import getaddresses

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import strip_tags

from studyhall.core.errors import DomainError
from studyhall.discussions import services as discussions
from studyhall.discussions.models import Post
from studyhall.notifications.emails import REPLY_ADDRESS_RE, notification_for_address

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1_000_000

# Lines that start the quoted original in common mail clients.
_QUOTE_HEADERS = [
    re.compile(r"^On .{1,300}wrote:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^From: .+$"),
    re.compile(r"^Le .{1,300}a écrit\s?:\s*$"),
    re.compile(r"^Am .{1,300}schrieb .{1,200}:\s*$"),
]
_SIGNATURE_MARKERS = [
    re.compile(r"^-- ?$"),
    re.compile(r"^Sent from my .+$"),
    re.compile(r"^Get Outlook for .+$"),
]


def strip_reply(text: str) -> str:
    """Return only what the person wrote: no quoted original, no signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        bare = line.strip()
        if any(p.match(bare) for p in _QUOTE_HEADERS):
            break
        if any(p.match(line.rstrip("\n")) or p.match(bare) for p in _SIGNATURE_MARKERS):
            break
        if bare.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<blockquote.*?</blockquote>", "", content)
        content = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", content))
    return content


class InboundError(DomainError):
    pass


def receive(raw: bytes, *, recipient: str = "") -> Post:
    """Turn a raw reply email into a reply in the thread; raise InboundError if not.

    `recipient` is the envelope address when the mail server knows it;
    otherwise the To, Cc and Delivered-To headers are searched.
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        raise InboundError("The message is too large.", code="too_large")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    candidates = [recipient] if recipient else []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        candidates += [addr for _, addr in getaddresses(message.get_all(header, []))]
    address = next((a for a in candidates if REPLY_ADDRESS_RE.search(a or "")), "")
    notification = notification_for_address(address)
    if notification is None or notification.post is None or notification.thread is None:
        raise InboundError(
            "No notification matches this address.", code="unknown_address"
        )
    senders = [addr.lower() for _, addr in getaddresses(message.get_all("From", []))]
    person = notification.recipient
    if person.email.lower() not in senders:
        logger.warning(
            "inbound reply for notification %s from a stranger", notification.pk
        )
        raise InboundError(
            "Replies must come from the notified address.", code="wrong_sender"
        )
    if message.get("Auto-Submitted", "no").lower() != "no":
        raise InboundError("Automatic replies are ignored.", code="auto_reply")
    body = strip_reply(_body_text(message))
    reply_to = notification.post
    reply_to.thread = notification.thread
    try:
        post = discussions.create_reply(
            person,
            notification.thread,
            body=body,
            reply_to=None if reply_to.is_deleted else reply_to,
        )
    except ValidationError as error:
        raise InboundError(" ".join(error.messages), code="invalid") from error
    except PermissionDenied as error:
        raise InboundError(str(error), code="permission_denied") from error
    logger.info("reply by email from user %s made post %s", person.pk, post.pk)
    return post
