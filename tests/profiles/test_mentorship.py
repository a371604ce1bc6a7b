"""Mentoring offers, requests that expire, private mentorship pages and meetings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from studyhall.core.errors import DomainError
from studyhall.profiles import services
from studyhall.profiles.models import MentorshipRequest
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _offer(mentor, capacity: int = 2) -> None:
    services.update_mentoring(
        mentor,
        is_mentor=True,
        areas="Careers in data",
        availability="Fridays",
        capacity=capacity,
    )


def test_students_cannot_offer_mentoring(student):
    with pytest.raises(PermissionDenied):
        _offer(student)


def test_an_offer_needs_areas_and_a_sane_capacity(mentor):
    with pytest.raises(ValidationError) as error:
        services.update_mentoring(
            mentor, is_mentor=True, areas="", availability="", capacity=99
        )

    assert set(error.value.message_dict) == {"areas", "capacity"}


def test_request_accept_and_schedule_through_the_pages(client, student, mentor):
    _offer(mentor)
    client.force_login(student)
    asked = client.post(
        reverse("profiles:mentorship-request", kwargs={"handle": mentor.handle}),
        {"goal": "Land a data internship by June"},
    )
    mentorship = MentorshipRequest.objects.get(mentee=student)
    client.force_login(mentor)
    client.post(
        reverse("profiles:mentorship-answer", kwargs={"mentorship_id": mentorship.pk}),
        {"action": "accept"},
    )
    when = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("profiles:mentorship-detail", kwargs={"mentorship_id": mentorship.pk}),
        {"starts_at": when, "duration_minutes": 45, "topic": "CV review", "place": ""},
    )
    page = client.get(
        reverse("profiles:mentorship-detail", kwargs={"mentorship_id": mentorship.pk})
    )

    assert asked.status_code == 302
    assert "Land a data internship by June" in page.text
    assert "CV review" in page.text
    assert MentorshipRequest.objects.get(pk=mentorship.pk).status == "accepted"


def test_a_meeting_in_the_past_is_refused_and_the_form_kept(client, student, mentor):
    _offer(mentor)
    mentorship = services.request_mentorship(student, mentor, goal="Grow")
    services.answer_mentorship(mentor, mentorship, accept=True)
    client.force_login(student)

    response = client.post(
        reverse("profiles:mentorship-detail", kwargs={"mentorship_id": mentorship.pk}),
        {"starts_at": "2001-01-01T10:00", "duration_minutes": 30, "topic": "Old times"},
    )

    assert response.status_code == 400
    assert "Choose a time in the future." in response.text
    assert 'value="Old times"' in response.text


def test_the_mentorship_page_is_private_to_its_two_people(
    client, student, mentor, other_student
):
    _offer(mentor)
    mentorship = services.request_mentorship(student, mentor, goal="Secret goal")
    client.force_login(other_student)

    response = client.get(
        reverse("profiles:mentorship-detail", kwargs={"mentorship_id": mentorship.pk})
    )

    assert response.status_code == 404


def test_requests_expire_after_fourteen_days(student, mentor):
    _offer(mentor)
    request = services.request_mentorship(student, mentor, goal="Grow")
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=14, minutes=1)
    )

    with pytest.raises(DomainError, match="closed"):
        services.answer_mentorship(mentor, request, accept=True)

    assert MentorshipRequest.objects.get(pk=request.pk).status == "expired"
    assert (
        services.request_mentorship(student, mentor, goal="Again").status == "pending"
    )


def test_a_request_younger_than_fourteen_days_stays_open(student, mentor):
    _offer(mentor)
    request = services.request_mentorship(student, mentor, goal="Grow")
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=13)
    )

    assert services.expire_mentorship_requests() == 0


def test_capacity_limits_accepted_mentees(community, student, other_student, mentor):
    _offer(mentor, capacity=1)
    first = services.request_mentorship(student, mentor, goal="A")
    second = services.request_mentorship(other_student, mentor, goal="B")
    services.answer_mentorship(mentor, first, accept=True)

    with pytest.raises(DomainError, match="capacity"):
        services.answer_mentorship(mentor, second, accept=True)
    with pytest.raises(DomainError, match="no room"):
        services.request_mentorship(make_member(community, "student"), mentor, goal="C")


def test_decline_withdraw_and_end(student, other_student, mentor):
    _offer(mentor)
    declined = services.request_mentorship(student, mentor, goal="A")
    services.answer_mentorship(mentor, declined, accept=False)
    withdrawn = services.request_mentorship(other_student, mentor, goal="B")
    services.withdraw_mentorship(other_student, withdrawn)
    ended = services.request_mentorship(student, mentor, goal="C")
    services.answer_mentorship(mentor, ended, accept=True)
    services.withdraw_mentorship(mentor, ended)

    statuses = [
        MentorshipRequest.objects.get(pk=r.pk).status
        for r in (declined, withdrawn, ended)
    ]
    assert statuses == ["declined", "withdrawn", "ended"]
    with pytest.raises(DomainError):
        services.withdraw_mentorship(student, declined)


def test_people_who_are_not_mentoring_cannot_be_asked(
    student, other_student, outsider, mentor
):
    with pytest.raises(PermissionDenied):
        services.request_mentorship(student, other_student, goal="x")
    _offer(mentor)
    with pytest.raises(Http404):
        services.request_mentorship(outsider, mentor, goal="x")
    with pytest.raises(ValidationError):
        services.request_mentorship(student, mentor, goal="  ")


def test_mentoring_page_lists_mentors_and_my_requests(client, student, mentor):
    _offer(mentor)
    services.request_mentorship(student, mentor, goal="Grow")
    client.force_login(student)

    page = client.get(reverse("profiles:mentoring"))

    assert "Careers in data" in page.text
    assert f"Mentored by {mentor.display_name}" in page.text


def test_mentoring_settings_through_the_edit_page(client, mentor):
    client.force_login(mentor)

    edit = client.get(reverse("profiles:profile-edit"))
    client.post(
        reverse("profiles:mentoring-offer"),
        {
            "is_mentor": "on",
            "areas": "Research careers",
            "availability": "",
            "capacity": 3,
        },
    )
    bad = client.post(
        reverse("profiles:mentoring-offer"),
        {"is_mentor": "on", "areas": "", "availability": "", "capacity": 3},
        follow=True,
    )

    assert "Save mentoring settings" in edit.text
    assert mentor.profile.mentor_capacity == 3
    assert "Say what you can help with." in bad.text


def test_api_request_and_accept(student, mentor):
    from tests.api.conftest import send, signed_in

    _offer(mentor)

    asked = send(
        signed_in(student),
        "POST",
        f"/people/{mentor.handle}/mentorship-requests",
        {"goal": "Grow"},
    )
    answered = send(
        signed_in(mentor),
        "POST",
        f"/mentorships/{asked.json()['id']}",
        {"action": "accept"},
    )
    listed = send(signed_in(student), "GET", "/mentorships")

    assert asked.status_code == 201
    assert answered.json()["status"] == "accepted"
    assert listed.json()[0]["goal"] == "Grow"


def test_an_expired_request_lets_the_profile_offer_a_new_one(client, student, mentor):
    _offer(mentor)
    request = services.request_mentorship(student, mentor, goal="Grow")
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    client.force_login(student)

    page = client.get(reverse("accounts:profile", kwargs={"handle": mentor.handle}))

    assert "Request mentorship" in page.text
    assert "Your mentorship request" not in page.text
