"""The index follows the content: create, edit, accept, hide and delete."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from studyhall.discussions import services
from studyhall.search import indexing
from studyhall.search.models import Document
from tests.discussions.helpers import answer, ask
from tests.search.conftest import found

pytestmark = pytest.mark.django_db


def test_a_new_thread_is_found_by_a_title_word(committed, community, student):
    with committed():
        thread = ask(student, community, title="Eigenvalues of a rotation matrix")

    assert found(student, "eigenvalues") == [("thread", thread.pk)]


def test_a_new_reply_is_found_by_a_word_of_its_body(
    committed, community, student, mentor
):
    with committed():
        thread = ask(student, community)
        reply = answer(mentor, thread, body="Try the Cholesky factorisation instead.")

    assert found(mentor, "cholesky") == [("reply", reply.pk)]


def test_stemming_finds_other_forms_of_a_word(committed, community, student):
    with committed():
        thread = ask(
            student, community, title="Normalising the inputs", body="Scaling."
        )

    assert found(student, "normalised") == [("thread", thread.pk)]


def test_editing_a_reply_replaces_its_words(committed, community, student, mentor):
    with committed():
        thread = ask(student, community)
        reply = answer(mentor, thread, body="Use a hashtable.")
        services.edit_post(mentor, reply, body="Use a binary heap.")

    assert found(student, "hashtable") == []
    assert found(student, "heap") == [("reply", reply.pk)]


def test_editing_the_title_reindexes_the_thread(committed, community, student):
    with committed():
        thread = ask(student, community, title="Old wording here")
        services.edit_post(
            student,
            thread.posts.get(number=1),
            body="New body",
            title="Bayesian priors",
        )

    assert found(student, "wording") == []
    assert found(student, "priors") == [("thread", thread.pk)]


def test_a_deleted_reply_leaves_the_index(committed, community, student, moderator):
    with committed():
        thread = ask(student, community)
        reply = answer(student, thread, body="Quaternion trick")
        services.delete_post(moderator, reply)

    assert found(moderator, "quaternion") == []
    assert not Document.objects.filter(kind="reply", object_id=reply.pk).exists()


def test_a_deleted_thread_takes_its_replies_out(committed, community, student, mentor):
    with committed():
        thread = ask(student, community, title="Kalman filter question")
        answer(mentor, thread, body="Kalman gain explained")
        services.delete_post(student, thread.posts.get(number=1))

    assert found(mentor, "kalman") == []
    assert not Document.objects.filter(thread_id=thread.pk).exists()


def test_accepting_an_answer_marks_the_thread_answered(
    committed, community, student, mentor
):
    with committed():
        thread = ask(student, community, title="Dropout rate")
        reply = answer(mentor, thread, body="Start at 0.5")
        before = found(student, "dropout", answered="answered")
        services.accept_answer(student, reply)

    assert before == []
    assert found(student, "dropout", answered="answered") == [("thread", thread.pk)]
    assert found(student, "dropout", answered="unanswered") == []


def test_indexing_twice_changes_nothing(committed, community, student):
    with committed():
        thread = ask(student, community, title="Idempotent tasks")

    indexing.index("thread", [thread.pk])
    indexing.index("thread", [thread.pk])

    assert found(student, "idempotent") == [("thread", thread.pk)]
    assert Document.objects.filter(kind="thread").count() == 1


def test_rebuild_command_refills_the_index_with_a_progress_bar(
    community, student, mentor, capsys
):
    thread = ask(student, community, title="Markov chains")  # no on-commit work ran
    answer(mentor, thread, body="Stationary distribution")
    assert found(student, "markov") == []

    call_command("rebuild_search_index")

    out = capsys.readouterr().out
    assert "[##############################] 100% 2/2" in out
    assert "Indexed 2 documents" in out
    assert found(student, "markov") == [("thread", thread.pk)]
    assert found(student, "stationary") != []


def test_rebuild_command_refuses_an_unknown_kind(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("rebuild_search_index", kind=["spaceship"])


def test_rebuild_of_one_kind_keeps_the_others(committed, community, student, mentor):
    with committed():
        thread = ask(student, community, title="Sampling bias")
        answer(mentor, thread, body="Selection bias differs")

    call_command("rebuild_search_index", kind=["reply"])

    assert ("thread", thread.pk) in found(student, "bias")
    assert len(found(student, "bias")) == 2


def test_rebuild_if_empty_leaves_a_filled_index_alone(
    committed, community, student, capsys
):
    with committed():
        ask(student, community, title="Already indexed")
    ask(student, community, title="Behind the index's back")

    call_command("rebuild_search_index", if_empty=True)

    assert "nothing to do" in capsys.readouterr().out
    assert found(student, "behind") == []
