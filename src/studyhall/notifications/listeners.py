"""Hear events after they commit and queue the work of notifying people.

Listeners return at once; tasks.py does the work in the background, loading
fresh rows, so a notification never reflects a change that was rolled back.
"""

from __future__ import annotations

import logging

from studyhall.realtime.hooks import Occurrence, listen

logger = logging.getLogger(__name__)

BOARD_EVENTS = (
    "reply.created",
    "thread.created",
    "post.edited",
    "answer.accepted",
    "post.endorsed",
)


@listen(*BOARD_EVENTS)
def queue_board_notifications(occurrence: Occurrence) -> None:
    from studyhall.notifications.tasks import notify_board_event

    notify_board_event.enqueue(
        occurrence.type, dict(occurrence.payload), occurrence.actor_id
    )


# Events other apps publish on a person's own stream (`user.<id>`), and the
# kind of notification each becomes.
PERSONAL_EVENTS = {
    "feedback.given": "feedback",
    "feedback.responded": "feedback",
    "kudos.received": "badge",
    "badge.awarded": "badge",
    "certificate.issued": "badge",
    "moderation.hidden": "moderation",
    "moderation.restored": "moderation",
    "moderation.appeal_denied": "moderation",
    "moderation.warn": "moderation",
    "moderation.mute": "moderation",
    "moderation.suspend": "moderation",
    "moderation.ban": "moderation",
    "moderation.dm_deleted": "moderation",
    "moderation.dm_mute": "moderation",
    "moderation.site_suspend": "moderation",
    "moderation.report_closed": "moderation",
    "group.invited": "group_invitation",
    "group.request_answered": "join_request",
    "group.membership_ended": "join_request",
    "connection.requested": "connection_request",
    "connection.answered": "connection_request",
    "mentorship.requested": "mentorship_request",
    "mentorship.answered": "mentorship_request",
    "meeting.scheduled": "mentorship_request",
    "distinction.claimed": "distinction",
    "distinction.decided": "distinction",
}


@listen(*PERSONAL_EVENTS)
def queue_personal_notification(occurrence: Occurrence) -> None:
    kind, _, ident = occurrence.stream.partition(".")
    if kind != "user" or not ident.isdigit():
        return
    from studyhall.notifications.tasks import notify_personal_event

    notify_personal_event.enqueue(
        int(ident), occurrence.type, dict(occurrence.payload), occurrence.actor_id
    )


@listen("message.created")
def queue_message_notifications(occurrence: Occurrence) -> None:
    from studyhall.notifications.tasks import notify_chat_message

    mentions = occurrence.payload.get("mentions") or []
    notify_chat_message.enqueue(occurrence.payload.get("message"), list(mentions))


@listen("member.requested")
def queue_join_request_notifications(occurrence: Occurrence) -> None:
    from studyhall.notifications.tasks import notify_join_request

    notify_join_request.enqueue(occurrence.payload.get("group"), occurrence.actor_id)


@listen("session.scheduled")
def queue_session_reminders(occurrence: Occurrence) -> None:
    # A session scheduled to start within people's lead time is reminded at
    # once; later ones are picked up by the periodic run (deliver_mail).
    from studyhall.notifications.tasks import remind_session

    remind_session.enqueue(occurrence.payload.get("session"))
