"""Limits on reaching strangers: conversations a day, messages before an
answer, connection requests; each with a clear message and Retry-After."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from studyhall import policy
from studyhall.chat import services as chat
from studyhall.communities.models import Membership
from studyhall.core.errors import DomainError, RateLimited
from studyhall.groups import services as groups
from studyhall.profiles import services as profiles
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def make_trusted(person, community):
    Membership.objects.filter(user=person, community=community).update(trust_level=1)


@override_settings(DMS_TO_STRANGERS_PER_DAY=2, NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_a_new_member_opens_one_conversation_a_day_with_strangers(community, student):
    people = [make_member(community, "student") for _ in range(2)]
    chat.start_conversation(student, [people[0]])

    with pytest.raises(RateLimited) as raised:
        chat.start_conversation(student, [people[1]])

    assert raised.value.code == "dm_strangers_limited"
    assert "the most allowed for new members" in raised.value.message
    assert 86_000 < raised.value.retry_after <= 86_400


@override_settings(DMS_TO_STRANGERS_PER_DAY=2, NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_the_limit_lifts_with_trust(community, student):
    make_trusted(student, community)
    people = [make_member(community, "student") for _ in range(3)]
    chat.start_conversation(student, [people[0]])
    chat.start_conversation(student, [people[1]])

    with pytest.raises(RateLimited):
        chat.start_conversation(student, [people[2]])


@override_settings(NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_connections_and_group_mates_are_not_strangers(community, student):
    connected, mate, stranger = (make_member(community, "student") for _ in range(3))
    request = profiles.request_connection(student, connected)
    profiles.answer_connection(connected, request, accept=True)
    group = make_group(mate, community)
    groups.join_group(student, group)
    chat.start_conversation(student, [stranger])
    policy.forget_relations(student)

    chat.start_conversation(student, [connected])
    chat.start_conversation(student, [mate])


@override_settings(NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_an_existing_conversation_is_reopened_without_counting(community, student):
    stranger = make_member(community, "student")
    first = chat.start_conversation(student, [stranger])

    assert chat.start_conversation(student, [stranger]) == first


@override_settings(DMS_BEFORE_REPLY=2)
def test_a_stranger_gets_a_few_messages_until_they_answer(community, student):
    stranger = make_member(community, "student")
    room = chat.start_conversation(student, [stranger])
    chat.send_message(student, room, body="Hello")
    chat.send_message(student, room, body="Are you in the exam group?")

    with pytest.raises(DomainError) as raised:
        chat.send_message(student, room, body="Hello??")
    chat.send_message(stranger, room, body="Hi! Yes.")
    chat.send_message(student, room, body="Great")

    assert raised.value.code == "awaiting_reply"
    assert "they have not answered yet" in raised.value.message


@override_settings(NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_the_page_answers_429_with_retry_after_and_keeps_the_names(
    client, community, student
):
    people = [make_member(community, "student") for _ in range(2)]
    chat.start_conversation(student, [people[0]])
    client.force_login(student)

    response = client.post(
        reverse("chat:conversation-start"), {"handles": people[1].handle}
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "ask to connect" in response.text
    assert people[1].handle in response.text


@override_settings(NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY=1)
def test_the_api_answers_429_with_retry_after(client, community, student):
    people = [make_member(community, "student") for _ in range(2)]
    chat.start_conversation(student, [people[0]])
    client.force_login(student)

    response = client.post(
        "/api/v1/conversations",
        {"handles": [people[1].handle]},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "dm_strangers_limited"
    assert int(response["Retry-After"]) > 0


@override_settings(PROFILES_CONNECTION_REQUESTS_PER_DAY=1)
def test_connection_requests_over_the_limit_say_when_to_try_again(
    client, community, student
):
    people = [make_member(community, "student") for _ in range(2)]
    profiles.request_connection(student, people[0])
    client.force_login(student)

    response = client.post(
        f"/api/v1/people/{people[1].handle}/connection-requests",
        {"note": ""},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
