"""Limits on reaching people who do not know you: direct messages to
strangers and connection requests.

A stranger is someone you are not connected with and share no study group
with. Opening conversations with strangers is limited per day (tighter while
you are a New member everywhere), and a one-to-one conversation with a
stranger takes a few messages until they answer. chat.services and
profiles.services call these checks; this module imports only models.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from studyhall import policy
from studyhall.chat.models import Message, Room, RoomMember
from studyhall.core.errors import DomainError, RateLimited
from studyhall.groups.models import GroupMembership
from studyhall.moderation import gates

DAY = 24 * 60 * 60


def retry_after(oldest: datetime, window: int) -> int:
    """Return the seconds until the oldest action in the window drops out of it."""
    ends = oldest + timedelta(seconds=window)
    return max(1, math.ceil((ends - timezone.now()).total_seconds()))


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def known_people(user: Any) -> set[int]:
    """Return the ids of people the person is connected with or shares an
    active study group with (two queries, the first cached on the user)."""
    known = set(policy.relations(user).connections)
    groups = GroupMembership.objects.filter(
        user=user, status=GroupMembership.Status.ACTIVE
    ).values("group_id")
    known |= set(
        GroupMembership.objects.filter(
            group_id__in=groups, status=GroupMembership.Status.ACTIVE
        )
        .exclude(user=user)
        .values_list("user_id", flat=True)
    )
    return known


def _is_new_everywhere(user: Any) -> bool:
    communities = list(policy.snapshot(user).roles)
    return all(gates.trust_level(user, c) == gates.NEW for c in communities)


def strangers_per_day(user: Any) -> int:
    """Return how many conversations with strangers the person may open a day."""
    if _is_new_everywhere(user):
        return settings.NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY
    return settings.DMS_TO_STRANGERS_PER_DAY


def check_new_conversation(actor: Any, others: list[int]) -> None:
    """Raise RateLimited when opening a conversation with these people would
    pass the day's limit of conversations with strangers."""
    known = known_people(actor)
    if all(pk in known for pk in others):
        return
    since = timezone.now() - timedelta(seconds=DAY)
    started = dict(
        Room.objects.filter(
            kind=Room.Kind.DIRECT, created_by=actor, created_at__gte=since
        ).values_list("pk", "created_at")
    )
    with_strangers = {
        room_id
        for room_id, user_id in RoomMember.objects.filter(room_id__in=list(started))
        .exclude(user=actor)
        .values_list("room_id", "user_id")
        if user_id not in known
    }
    limit = strangers_per_day(actor)
    if len(with_strangers) < limit:
        return
    wait = retry_after(min(started[pk] for pk in with_strangers), DAY)
    raise RateLimited(
        f"You have started {limit} conversations today with people you are not "
        "connected with and share no study group with, the most allowed"
        + (" for new members" if limit < settings.DMS_TO_STRANGERS_PER_DAY else "")
        + f". You can start another in {_wait_words(wait)}; meanwhile, ask to "
        "connect, or write to them in a shared room.",
        code="dm_strangers_limited",
        retry_after=wait,
    )


def check_unanswered(author: Any, room: Room) -> None:
    """Raise DomainError when the author already sent a stranger, in their
    one-to-one conversation, as many messages as allowed before an answer."""
    if room.pair_key is None:
        return
    limit = settings.DMS_BEFORE_REPLY
    others = list(room.members.exclude(user=author).values_list("user_id", flat=True))
    if not others or others[0] in known_people(author):
        return
    if Message.objects.filter(room=room, author_id=others[0]).exists():
        return
    if Message.objects.filter(room=room, author=author).count() < limit:
        return
    raise DomainError(
        f"You have sent {limit} messages to someone you are not connected with, "
        "and they have not answered yet. Wait for their reply before writing "
        "again, or ask to connect.",
        code="awaiting_reply",
    )


def check_connection_requests(user: Any, sent_at: list[datetime]) -> None:
    """Raise RateLimited when the person sent the day's most connection
    requests; `sent_at` holds their requests of the last day, newest first."""
    limit = settings.PROFILES_CONNECTION_REQUESTS_PER_DAY
    if len(sent_at) < limit:
        return
    wait = retry_after(sent_at[limit - 1], DAY)
    raise RateLimited(
        f"You have sent {limit} connection requests in the last 24 hours, the most "
        f"allowed. You can send another in {_wait_words(wait)}.",
        code="throttled",
        retry_after=wait,
    )
