"""Relevance, phrases, filters and pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from studyhall.discussions.models import Thread
from studyhall.search import selectors
from studyhall.search.selectors import Filters
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member
from tests.search.conftest import found

pytestmark = pytest.mark.django_db


def test_a_title_match_ranks_above_a_body_match(committed, community, student):
    with committed():
        body_only = ask(
            student, community, title="Some question", body="About regularisation."
        )
        titled = ask(student, community, title="Regularisation strength", body="How?")

    assert found(student, "regularisation") == [
        ("thread", titled.pk),
        ("thread", body_only.pk),
    ]


def test_all_words_must_match(committed, community, student):
    with committed():
        both = ask(student, community, title="Gradient clipping", body="Exploding.")
        ask(student, community, title="Gradient descent", body="Learning rate.")

    assert found(student, "gradient clipping") == [("thread", both.pk)]


def test_a_quoted_phrase_matches_words_in_order(committed, community, student):
    with committed():
        phrase = ask(student, community, title="A", body="the random forest works")
        ask(student, community, title="B", body="forest of random trees")

    assert found(student, '"random forest"') == [("thread", phrase.pk)]


def test_query_syntax_characters_are_only_text(committed, community, student):
    with committed():
        ask(student, community, title="Plain", body="text")

    for text in ["NEAR(a b)", "title:x", '"unbalanced', "a* OR -b", "^(", "AND"]:
        selectors.search(student, Filters(text=text))


def test_punctuation_only_finds_nothing(student):
    assert selectors.search(student, Filters(text="?!")).total == 0


def test_filters_by_community_and_kind(committed, community, student, mentor):
    other = CommunityFactory()
    make_member(other, "student", email="x@example.org")
    from studyhall.communities.models import Membership

    Membership.objects.create(community=other, user=student, role="student")
    with committed():
        here = ask(student, community, title="Topology", body="Open sets")
        there = ask(student, other, title="Topology too", body="Closed sets")
        reply = answer(mentor, here, body="Topology is fun")

    assert found(student, "topology", community=other) == [("thread", there.pk)]
    assert found(student, "topology", kind="reply") == [("reply", reply.pk)]


def test_filters_by_date_and_code(committed, community, student):
    with committed():
        old = ask(student, community, title="Old code", body="```\nprint(1)\n```")
        new = ask(student, community, title="New prose code", body="No listing.")
    Thread.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    from studyhall.search import indexing

    indexing.index("thread", [old.pk])
    today = timezone.localdate()

    assert found(student, "code", has_code=True) == [("thread", old.pk)]
    assert found(student, "code", after=today) == [("thread", new.pk)]
    assert found(student, "code", before=today - timedelta(days=1)) == [
        ("thread", old.pk)
    ]


def test_filters_without_words_list_newest_first(committed, community, student):
    with committed():
        first = ask(student, community, title="One")
        second = ask(student, community, title="Two")

    assert found(student, "", author=student) == [
        ("thread", second.pk),
        ("thread", first.pk),
    ]


def test_nothing_asked_gives_no_results(student):
    assert selectors.search(student, Filters()).total == 0


def test_results_are_paginated(committed, community, student):
    with committed():
        for n in range(25):
            ask(student, community, title=f"Bootstrap sample {n}")

    first = selectors.search(student, Filters(text="bootstrap"), page=1)
    second = selectors.search(student, Filters(text="bootstrap"), page=2)
    beyond = selectors.search(student, Filters(text="bootstrap"), page=99)

    assert (first.total, first.page_count, len(first.items)) == (25, 2, 20)
    assert len(second.items) == 5
    assert beyond.number == 2
    ids = {h.object_id for h in first.items} | {h.object_id for h in second.items}
    assert len(ids) == 25
