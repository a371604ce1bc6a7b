"""The optional semantic method (pip install .[ai]); skipped without the extra."""

from __future__ import annotations

import pytest

from studyhall.search import semantic
from studyhall.search.models import Embedding
from studyhall.search.selectors import similar_threads
from tests.discussions.helpers import ask
from tests.factories import CommunityFactory, make_member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not semantic.is_installed(), reason="the [ai] extra is not installed"
    ),
]


@pytest.fixture
def semantic_on(settings):
    settings.SEARCH_SEMANTIC = "auto"


def test_indexing_stores_an_embedding_per_thread(
    semantic_on, committed, community, student
):
    with committed():
        thread = ask(student, community, title="Inverting a matrix")

    stored = Embedding.objects.get(document__object_id=thread.pk)
    assert stored.model == semantic.MODEL_NAME
    assert len(bytes(stored.vector)) == 384 * 4


def test_similar_questions_find_a_paraphrase_without_shared_words(
    semantic_on, committed, community, student
):
    with committed():
        target = ask(
            student,
            community,
            title="How can I compute the inverse of a matrix in numpy?",
            body="linalg",
        )
        ask(student, community, title="Which citation style?", body="For the essay.")
        ask(student, community, title="When is the exam room booked?", body="Ok.")

    hits = similar_threads(student, title="Inverting arrays with NumPy")

    assert [h.object_id for h in hits] == [target.pk]


def test_semantic_candidates_are_filtered_by_the_policy(
    semantic_on, committed, outsider
):
    hidden = CommunityFactory()
    insider = make_member(hidden, "student")
    with committed():
        ask(insider, hidden, title="Secret matrix inversion trick")

    assert similar_threads(outsider, title="inverting a matrix") == []


def test_switched_off_stores_nothing(committed, community, student):
    with committed():
        ask(student, community, title="No vectors please")

    assert not semantic.is_enabled()
    assert Embedding.objects.count() == 0


def test_questions_to_answer_are_ranked_by_meaning_with_the_extra(
    semantic_on, committed, community, student, mentor
):
    from studyhall.search.recommend import threads_to_answer
    from tests.discussions.helpers import answer

    with committed():
        earlier = ask(student, community, title="Inverting a matrix in numpy")
        answer(mentor, earlier, body="Use numpy.linalg.inv to invert the matrix.")
        close = ask(student, community, title="Computing the inverse of an array")
        ask(student, community, title="Citation styles for the thesis")

    hits, _ = threads_to_answer(mentor)

    assert hits[0].object_id == close.pk
