"""Mentor and mentee talk privately in a direct conversation opened from the
mentorship page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from studyhall.accounts import services as accounts
from studyhall.chat import services as chat
from studyhall.chat.models import Room
from studyhall.core.errors import DomainError
from studyhall.profiles import services
from studyhall.profiles.models import MentorshipRequest
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.profiles.conftest import profile_data

pytestmark = pytest.mark.django_db


def _mentorship(mentee, mentor, *, accept: bool = True) -> MentorshipRequest:
    services.update_mentoring(
        mentor, is_mentor=True, areas="Careers", availability="", capacity=3
    )
    found = services.request_mentorship(mentee, mentor, goal="An internship")
    if accept:
        services.answer_mentorship(mentor, found, accept=True)
        found.refresh_from_db()
    return found


def test_mentee_opens_the_conversation_from_the_page_and_both_talk(
    client, student, mentor
):
    found = _mentorship(student, mentor)
    client.force_login(student)
    page = client.get(reverse("profiles:mentorship-detail", args=[found.pk]))

    opened = client.post(reverse("profiles:mentorship-message", args=[found.pk]))
    room = Room.objects.get(kind="direct")
    chat.send_message(mentor, room, body="Happy to help, **welcome**")
    again = client.get(reverse("profiles:mentorship-detail", args=[found.pk]))

    assert "Send a message" in page.text
    assert opened.status_code == 302
    assert opened.url == reverse("chat:room-detail", kwargs={"pk": room.pk})
    assert set(room.members.values_list("user_id", flat=True)) == {
        student.pk,
        mentor.pk,
    }
    assert "<strong>welcome</strong>" in again.text
    assert "1 unread" in again.text


def test_opening_twice_reuses_the_pairs_one_conversation(student, mentor):
    found = _mentorship(student, mentor)

    first = services.open_mentorship_conversation(student, found)
    second = services.open_mentorship_conversation(mentor, found)
    direct = chat.start_conversation(student, [mentor])

    assert first.pk == second.pk == direct.pk


def test_a_mentorship_outside_any_shared_community_still_opens_a_conversation():
    mentor = make_member(CommunityFactory(), "mentor")
    mentee = UserFactory()
    services.update_profile(mentor, **profile_data(is_public=True))
    found = _mentorship(mentee, mentor)

    room = services.open_mentorship_conversation(mentee, found)
    message, _ = chat.send_message(mentee, room, body="Hello")

    assert message.room_id == room.pk
    with pytest.raises(PermissionDenied):
        chat.start_conversation(mentee, [mentor])


def test_a_pending_request_opens_no_conversation(client, student, mentor):
    found = _mentorship(student, mentor, accept=False)
    client.force_login(student)

    page = client.get(reverse("profiles:mentorship-detail", args=[found.pk]))
    refused = client.post(
        reverse("profiles:mentorship-message", args=[found.pk]), follow=True
    )

    with pytest.raises(DomainError):
        services.open_mentorship_conversation(student, found)
    assert "Send a message" not in page.text
    assert "Messages need an accepted mentorship" in refused.text
    assert not Room.objects.filter(kind="direct").exists()


def test_nobody_else_can_open_the_pairs_conversation(client, student, mentor):
    found = _mentorship(student, mentor)
    other = make_member(CommunityFactory(), "student")
    client.force_login(other)

    response = client.post(reverse("profiles:mentorship-message", args=[found.pk]))

    assert response.status_code == 404
    with pytest.raises(Http404):
        services.open_mentorship_conversation(other, found)


def test_a_block_stops_messages_in_the_mentorship_conversation(student, mentor):
    found = _mentorship(student, mentor)
    room = services.open_mentorship_conversation(student, found)

    accounts.block(mentor, student)

    with pytest.raises(PermissionDenied):
        services.open_mentorship_conversation(student, found)
    with pytest.raises(PermissionDenied):
        chat.send_message(student, room, body="Still there?")


def test_api_opens_the_conversation_and_sends_through_chat(client, student, mentor):
    found = _mentorship(student, mentor)
    client.force_login(mentor)

    opened = client.post(f"/api/v1/mentorships/{found.pk}/conversation")
    room_id = opened.json()["id"]
    sent = client.post(
        f"/api/v1/rooms/{room_id}/messages",
        {"body": "First meeting on Friday?"},
        content_type="application/json",
    )
    missing = client.post("/api/v1/mentorships/999999/conversation")

    assert opened.status_code == 200
    assert opened.json()["kind"] == "direct"
    assert [p["handle"] for p in opened.json()["people"]] == [student.handle]
    assert sent.status_code == 201
    assert missing.status_code == 404


def test_scheduling_a_meeting_tells_the_other_person_on_their_stream(student, mentor):
    from datetime import timedelta

    from django.utils import timezone

    from studyhall.realtime.models import Event

    found = _mentorship(student, mentor)

    meeting = services.schedule_meeting(
        student,
        found,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        topic="CV",
    )

    event = Event.objects.get(type="meeting.scheduled")
    assert event.stream == f"user.{mentor.pk}"
    assert event.payload == {"mentorship": found.pk, "meeting": meeting.pk}
