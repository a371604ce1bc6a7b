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


def test_groups_to_join_match_my_answers_and_never_show_hidden_ones(
    committed, community, student, other_student, mentor
):
    from studyhall.search.recommend import groups_to_join
    from tests.factories import make_group

    with committed():
        thread = ask(student, community, title="Eigenvalues of a rotation")
        answer(mentor, thread, body="Eigenvalues of a rotation are complex.")
        close = make_group(other_student, community, name="Eigenvalues drill")
        newest = make_group(other_student, community, name="Poetry circle")
        make_group(
            other_student, community, name="Eigenvalues elite", visibility="hidden"
        )
        make_group(
            other_student, community, name="Eigenvalues invite", visibility="invite"
        )
        make_group(mentor, community, name="Eigenvalues of mine")
    _, topics = threads_to_answer(mentor)

    hits = groups_to_join(mentor, topics)

    assert [h.object_id for h in hits] == [close.pk, newest.pk]
    assert "eigenvalues" in hits[0].why[0]
    assert "room for you" in hits[1].why[0]


def test_resources_to_read_leave_out_other_groups_shelves(
    committed, community, student, other_student, mentor
):
    from studyhall.library import services as library
    from studyhall.search.recommend import resources_to_read
    from tests.factories import make_group

    with committed():
        group = make_group(other_student, community, name="Closed shelf")
        library.add_item(
            other_student,
            community,
            library.ItemFields(title="Shelf paper"),
            group=group,
        )
        shared = library.add_item(
            other_student, community, library.ItemFields(title="Open textbook")
        )

    hits = resources_to_read(mentor, [])

    assert [h.object_id for h in hits] == [shared.pk]
    assert "library of" in hits[0].why[0]


def test_for_me_page_lists_groups_and_resources(
    client, committed, community, other_student, mentor
):
    from studyhall.library import services as library
    from tests.factories import make_group

    with committed():
        make_group(other_student, community, name="Algebra evenings")
        library.add_item(other_student, community, library.ItemFields(title="Atlas"))
    client.force_login(mentor)

    page = client.get("/search/for-me/").content.decode()
    api = client.get("/api/v1/recommendations").json()

    assert "Study groups to join" in page and "Algebra evenings" in page
    assert "Resources to read" in page and "Atlas" in page
    assert [g["title"] for g in api["groups"]] == ["Algebra evenings"]
    assert [r["title"] for r in api["resources"]] == ["Atlas"]
