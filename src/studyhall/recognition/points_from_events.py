"""The rules that turn board events into point awards and reversals.

Runs in a task (see tasks.apply_board_event) after the board's change has
committed, so it reads the current rows. Every award has a source key, so
hearing an event twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from studyhall.discussions.models import Post
from studyhall.recognition.models import Kind
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
    """Apply one board event to the ledger."""
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
