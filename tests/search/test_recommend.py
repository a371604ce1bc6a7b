"""Recommendations: questions I could answer and people to meet, each with why."""

from __future__ import annotations

import pytest

from studyhall.accounts.models import Block
from studyhall.search.recommend import people_to_meet, threads_to_answer
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def test_questions_matching_past_answers_come_first(
    committed, community, student, other_student, mentor
):
    with committed():
        earlier = ask(student, community, title="Backpropagation by hand")
        answer(mentor, earlier, body="Backpropagation applies the chain rule.")
        match = ask(other_student, community, title="Chain rule in backpropagation?")
        other = ask(other_student, community, title="Citation styles")

    hits, topics = threads_to_answer(mentor)

    assert "backpropagation" in topics
    assert [h.object_id for h in hits] == [match.pk, other.pk]
    assert "backpropagation" in hits[0].why[0]
    assert "Unanswered in" in hits[1].why[0]


def test_no_recommendations_outside_communities(outsider):
    assert threads_to_answer(outsider) == ([], [])
    assert people_to_meet(outsider) == []


def test_own_questions_and_private_ones_are_not_recommended(
    committed, community, student, mentor
):
    hidden = CommunityFactory()
    make_member(hidden, "student")
    with committed():
        ask(mentor, community, title="My own question")

    hits, _ = threads_to_answer(mentor)

    assert hits == []


def test_people_sharing_most_communities_come_first_with_why(
    community, student, other_student
):
    second = CommunityFactory(name="Statistics Club")
    from studyhall.communities.models import Membership

    Membership.objects.create(community=second, user=student, role="student")
    Membership.objects.create(community=second, user=other_student, role="student")
    lone = make_member(second, "student")

    people = people_to_meet(student)

    assert [p.person for p in people] == [other_student, lone]
    assert people[0].why.startswith("You are both in ")
    assert "Statistics Club" in people[0].why and " and " in people[0].why
    assert people[1].why == "You are both in Statistics Club."


def test_blocked_people_are_not_suggested(community, student, other_student):
    Block.objects.create(blocker=other_student, blocked=student)

    assert other_student not in [p.person for p in people_to_meet(student)]
