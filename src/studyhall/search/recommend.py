"""Recommendations for one person, each with the reason it was chosen.

Candidates come from policy.visible and the person's own communities; the
lexical method ranks them by the words of the person's past answers (BM25 on
SQLite, ts_rank on PostgreSQL); with the semantic extra, questions to answer
are ranked by sentence similarity to those words instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.accounts.selectors import blocked_ids, blocker_ids
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Post
from studyhall.groups.models import GroupMembership, StudyGroup
from studyhall.search import engine, semantic
from studyhall.search import query as q
from studyhall.search.kinds import GROUP, RESOURCE, THREAD
from studyhall.search.models import Document
from studyhall.search.selectors import SEMANTIC_MIN_SCORE, Hit, hits_for

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
    groups: list[Hit] = field(default_factory=list)
    resources: list[Hit] = field(default_factory=list)


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
    hits, chosen = _closest_then_newest(
        user, documents, topics, limit, semantic_ok=True
    )
    for hit, document in zip(hits, chosen, strict=True):
        shared = _shared_words(document, topics)
        if shared:
            hit.why = [
                "Unanswered, and it mentions "
                + shared
                + ", which you write about in your answers."
            ]
        else:
            hit.why = [f"Unanswered in {hit.community_name}, where you are a member."]
    return hits, topics


def _closest_then_newest(
    user: Any,
    documents: QuerySet[Document],
    topics: list[str],
    limit: int,
    *,
    semantic_ok: bool = False,
) -> tuple[list[Hit], list[Document]]:
    """Return up to `limit` hits (and their documents): those closest to the
    topic words first, then the newest. Always asks for the newest, so a
    page's query count does not depend on how many matched.

    With the semantic extra enabled, kinds that store embeddings (threads:
    `semantic_ok`) are ranked by sentence similarity to the topic words."""
    chosen: list[Document] = []
    if topics and semantic_ok and semantic.is_enabled():
        ranked = [
            pk
            for pk, score in semantic.nearest(" ".join(topics), documents, limit)
            if score >= SEMANTIC_MIN_SCORE
        ]
        rows = documents.in_bulk(ranked)
        chosen = [rows[pk] for pk in ranked if pk in rows]
    elif topics:
        chosen = list(
            engine.match(documents, q.ParsedQuery(terms=topics), any_term=True)[:limit]
        )
    newest = documents.exclude(pk__in=[d.pk for d in chosen]).order_by(
        "-created_at", "-id"
    )
    chosen += list(newest[: max(limit - len(chosen), 1)])[: limit - len(chosen)]
    hits = hits_for(user, chosen)
    return hits, _kept(chosen, hits)


def _shared_words(document: Document, topics: list[str]) -> str:
    text = f"{document.title} {document.body}".lower()
    shared = [w for w in topics if w in text][:3]
    return ", ".join(f"“{w}”" for w in shared)


def groups_to_join(user: Any, topics: list[str], *, limit: int = LIMIT) -> list[Hit]:
    """Return study groups of the person's communities that they may join and
    are not in, closest to their topic words first, each with a reason."""
    mine = list(policy.snapshot(user).roles)
    if not mine:
        return []
    joinable = StudyGroup.objects.filter(
        visibility__in=[StudyGroup.Visibility.OPEN, StudyGroup.Visibility.REQUEST],
        member_count__lt=F("capacity"),
    ).exclude(pk__in=GroupMembership.objects.filter(user_id=user.pk).values("group_id"))
    documents = policy.visible(user, Document.objects.filter(kind=GROUP)).filter(
        community_id__in=mine, scope_id__in=joinable.values("pk")
    )
    hits, chosen = _closest_then_newest(user, documents, topics, limit)
    for hit, document in zip(hits, chosen, strict=True):
        shared = _shared_words(document, topics)
        hit.why = [
            f"It is about {shared}, which you write about in your answers."
            if shared
            else f"It has room for you in {hit.community_name}."
        ]
    return hits


def resources_to_read(user: Any, topics: list[str], *, limit: int = LIMIT) -> list[Hit]:
    """Return library resources the person may see in their communities, not
    added by them, closest to their topic words first, each with a reason."""
    mine = list(policy.snapshot(user).roles)
    if not mine:
        return []
    documents = (
        policy.visible(user, Document.objects.filter(kind=RESOURCE))
        .filter(community_id__in=mine)
        .exclude(author_id=user.pk)
    )
    hits, chosen = _closest_then_newest(user, documents, topics, limit)
    for hit, document in zip(hits, chosen, strict=True):
        shared = _shared_words(document, topics)
        hit.why = [
            f"It covers {shared}, which you write about in your answers."
            if shared
            else f"Newly added to the library of {hit.community_name}."
        ]
    return hits


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
    """Return threads to answer, groups to join, resources to read and people to
    meet for a signed-in person."""
    threads, topics = threads_to_answer(user)
    return Recommendations(
        threads=threads,
        people=people_to_meet(user),
        topic_words=topics,
        groups=groups_to_join(user, topics),
        resources=resources_to_read(user, topics),
    )


def communities_of(user: Any) -> list[Community]:
    """Return the communities the person belongs to, for the search filter."""
    return list(Community.objects.filter(pk__in=list(policy.snapshot(user).roles)))
