"""Listeners hear committed events with who caused them; failures stay contained."""

from __future__ import annotations

import pytest
from django.db import transaction

from studyhall.realtime import hooks
from studyhall.realtime.services import publish
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(hooks, "_listeners", hooks.defaultdict(list))
    seen: list[hooks.Occurrence] = []
    hooks.listen("reply.created")(seen.append)
    return seen


def test_listener_hears_a_reply_with_its_author_after_commit(
    heard, community, student, mentor
):
    thread = ask(student, community)

    post = answer(mentor, thread)

    assert [(o.type, o.payload["post"], o.actor_id) for o in heard] == [
        ("reply.created", post.pk, mentor.pk)
    ]


def test_rolled_back_change_is_never_heard(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("thread.1", "reply.created", {"post": 1})
        raise RuntimeError("change failed")

    assert heard == []


def test_a_failing_listener_does_not_stop_the_others(heard, caplog):
    def broken(occurrence):
        raise ValueError("boom")

    hooks.listen("reply.created")(broken)
    everything: list[hooks.Occurrence] = []
    hooks.listen("*")(everything.append)

    with transaction.atomic():
        publish("thread.1", "reply.created", {"post": 1})

    assert len(heard) == 1 and len(everything) == 1
    assert "listener" in caplog.text
