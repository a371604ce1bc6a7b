"""Similar questions for the composer: lexical by default, answered first."""

from __future__ import annotations

import pytest

from studyhall.discussions import services
from studyhall.search.selectors import similar_threads
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def test_similar_threads_puts_answered_ones_first(
    committed, community, student, mentor
):
    with committed():
        open_one = ask(student, community, title="Overfitting in decision trees")
        done = ask(student, community, title="Decision trees overfitting badly")
        reply = answer(mentor, done, body="Prune them.")
        services.accept_answer(student, reply)
        ask(student, community, title="Unrelated: bibliography style")

    hits = similar_threads(student, title="Why are my decision trees overfitting?")

    assert [h.object_id for h in hits] == [done.pk, open_one.pk]
    assert hits[0].is_answered


def test_similar_threads_returns_at_most_five(committed, community, student):
    with committed():
        for n in range(8):
            ask(student, community, title=f"Kernel trick question {n}")

    assert len(similar_threads(student, title="kernel trick")) == 5


def test_similar_threads_skips_private_communities(committed, student, outsider):
    hidden = CommunityFactory()
    insider = make_member(hidden, "student")
    with committed():
        ask(insider, hidden, title="Secret lattice cryptography")

    assert similar_threads(outsider, title="lattice cryptography") == []
    assert similar_threads(insider, title="lattice cryptography") != []


def test_only_stopwords_suggest_nothing(committed, community, student):
    with committed():
        ask(student, community, title="How do I do this?")

    assert similar_threads(student, title="how do I do this") == []


def test_similar_api_answers_for_the_composer(client, committed, community, student):
    with committed():
        thread = ask(student, community, title="Confidence intervals for medians")
    client.force_login(student)

    response = client.get(
        "/api/v1/search/similar",
        {"title": "confidence interval median", "community": community.slug},
    )

    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [thread.pk]


def test_similar_api_hides_private_community(
    client, committed, community, student, outsider
):
    with committed():
        ask(student, community, title="Confidence intervals for medians")
    client.force_login(outsider)

    response = client.get(
        "/api/v1/search/similar", {"title": "confidence", "community": community.slug}
    )
    everywhere = client.get("/api/v1/search/similar", {"title": "confidence"})

    assert response.status_code == 404
    assert everywhere.json()["items"] == []
