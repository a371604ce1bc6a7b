"""Hosting live sessions through the API: open one for a community or a group,
run its polls, questions and hand queue, and end it with a recap.

Thin: the same services and selectors as the live pages. Taking part (voting,
asking, upvoting) is in api/groups.py beside the session's read model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from studyhall.api.groups import LiveOut, live_out
from studyhall.api.params import Id
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions.selectors import visible_community
from studyhall.groups import selectors as groups
from studyhall.groups.models import StudySession
from studyhall.live import selectors, services
from studyhall.live.models import LiveSession, Poll

router = Router(tags=["live"])


class LiveSummary(Schema):
    id: int
    title: str
    group: int | None
    host: int
    is_open: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None
    recap_thread: int | None


class LiveIn(Schema):
    title: str
    study_session: int | None = None


class PollIn(Schema):
    question: str
    options: list[str]
    kind: str = Poll.Kind.SINGLE
    is_anonymous: bool = True


class PollPatch(Schema):
    is_open: bool


class QuestionPatch(Schema):
    answered: bool | None = None
    pinned: bool | None = None


class ReactionIn(Schema):
    emoji: str


class EndedOut(Schema):
    live: int
    recap_thread: int


def _summary(live: LiveSession) -> LiveSummary:
    return LiveSummary(
        id=live.pk,
        title=live.title,
        group=live.group_id,
        host=live.host_id,
        is_open=live.is_open,
        started_at=live.started_at,
        ended_at=live.ended_at,
        recap_thread=live.recap_thread_id,
    )


@router.get(
    "/communities/{slug}/live",
    response={200: list[LiveSummary], **ERRORS},
    auth=ANYONE,
)
def list_live(request: HttpRequest, slug: str) -> Any:
    """The community's live sessions you may see, newest first."""
    user = viewer(request)
    community = visible_community(user, slug)
    return [_summary(live) for live in selectors.live_sessions(user, community)[:100]]


@router.post(
    "/communities/{slug}/live", response={201: LiveSummary, **ERRORS}, auth=SIGNED_IN
)
def open_live(request: HttpRequest, slug: str, payload: LiveIn) -> Any:
    """Open a live session for the community (owners and instructors)."""
    user = viewer(request)
    community = visible_community(user, slug)
    live = services.open_live_session(user, community, title=payload.title)
    return Status(201, _summary(live))


@router.post(
    "/groups/{group_id}/live", response={201: LiveSummary, **ERRORS}, auth=SIGNED_IN
)
def open_group_live(request: HttpRequest, group_id: Id, payload: LiveIn) -> Any:
    """Open a live session for a group (its organizers), optionally tied to one
    of its scheduled study sessions."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    study_session = None
    if payload.study_session is not None:
        study_session = StudySession.objects.filter(
            pk=payload.study_session, group=group
        ).first()
        if study_session is None:
            raise ValidationError({"study_session": "Choose a session of this group."})
    live = services.open_live_session(
        user,
        group.community,
        title=payload.title,
        group=group,
        study_session=study_session,
    )
    return Status(201, _summary(live))


@router.post("/live/{live_id}/polls", response={201: LiveOut, **ERRORS}, auth=SIGNED_IN)
def create_poll(request: HttpRequest, live_id: Id, payload: PollIn) -> Any:
    """Open a poll with two to ten options (the host)."""
    user = viewer(request)
    live = selectors.visible_live(user, live_id)
    services.create_poll(
        user,
        live,
        question=payload.question,
        options=payload.options,
        kind=payload.kind,
        is_anonymous=payload.is_anonymous,
    )
    return Status(201, live_out(user, live_id))


@router.patch(
    "/live/{live_id}/polls/{poll_id}",
    response={200: LiveOut, **ERRORS},
    auth=SIGNED_IN,
)
def set_poll_open(
    request: HttpRequest, live_id: Id, poll_id: Id, payload: PollPatch
) -> Any:
    """Close a poll, or open it again (the host)."""
    user = viewer(request)
    live = selectors.visible_live(user, live_id)
    services.set_poll_open(
        user, selectors.poll_of(live, poll_id), is_open=payload.is_open
    )
    return live_out(user, live_id)


@router.patch(
    "/live/{live_id}/questions/{question_id}",
    response={200: LiveOut, **ERRORS},
    auth=SIGNED_IN,
)
def mark_question(
    request: HttpRequest, live_id: Id, question_id: Id, payload: QuestionPatch
) -> Any:
    """Mark a question answered or pinned, or take that back (the host)."""
    user = viewer(request)
    live = selectors.visible_live(user, live_id)
    services.mark_question(
        user,
        selectors.question_of(live, question_id),
        answered=payload.answered,
        pinned=payload.pinned,
    )
    return live_out(user, live_id)


@router.post("/live/{live_id}/hands", response={201: LiveOut, **ERRORS}, auth=SIGNED_IN)
def raise_hand(request: HttpRequest, live_id: Id) -> Any:
    """Raise your hand; the host sees the queue."""
    user = viewer(request)
    services.raise_hand(user, selectors.visible_live(user, live_id))
    return Status(201, live_out(user, live_id))


@router.delete(
    "/live/{live_id}/hands/{hand_id}",
    response={200: LiveOut, **ERRORS},
    auth=SIGNED_IN,
)
def clear_hand(request: HttpRequest, live_id: Id, hand_id: Id) -> Any:
    """Take a hand off the queue: the host, or the person lowering their own."""
    user = viewer(request)
    live = selectors.visible_live(user, live_id)
    services.clear_hand(user, selectors.hand_of(live, hand_id))
    return live_out(user, live_id)


@router.post(
    "/live/{live_id}/reactions", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def react(request: HttpRequest, live_id: Id, payload: ReactionIn) -> Any:
    """Send a floating emoji reaction to everyone on the page."""
    user = viewer(request)
    services.react(user, selectors.visible_live(user, live_id), emoji=payload.emoji)
    return Status(204, None)


@router.post("/live/{live_id}/end", response={200: EndedOut, **ERRORS}, auth=SIGNED_IN)
def end_live(request: HttpRequest, live_id: Id) -> Any:
    """End the session: polls close and the recap is posted as a thread."""
    user = viewer(request)
    thread = services.end_live_session(user, selectors.visible_live(user, live_id))
    return EndedOut(live=live_id, recap_thread=thread.pk)
