"""The REST API covers what the pages do: meetings, mentors and offers, the network,
community follows, photos, portfolio items and opportunities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from studyhall.profiles import services
from studyhall.profiles.models import Opportunity, Profile, ShowcaseItem
from tests.factories import CommunityFactory, make_member
from tests.profiles.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _accepted(student, mentor):
    services.update_mentoring(
        mentor, is_mentor=True, areas="Careers", availability="Fri", capacity=2
    )
    found = services.request_mentorship(student, mentor, goal="An internship")
    services.answer_mentorship(mentor, found, accept=True)
    return found


def test_mentors_offers_and_meetings(client, student, mentor):
    client.force_login(mentor)
    offered = client.put(
        "/api/v1/people/me/mentoring",
        {"is_mentor": True, "areas": "Careers", "availability": "Fri", "capacity": 2},
        content_type=JSON,
    )
    client.force_login(student)
    mentors = client.get("/api/v1/mentors").json()
    found = services.request_mentorship(student, mentor, goal="Internship")
    services.answer_mentorship(mentor, found, accept=True)
    when = (timezone.now() + timedelta(days=2)).isoformat()
    scheduled = client.post(
        f"/api/v1/mentorships/{found.pk}/meetings",
        {"starts_at": when, "duration_minutes": 45, "topic": "CV review"},
        content_type=JSON,
    )
    past = client.post(
        f"/api/v1/mentorships/{found.pk}/meetings",
        {"starts_at": "2001-01-01T10:00:00Z", "topic": "Too late"},
        content_type=JSON,
    )
    detail = client.get(f"/api/v1/mentorships/{found.pk}").json()

    assert offered.json()["capacity"] == 2
    assert [m["handle"] for m in mentors] == [mentor.handle]
    assert mentors[0]["mentor_areas"] == "Careers"
    assert scheduled.status_code == 201
    assert past.status_code == 422
    assert [m["topic"] for m in detail["meetings"]] == ["CV review"]
    assert detail["status"] == "accepted"


def test_a_student_cannot_offer_mentoring_through_the_api(client, student):
    client.force_login(student)

    refused = client.put(
        "/api/v1/people/me/mentoring",
        {"is_mentor": True, "areas": "x", "capacity": 1},
        content_type=JSON,
    )

    assert refused.status_code == 403


def test_someone_elses_mentorship_is_not_found(client, student, mentor):
    found = _accepted(student, mentor)
    client.force_login(make_member(CommunityFactory(), "student"))

    assert client.get(f"/api/v1/mentorships/{found.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/mentorships/{found.pk}/meetings",
            {"starts_at": timezone.now().isoformat(), "topic": "x"},
            content_type=JSON,
        ).status_code
        == 404
    )


def test_network_and_community_follow(client, community, student, other_student):
    services.request_connection(other_student, student, note="Hi")
    services.follow(student, other_student)
    client.force_login(student)

    network = client.get("/api/v1/people/me/network").json()
    followed = client.post(f"/api/v1/communities/{community.slug}/follow")
    unfollowed = client.delete(f"/api/v1/communities/{community.slug}/follow")
    hidden = client.post(f"/api/v1/communities/{CommunityFactory().slug}/follow")

    assert [r["sender"] for r in network["incoming"]] == [other_student.handle]
    assert network["following"] == [other_student.handle]
    assert followed.status_code == unfollowed.status_code == 204
    assert hidden.status_code == 404


def test_photo_upload_and_removal(client, student):
    client.force_login(student)

    sent = client.post(
        "/api/v1/people/me/avatar", {"file": upload("me.png", image_bytes())}
    )
    fake = client.post(
        "/api/v1/people/me/avatar",
        {"file": upload("evil.png", b"<script>alert(1)</script>")},
    )
    removed = client.delete("/api/v1/people/me/avatar")

    assert sent.status_code == 200
    assert sent.json()["avatar_url"] == f"/people/{student.handle}/avatar/"
    assert fake.status_code == 422
    assert removed.status_code == 204
    assert not Profile.objects.get(user=student).avatar


def test_portfolio_items_through_the_api(client, student, other_student):
    client.force_login(student)

    made = client.post(
        "/api/v1/people/me/showcase",
        {
            "title": "Thesis",
            "kind": "paper",
            "description": "On *bees*",
            "visibility": "public",
            "file": upload("figure.png", image_bytes()),
        },
    )
    bad = client.post("/api/v1/people/me/showcase", {"title": " "})
    item = ShowcaseItem.objects.get()
    client.force_login(other_student)
    not_theirs = client.delete(f"/api/v1/showcase/{item.pk}")
    client.force_login(student)
    removed = client.delete(f"/api/v1/showcase/{item.pk}")

    assert made.status_code == 201
    assert made.json()["description_html"].strip() == "<p>On <em>bees</em></p>"
    assert made.json()["file_url"] == f"/portfolio/{item.pk}/file/"
    assert bad.status_code == 422
    assert not_theirs.status_code == 403
    assert removed.status_code == 204


def test_opportunity_detail_and_removal(client, community, mentor, student):
    found = services.post_opportunity(
        mentor,
        community,
        kind="job",
        title="Analyst",
        apply_url="https://example.org/apply",
        deadline=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(student)
    shown = client.get(f"/api/v1/opportunities/{found.pk}")
    refused = client.delete(f"/api/v1/opportunities/{found.pk}")
    client.force_login(mentor)
    removed = client.delete(f"/api/v1/opportunities/{found.pk}")
    client.logout()
    hidden = client.get(f"/api/v1/opportunities/{found.pk}")

    assert shown.json()["title"] == "Analyst"
    assert refused.status_code == 403
    assert removed.status_code == 204
    assert not Opportunity.objects.exists()
    assert hidden.status_code == 404
