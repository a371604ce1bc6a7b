"""Background work for notifications: fan-out, emails, digests.

Each task takes ids, loads fresh rows and is safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from studyhall.notifications import digests, emails, reminders, services, social
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
    """Queue the digests due now, send emails whose retry time has come, the
    emails of messages left unread, and the session reminders now due."""
    emails.retry_due()
    emails.email_unread_messages()
    reminders.send_due_reminders()
    return digests.send_due_digests()


@task()
def notify_chat_message(message_id: Any, mentions: list[int]) -> int:
    """Notify the people a chat message concerns; return how many notifications."""
    return len(social.notify_message(message_id, mentions))


@task()
def notify_join_request(group_id: Any, actor_id: int | None) -> int:
    """Tell a group's organizers about a request to join; return how many."""
    return len(social.notify_join_request(group_id, actor_id))


@task()
def remind_session(session_id: Any) -> int:
    """Send the reminders of one study session that are due now; return how many."""
    return reminders.send_due_reminders(session_id=session_id)


@task()
def notify_personal_event(
    recipient_id: int, type: str, payload: dict[str, Any], actor_id: int | None
) -> bool:
    """Turn an event on a person's own stream (a badge, feedback, a moderation
    notice, an invitation, a request) into a notification; return whether one
    was made."""
    handler = {
        "group": social.notify_group_member,
        "connection": social.notify_connection,
        "mentorship": social.notify_mentorship,
        "meeting": social.notify_mentorship,
        "distinction": social.notify_distinction,
    }.get(type.partition(".")[0], services.notify_personal)
    return handler(recipient_id, type, payload, actor_id) is not None
