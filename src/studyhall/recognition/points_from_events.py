"""The rules that turn board, session and group events into points and reversals.

Runs in a task (see tasks.apply_board_event) after the change has committed,
so it reads the current rows. Every award has a source key, so hearing an
event twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from studyhall.discussions.models import Post
from studyhall.groups.models import GroupMembership, StudyGroup
from studyhall.live.models import Attendance, LiveSession
from studyhall.recognition.models import Kind, PointEvent
from studyhall.recognition.services.points import (
    award_points,
    reverse_for_post,
    reverse_for_thread,
    reverse_points,
)

REMOVED = "The post was removed."


def _is_on(value: Any) -> bool:
    return value is True or value == "added"


def _live_post(post_id: Any) -> Post | None:
    if not isinstance(post_id, int):
        return None
    post = Post.objects.select_related("thread").filter(pk=post_id).first()
    if post is None or post.is_deleted or post.thread.is_deleted:
        return None
    return post


def apply(type: str, payload: dict[str, Any], actor_id: int | None) -> None:
    """Apply one board, session or group event to the ledger."""
    if type == "live.ended":
        apply_session(payload["live"])
        return
    if type in ("group.created", "member.joined", "member.left"):
        apply_group(payload["group"])
        return
    if type == "answer.cleared":
        reverse_for_thread(
            payload["thread"], kinds=[Kind.ANSWER_ACCEPTED], reason="Answer unaccepted."
        )
        return
    if type == "post.deleted":
        reverse_for_post(payload["post"], reason=REMOVED)
        if payload.get("number") == 1:
            reverse_for_thread(payload["thread"], reason="The thread was removed.")
        return
    if type == "post.unendorsed":
        reverse_points(
            source_key=f"endorsed:{payload['post']}", reason="Endorsement withdrawn."
        )
        return
    if type == "reaction.changed" and not _is_on(payload.get("on")):
        key = f"reaction:{payload['post']}:{actor_id}:{payload.get('kind')}"
        reverse_points(source_key=key, reason="Reaction taken back.")
        return
    post = _live_post(payload.get("post"))
    if post is None:
        return

    def award(kind: str, key: str) -> None:
        award_points(
            post.community_id,
            post.author_id,
            kind,
            source_key=key,
            actor_id=actor_id,
            post=post,
            thread_id=post.thread_id,
        )

    if type == "answer.accepted":
        # Accepting another answer replaces the first, without an answer.cleared.
        reverse_for_thread(
            post.thread_id,
            kinds=[Kind.ANSWER_ACCEPTED],
            except_post=post.pk,
            reason="Another answer was accepted.",
        )
        if post.thread.accepted_post_id == post.pk:
            award(Kind.ANSWER_ACCEPTED, f"accepted:{post.pk}")
    elif type == "post.endorsed":
        if post.endorsed_at is not None:
            award(Kind.REPLY_ENDORSED, f"endorsed:{post.pk}")
    elif type == "reaction.changed":
        award(
            Kind.REACTION_RECEIVED,
            f"reaction:{post.pk}:{actor_id}:{payload.get('kind')}",
        )


def apply_session(live_id: int) -> None:
    """Award points for an ended live session: each attendee, and the host.

    The host earns only when someone else attended, so opening and ending an
    empty session earns nothing. The awards name the session's recap thread,
    so removing that thread takes them back with the rest of the thread.
    """
    live = (
        LiveSession.objects.select_related("recap_thread")
        .filter(pk=live_id, ended_at__isnull=False)
        .first()
    )
    if live is None or (live.recap_thread and live.recap_thread.is_deleted):
        return
    attendees = list(
        Attendance.objects.filter(live=live)
        .exclude(user_id=live.host_id)
        .values_list("user_id", flat=True)
    )
    for user_id in attendees:
        award_points(
            live.community_id,
            user_id,
            Kind.SESSION_ATTENDED,
            source_key=f"attended:{live.pk}:{user_id}",
            thread_id=live.recap_thread_id,
        )
    if attendees:
        award_points(
            live.community_id,
            live.host_id,
            Kind.SESSION_HOSTED,
            source_key=f"hosted:{live.pk}",
            thread_id=live.recap_thread_id,
        )


def apply_group(group_id: int) -> None:
    """Bring the organisers' points for a study group in line with its members.

    Each organiser earns once the group has an active member besides its
    organisers; the points are taken back when the last such member leaves,
    or from an organiser who left, and earned again if someone joins later.
    """
    group = StudyGroup.objects.filter(pk=group_id).first()
    if group is None:
        return
    prefix = f"organised:{group.pk}:"
    active = GroupMembership.objects.filter(
        group=group, status=GroupMembership.Status.ACTIVE
    )
    organisers = set(
        active.filter(role=GroupMembership.Role.ORGANIZER).values_list(
            "user_id", flat=True
        )
    )
    has_learners = active.exclude(role=GroupMembership.Role.ORGANIZER).exists()
    earning = organisers if has_learners else set()
    standing = PointEvent.objects.filter(
        open_key__startswith=prefix, kind=Kind.GROUP_ORGANISED
    )
    reverse_points(
        list(standing.exclude(user_id__in=earning)),
        reason="The group has no members besides its organisers."
        if not has_learners
        else "No longer an organiser of the group.",
    )
    for user_id in sorted(earning):
        award_points(
            group.community_id,
            user_id,
            Kind.GROUP_ORGANISED,
            source_key=f"{prefix}{user_id}",
        )
