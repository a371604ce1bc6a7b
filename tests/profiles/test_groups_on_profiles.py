"""Study groups on profiles: a reason in suggestions and an achievement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyhall.groups import services as groups
from studyhall.groups.services import GroupFields
from studyhall.profiles import selectors

pytestmark = pytest.mark.django_db


def _group(organizer, community, name: str, visibility: str = "open"):
    return groups.create_group(
        organizer, community, GroupFields(name=name, visibility=visibility)
    )


def test_a_shared_study_group_is_a_reason_in_suggestions(
    client, community, student, other_student
):
    group = _group(other_student, community, "Bayes circle")
    groups.join_group(student, group)
    client.force_login(student)

    found = selectors.people_like_you(student)
    page = client.get(reverse("profiles:suggestions"))
    api = client.get("/api/v1/people/me/suggestions").json()

    first = found[0]
    assert first.person.user == other_student
    assert "1 shared study group: Bayes circle" in first.reasons
    assert "1 shared study group: Bayes circle" in page.text
    assert "1 shared study group: Bayes circle" in api[0]["reasons"]


def test_a_shared_group_ranks_a_person_above_a_course_mate(
    community, student, other_student
):
    from tests.factories import make_member

    make_member(community, "student")
    group = _group(other_student, community, "Exam prep")
    groups.join_group(student, group)

    found = selectors.people_like_you(student)

    assert found[0].person.user == other_student
    assert found[0].score > found[1].score


def test_a_group_the_person_only_asked_to_join_is_no_reason(
    community, student, other_student
):
    group = _group(other_student, community, "Closed door", visibility="request")
    groups.join_group(student, group)

    found = selectors.people_like_you(student)

    assert all("study group" not in " ".join(s.reasons) for s in found)


def test_groups_organized_and_joined_show_as_achievements(
    client, community, student, other_student
):
    organized = _group(other_student, community, "Linear algebra club")
    joined = _group(student, community, "Proof reading")
    groups.join_group(other_student, joined)
    client.force_login(student)

    page = client.get(reverse("accounts:profile", args=[other_student.handle]))
    api = client.get(f"/api/v1/people/{other_student.handle}").json()

    assert "2 study groups joined" in page.text
    assert "1 study group organized" in page.text
    assert reverse("groups:group-detail", args=[organized.pk]) in page.text
    assert api["achievements"]["group_count"] == 2
    assert api["achievements"]["groups_organized"] == [
        {"id": organized.pk, "name": "Linear algebra club"}
    ]


def test_a_hidden_group_counts_only_for_viewers_in_it(
    community, student, other_student
):
    _group(other_student, community, "Secret society", visibility="hidden")

    seen_by_peer = selectors.achievements(student, other_student)
    seen_by_self = selectors.achievements(other_student, other_student)

    assert seen_by_peer.group_count == 0
    assert seen_by_peer.groups_organized == []
    assert seen_by_self.groups_organized_count == 1
