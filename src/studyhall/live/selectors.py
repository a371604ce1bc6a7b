"""Reads for live sessions, narrowed by the policy and resolved per viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.live.models import (
    Ballot,
    HandRaise,
    LiveSession,
    Poll,
    PollOption,
    Question,
    QuestionVote,
)
from studyhall.policy import Action, AuthorView


def visible_live(user: Any, pk: Any) -> LiveSession:
    """Return the live session if the person may see it, else raise Http404."""
    ident = parse_id(str(pk))
    live = (
        LiveSession.objects.select_related("community", "group", "host")
        .filter(pk=ident)
        .first()
        if ident
        else None
    )
    if live is None or not policy.can(user, Action.VIEW, live):
        raise Http404("No such session.")
    return live


def live_sessions(user: Any, community: Community) -> QuerySet[LiveSession]:
    return (
        policy.visible(user, LiveSession.objects.filter(community=community))
        .select_related("group", "host")
        .order_by("-started_at", "-pk")
    )


@dataclass
class OptionResult:
    option: PollOption
    count: int
    percent: int
    voters: list[str] = field(default_factory=list)


@dataclass
class PollView:
    poll: Poll
    results: list[OptionResult]
    total: int
    has_voted: bool


@dataclass
class QuestionView:
    question: Question
    author: AuthorView
    has_upvoted: bool


@dataclass
class LivePage:
    live: LiveSession
    polls: list[PollView]
    questions: list[QuestionView]
    hands: list[HandRaise]
    my_hand: HandRaise | None
    attendance_count: int


def live_page(user: Any, live: LiveSession) -> LivePage:
    """Return what the live page shows this viewer, in a fixed number of queries."""
    polls = list(
        live.polls.prefetch_related(
            "options",
            Prefetch(
                "ballots",
                queryset=Ballot.objects.select_related("user").prefetch_related(
                    "options"
                ),
            ),
        )
    )
    poll_views = []
    for poll in polls:
        counts: dict[int, int] = {}
        voters: dict[int, list[str]] = {}
        has_voted = False
        for ballot in poll.ballots.all():
            has_voted |= ballot.user_id == getattr(user, "pk", None)
            for option in ballot.options.all():
                counts[option.pk] = counts.get(option.pk, 0) + 1
                voters.setdefault(option.pk, []).append(ballot.user.display_name)
        total = len(poll.ballots.all())
        results = [
            OptionResult(
                option=o,
                count=counts.get(o.pk, 0),
                percent=round(100 * counts.get(o.pk, 0) / total) if total else 0,
                voters=[] if poll.is_anonymous else voters.get(o.pk, []),
            )
            for o in poll.options.all()
        ]
        poll_views.append(PollView(poll, results, total, has_voted))
    questions = live.questions.select_related("author")
    if user.is_authenticated:
        questions = questions.annotate(
            has_upvoted=Exists(
                QuestionVote.objects.filter(question=OuterRef("pk"), user=user)
            )
        )
    question_views = [
        QuestionView(
            question=q,
            author=policy.author_for(user, q),
            has_upvoted=bool(getattr(q, "has_upvoted", False)),
        )
        for q in questions
    ]
    hands = list(live.hands.filter(cleared_at__isnull=True).select_related("user"))
    mine = next((h for h in hands if h.user_id == getattr(user, "pk", None)), None)
    return LivePage(
        live=live,
        polls=poll_views,
        questions=question_views,
        hands=hands,
        my_hand=mine,
        attendance_count=live.attendance.count(),
    )


def poll_of(live: LiveSession, pk: Any) -> Poll:
    poll = Poll.objects.filter(live=live, pk=parse_id(str(pk)) or 0).first()
    if poll is None:
        raise Http404
    poll.live = live
    return poll


def question_of(live: LiveSession, pk: Any) -> Question:
    question = Question.objects.filter(live=live, pk=parse_id(str(pk)) or 0).first()
    if question is None:
        raise Http404
    question.live = live
    return question


def hand_of(live: LiveSession, pk: Any) -> HandRaise:
    hand = HandRaise.objects.filter(live=live, pk=parse_id(str(pk)) or 0).first()
    if hand is None:
        raise Http404
    hand.live = live
    return hand


def can_follow_live(user: Any, pk: int) -> bool:
    """Return whether the person may follow the live session's stream `live.<pk>`."""
    live = (
        LiveSession.objects.select_related("community", "group").filter(pk=pk).first()
    )
    return live is not None and policy.can(user, Action.VIEW, live)
