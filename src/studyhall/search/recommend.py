"""Recommendations for one person, each with the reason it was chosen.

Candidates come from policy.visible and the person's own communities; the
lexical method ranks unanswered questions by the words of the person's past
answers (BM25 on SQLite, ts_rank on PostgreSQL).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.accounts.selectors import blocked_ids, blocker_ids
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Post
from studyhall.search import engine
from studyhall.search import query as q
from studyhall.search.kinds import THREAD
from studyhall.search.models import Document
from studyhall.search.selectors import Hit, hits_for

LIMIT = 5
HISTORY = 50
TOPIC_WORDS = 12


@dataclass
class PersonSuggestion:
    person: User
    why: str


@dataclass
class Recommendations:
    threads: list[Hit]
    people: list[PersonSuggestion]
    topic_words: list[str]


def _your_topics(user: Any) -> list[str]:
    """Return the words the person's recent answers use most (their interests)."""
    texts = Post.objects.filter(
        author_id=user.pk, number__gt=1, is_deleted=False
    ).order_by("-created_at")[:HISTORY]
    counts: Counter[str] = Counter()
    for body, title in texts.values_list("body", "thread__title"):
        counts.update(q.topic_words(f"{title} {body}", 200))
    return [word for word, _ in counts.most_common(TOPIC_WORDS)]


def threads_to_answer(user: Any, *, limit: int = LIMIT) -> tuple[list[Hit], list[str]]:
    """Return unanswered questions in the person's communities they have not joined
    in on, closest to their past answers first, each with a reason."""
    mine = list(policy.snapshot(user).roles)
    if not mine:
        return [], []
    answered_in = Post.objects.filter(author_id=user.pk).values("thread_id")
    documents = (
        policy.visible(user, Document.objects.filter(kind=THREAD))
        .filter(community_id__in=mine, is_question=True, is_answered=False)
        .exclude(author_id=user.pk)
        .exclude(thread_id__in=answered_in)
    )
    topics = _your_topics(user)
    chosen: list[Document] = []
    if topics:
        chosen = list(
            engine.match(documents, q.ParsedQuery(terms=topics), any_term=True)[:limit]
        )
    # Fill up with the newest open questions; always asked, so the page's
    # query count does not depend on how many matched.
    newest = documents.exclude(pk__in=[d.pk for d in chosen]).order_by(
        "-created_at", "-id"
    )
    chosen += list(newest[: max(limit - len(chosen), 1)])[: limit - len(chosen)]
    hits = hits_for(user, chosen)
    for hit, document in zip(hits, _kept(chosen, hits), strict=True):
        text = f"{document.title} {document.body}".lower()
        shared = [w for w in topics if w in text][:3]
        if shared:
            hit.why = [
                "Unanswered, and it mentions "
                + ", ".join(f"“{w}”" for w in shared)
                + ", which you write about in your answers."
            ]
        else:
            hit.why = [f"Unanswered in {hit.community_name}, where you are a member."]
    return hits, topics


def _kept(documents: list[Document], hits: list[Hit]) -> list[Document]:
    shown = {(h.kind, h.object_id) for h in hits}
    return [d for d in documents if (d.kind, d.object_id) in shown]


def people_to_meet(user: Any, *, limit: int = LIMIT) -> list[PersonSuggestion]:
    """Return people who share the most communities with the person, with those
    communities as the reason; blocked people in either direction are left out."""
    mine = list(policy.snapshot(user).roles)
    if not mine:
        return []
    skip = {user.pk} | blocked_ids(user) | blocker_ids(user)
    top = list(
        Membership.objects.filter(
            community_id__in=mine,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(user_id__in=skip)
        .values("user_id")
        .annotate(shared=Count("community_id"))
        .order_by("-shared", "user_id")[:limit]
    )
    ids = [row["user_id"] for row in top]
    names: dict[int, list[str]] = {}
    for person_id, name in (
        Membership.objects.filter(
            user_id__in=ids,
            community_id__in=mine,
            status=Membership.Status.ACTIVE,
        )
        .order_by("community__name")
        .values_list("user_id", "community__name")
    ):
        names.setdefault(person_id, []).append(name)
    people = {p.pk: p for p in User.objects.filter(pk__in=ids)}
    return [
        PersonSuggestion(
            person=people[pk],
            why="You are both in " + _and_list(names.get(pk, [])) + ".",
        )
        for pk in ids
        if pk in people
    ]


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def recommendations_for(user: Any) -> Recommendations:
    """Return threads to answer and people to meet for a signed-in person."""
    threads, topics = threads_to_answer(user)
    return Recommendations(
        threads=threads, people=people_to_meet(user), topic_words=topics
    )


def communities_of(user: Any) -> list[Community]:
    """Return the communities the person belongs to, for the search filter."""
    return list(Community.objects.filter(pk__in=list(policy.snapshot(user).roles)))
