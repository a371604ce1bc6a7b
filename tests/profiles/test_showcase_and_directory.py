"""Portfolio files, directory sorting, paging and filters, and published events."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from studyhall.profiles import selectors, services
from studyhall.profiles.models import ShowcaseItem
from studyhall.realtime.models import Event
from tests.factories import CommunityFactory, make_member
from tests.profiles.conftest import image_bytes, profile_data, upload

pytestmark = pytest.mark.django_db


def test_a_pdf_is_kept_and_served_to_those_who_may_see_it(client, student, outsider):
    pdf = upload(
        "paper.pdf", b"%PDF-1.4\n%fake but well-formed enough\n", "application/pdf"
    )
    item = services.add_showcase_item(
        student, title="My paper", kind="paper", upload=pdf, visibility="communities"
    )
    url = reverse("profiles:showcase-file", kwargs={"item_id": item.pk})

    client.force_login(student)
    mine = client.get(url)
    client.force_login(outsider)
    theirs = client.get(url)

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert "attachment" in mine["Content-Disposition"]
    assert theirs.status_code == 404


def test_portfolio_images_are_re_encoded_and_fakes_refused(student):
    item = services.add_showcase_item(
        student, title="Poster", upload=upload("poster.jpg", image_bytes("JPEG"))
    )

    with pytest.raises(ValidationError) as error:
        services.add_showcase_item(
            student, title="Evil", upload=upload("x.png", b"<?php system($_GET[1]);")
        )

    assert item.file.name.endswith(".png")
    assert "Attach a PDF or an image" in error.value.message_dict["file"][0]


@override_settings(PROFILES_SHOWCASE_MAX_BYTES=100)
def test_an_oversized_portfolio_file_keeps_the_form(client, student):
    client.force_login(student)

    response = client.post(
        reverse("profiles:showcase-create"),
        {
            "kind": "project",
            "title": "Typed project",
            "visibility": "communities",
            "file": upload("big.pdf", b"%PDF-" + b"x" * 500, "application/pdf"),
        },
    )

    assert response.status_code == 400
    assert "too large" in response.text
    assert 'value="Typed project"' in response.text
    assert not ShowcaseItem.objects.exists()


def test_add_and_remove_an_item_through_the_pages(client, student):
    client.force_login(student)

    client.post(
        reverse("profiles:showcase-create"),
        {
            "kind": "talk",
            "title": "Lightning talk",
            "description": "*slides*",
            "link": "https://example.org/talk",
            "visibility": "public",
        },
    )
    item = ShowcaseItem.objects.get()
    page = client.get(reverse("accounts:profile", kwargs={"handle": student.handle}))
    client.post(reverse("profiles:showcase-delete", kwargs={"item_id": item.pk}))

    assert "<em>slides</em>" in page.text
    assert not ShowcaseItem.objects.exists()


def test_others_cannot_remove_my_items(client, student, other_student):
    item = services.add_showcase_item(student, title="Mine")
    client.force_login(other_student)

    client.post(reverse("profiles:showcase-delete", kwargs={"item_id": item.pk}))

    assert ShowcaseItem.objects.filter(pk=item.pk).exists()


def test_directory_sorts_pages_and_filters_by_role_and_course(client):
    community = CommunityFactory()
    other = CommunityFactory(name="Second Course")
    viewer = make_member(community, "student", display_name="Mia Viewer")
    for i in range(30):
        make_member(community, "student", display_name=f"Student {i:02d}")
    tutor = make_member(community, "instructor", display_name="Aaron Tutor")
    also = make_member(community, "student", display_name="Zed Both")
    from studyhall.communities.models import Membership

    Membership.objects.create(community=other, user=also)
    Membership.objects.create(community=other, user=viewer)
    client.force_login(viewer)
    url = reverse("profiles:directory", kwargs={"slug": community.slug})

    first = client.get(url, {"sort": "name"})
    second = client.get(url, {"sort": "name", "page": "2"})
    newest = client.get(url, {"sort": "newest"})
    instructors = client.get(url, {"role": "instructor"})
    both = client.get(url, {"course": other.slug})
    named = client.get(url, {"q": "zed"})

    assert "Aaron Tutor" in first.text and "Zed Both" not in first.text
    assert "Zed Both" in second.text
    assert newest.text.index("Zed Both") < newest.text.index("Aaron Tutor")
    assert "Aaron Tutor" in instructors.text and "Student 01" not in instructors.text
    assert "Zed Both" in both.text and "Student 01" not in both.text
    assert "Zed Both" in named.text and "Aaron Tutor" not in named.text
    assert tutor


def test_outsiders_cannot_open_a_directory(client, community, outsider):
    client.force_login(outsider)

    response = client.get(
        reverse("profiles:directory", kwargs={"slug": community.slug})
    )

    assert response.status_code == 404


def test_public_community_directory_is_refused_to_non_members(client, outsider):
    public = CommunityFactory(visibility="public")
    make_member(public, "student")
    client.force_login(outsider)

    response = client.get(reverse("profiles:directory", kwargs={"slug": public.slug}))

    assert response.status_code == 403


def test_requests_and_answers_publish_events_for_the_other_person(
    student, other_student, mentor
):
    services.update_mentoring(
        mentor, is_mentor=True, areas="x", availability="", capacity=1
    )

    request = services.request_connection(student, other_student, note="private note")
    services.answer_connection(other_student, request, accept=True)
    mentorship = services.request_mentorship(student, mentor, goal="private goal")
    services.answer_mentorship(mentor, mentorship, accept=False)

    types = {
        (e.stream, e.type): json.loads(json.dumps(e.payload))
        for e in Event.objects.all()
    }
    assert types[(f"user.{other_student.pk}", "connection.requested")] == {
        "request": request.pk
    }
    assert types[(f"user.{student.pk}", "connection.answered")]["status"] == "accepted"
    assert (f"user.{mentor.pk}", "mentorship.requested") in types
    assert types[(f"user.{student.pk}", "mentorship.answered")]["status"] == "declined"
    assert "private" not in json.dumps(list(types.values()))


def test_tag_suggestions_count_only_visible_tags(student, other_student):
    services.update_profile(other_student, **profile_data(interests="Topology"))
    services.update_profile(
        make_member(student.memberships.first().community, "student"),
        **profile_data(interests="Hidden", interests_visibility="only_me"),
    )

    found = selectors.tag_suggestions(student, "interest")

    assert "Topology" in found
    assert "Hidden" not in found


@pytest.mark.parametrize(
    "path",
    [
        "/portfolio/99999999999999999999999/file/",
        "/mentoring/99999999999999999999999/",
        "/opportunities/99999999999999999999999/",
        "/api/v1/mentorships/99999999999999999999999",
        "/api/v1/people/%00",
        "/accounts/people/%00/",
        "/people/%00/connect/",
        "/people/%00/mentorship/",
    ],
)
def test_huge_or_malformed_ids_are_not_found(client, student, path):
    client.force_login(student)

    response = client.get(path)

    assert response.status_code in {404, 405, 422}


def test_nul_in_filters_is_ignored(client, community, student):
    client.force_login(student)

    people = client.get(
        reverse("profiles:directory", kwargs={"slug": community.slug}),
        {"q": "a\x00b", "interest": "\x00", "time_zone": "\x00", "course": "\x00"},
    )
    board = client.get(
        reverse("profiles:opportunity-list", kwargs={"slug": community.slug}),
        {"tag": "x\x00"},
    )
    api = client.get(f"/api/v1/communities/{community.slug}/people", {"skill": "\x00"})

    assert people.status_code == 200
    assert board.status_code == 200
    assert api.status_code == 200
