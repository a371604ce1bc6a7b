"""Build a community's activity through the services, then move it in time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from studyhall.analytics.services import Line
from studyhall.chat import services as chat
from studyhall.chat.models import Message
from studyhall.discussions.models import Post, Thread
from tests.discussions.helpers import answer, ask
from tests.factories import make_member


def learners(community: Any, n: int, **fields: Any) -> list[Any]:
    return [make_member(community, "student", **fields) for _ in range(n)]


def weeks_ago(obj: Any, weeks: float) -> Any:
    """Move a post (and its thread, if it opens one) or a message back in time."""
    at = timezone.now() - timedelta(weeks=weeks)
    type(obj).objects.filter(pk=obj.pk).update(created_at=at)
    if isinstance(obj, Post) and obj.number == 1:
        Thread.objects.filter(pk=obj.thread_id).update(created_at=at)
    return obj


def each_asks(people: list[Any], community: Any, **kw: Any) -> list[Thread]:
    return [
        ask(p, community, title=f"Question {i}", **kw) for i, p in enumerate(people)
    ]


def each_answers(people: list[Any], thread: Thread, **kw: Any) -> list[Post]:
    return [answer(p, thread, body=f"Answer {i}", **kw) for i, p in enumerate(people)]


def each_chats(people: list[Any], room: Any) -> list[Message]:
    return [
        chat.send_message(p, room, body=f"Hello {i}")[0] for i, p in enumerate(people)
    ]


def this_week(lines: list[Line]) -> Line:
    return lines[-1]


def no_line_gives_away_a_suppressed_figure(report: Any) -> bool:
    """Return whether no line with a shown total has exactly one suppressed
    non-zero figure (which subtraction would reveal)."""
    groups = [(list(w.cells.values()), w.total) for w in [*report.weeks, report.period]]
    for name in report.series:
        groups.append(
            ([w.cells[name] for w in report.weeks], report.period.cells[name])
        )
    groups.append(([w.total for w in report.weeks], report.period.total))
    for cells, total in groups:
        hidden = [c for c in cells if c.is_suppressed and c.value]
        if not total.is_suppressed and len(hidden) == 1:
            return False
    return True
