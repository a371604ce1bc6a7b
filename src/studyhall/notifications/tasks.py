"""Background work for notifications: fan-out, emails, digests.

Each task takes ids, loads fresh rows and is safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from studyhall.notifications import digests, emails, services
from studyhall.notifications.models import Kind


@task()
def notify_board_event(type: str, payload: dict[str, Any], actor_id: int | None) -> int:
    """Create the notifications a board event calls for; return how many."""
    if type == "reply.created":
        return len(services.notify_reply(payload.get("post"), actor_id))
    if type == "thread.created":
        return len(services.notify_thread(payload.get("thread"), actor_id))
    if type == "post.edited":
        return len(services.notify_edit(payload.get("post"), actor_id))
    if type == "answer.accepted":
        made = services.notify_post_author(
            payload.get("post"), actor_id, kind=Kind.ACCEPTED
        )
        return int(made is not None)
    if type == "post.endorsed":
        made = services.notify_post_author(
            payload.get("post"), actor_id, kind=Kind.ENDORSED
        )
        return int(made is not None)
    return 0


@task()
def email_notification(notification_id: int) -> bool:
    """Queue the immediate email of a notification if the person wants it."""
    return emails.email_notification(notification_id) is not None


@task()
def send_email(outbound_id: int) -> str:
    """Send one stored email; a failure is logged and retried with backoff."""
    return emails.deliver(outbound_id)


@task()
def send_due_digests() -> int:
    """Queue the digests due now and send emails whose retry time has come."""
    emails.retry_due()
    return digests.send_due_digests()


@task()
def notify_personal_event(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> bool:
    """Turn an event on a person's own stream (a badge, feedback, a moderation
    notice) into a notification; return whether one was made."""
    return services.notify_personal(recipient_id, type, payload, actor_id) is not None
