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


def grow(community: Any, room: Any, n: int) -> None:
    """Add n learners, each with a question, a reply and a chat message, spread
    over the period (in bulk: the query count must not depend on how)."""
    from studyhall.communities.models import Membership
    from tests.factories import UserFactory

    people = UserFactory.create_batch(n)
    Membership.objects.bulk_create(
        Membership(community=community, user=p, role="student") for p in people
    )
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            community=community,
            author=p,
            title=f"Grown question {i}",
            created_at=now - timedelta(days=i % 80),
        )
        for i, p in enumerate(people)
    )
    posts = []
    for i, (p, t) in enumerate(zip(people, threads, strict=True)):
        at = now - timedelta(days=i % 80)
        posts.append(
            Post(
                thread=t,
                community=community,
                author=p,
                number=1,
                body="q",
                body_html="<p>q</p>",
                created_at=at,
                is_anonymous=i % 7 == 0,
            )
        )
        posts.append(
            Post(
                thread=threads[0],
                community=community,
                author=p,
                number=i + 2,
                body="a",
                body_html="<p>a</p>",
                created_at=at,
            )
        )
    Post.objects.bulk_create(posts)
    base = 1000 + Message.objects.filter(room=room).count()
    Message.objects.bulk_create(
        Message(
            room=room,
            author=p,
            number=base + i,
            body="m",
            body_html="m",
            created_at=now - timedelta(days=i % 80),
        )
        for i, p in enumerate(people)
    )
