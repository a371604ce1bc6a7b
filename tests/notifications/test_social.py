"""Messages, group invitations and requests, connections and mentorship become
notifications for the people they concern, and only them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyhall.chat import services as chat
from studyhall.groups import services as groups
from studyhall.groups.models import GroupMembership
from studyhall.notifications import emails, selectors, services
from studyhall.notifications.models import (
    Kind,
    Level,
    Notification,
    OutboundEmail,
    TargetType,
)
from studyhall.profiles import services as profiles
from studyhall.realtime.models import Event
from tests.chat.helpers import open_room, say
from tests.factories import make_group, make_member

pytestmark = pytest.mark.django_db


def _of(user, kind=None):
    qs = Notification.objects.filter(recipient=user).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


# --- direct messages ----------------------------------------------------------------


def test_a_burst_of_direct_messages_is_one_notification_with_a_count(
    committed, student, other_student
):
    room = chat.start_conversation(student, [other_student])

    with committed():
        first = say(student, room, "Are you there?")
    with committed():
        say(student, room, "About the exam")
        say(student, room, "Call me")

    (n,) = _of(other_student)
    assert n.kind == Kind.MESSAGE
    assert n.count == 3
    assert n.url == reverse("chat:room-detail", kwargs={"pk": room.pk}) + (
        f"#m-{first.number}"
    )
    assert selectors.describe(other_student, n) == (
        f"{student.display_name} sent you a message (3)"
    )
    assert _of(student) == []
    assert Event.objects.filter(
        stream=f"user.{other_student.pk}", type="notification.created"
    ).exists()


def test_a_burst_gets_one_email_and_only_after_the_delay(
    committed, smtp, student, other_student
):
    room = chat.start_conversation(student, [other_student])
    with committed():
        for text in ("one", "two", "three"):
            say(student, room, text)

    assert OutboundEmail.objects.count() == 0
    with committed():
        soon = emails.email_unread_messages(timezone.now() + timedelta(minutes=1))
        later = emails.email_unread_messages(timezone.now() + timedelta(minutes=6))
        again = emails.email_unread_messages(timezone.now() + timedelta(minutes=7))

    assert (soon, later, again) == (0, 1, 0)
    (mail,) = smtp.to(other_student.email)
    assert mail["Subject"].endswith(f"{student.display_name} sent you a message (3)")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_reading_the_conversation_marks_its_notification_read_and_stops_the_email(
    committed, student, other_student
):
    room = chat.start_conversation(student, [other_student])
    with committed():
        say(student, room, "Hello")
    room.refresh_from_db()

    with committed():
        chat.mark_room_read(other_student, room, number=room.last_number)
        emails.email_unread_messages(timezone.now() + timedelta(minutes=10))

    (n,) = _of(other_student)
    assert n.read_at is not None
    assert selectors.unread_count(other_student) == 0
    assert OutboundEmail.objects.count() == 0


def test_a_muted_conversation_or_person_sends_nothing(
    committed, community, student, other_student
):
    third = make_member(community, "student")
    room = chat.start_conversation(student, [other_student])
    muted_room = chat.start_conversation(third, [other_student])
    chat.set_muted(other_student, room, muted=True)
    services.mute_person(other_student, third.handle)

    with committed():
        say(student, room, "Hi")
        say(third, muted_room, "Hi")

    assert _of(other_student) == []


def test_a_room_level_muted_silences_mentions_there(
    committed, community, instructor, student, other_student
):
    room = open_room(instructor, community)
    chat.join_room(student, room)
    chat.join_room(other_student, room)
    services.set_subscription(
        other_student, TargetType.ROOM, room.pk, level=Level.MUTED
    )

    with committed():
        say(student, room, f"@{other_student.handle} look")

    assert _of(other_student) == []


def test_in_a_community_room_only_mentions_notify_unless_watching_or_tracking(
    committed, community, instructor, student, other_student
):
    room = open_room(instructor, community)
    watcher, tracker, bystander = (make_member(community, "student") for _ in "abc")
    for person in (student, other_student, watcher, tracker, bystander):
        chat.join_room(person, room)
    services.set_subscription(watcher, TargetType.ROOM, room.pk, level=Level.WATCHING)
    services.set_subscription(tracker, TargetType.ROOM, room.pk, level=Level.TRACKING)

    with committed():
        say(student, room, f"Thanks @{other_student.handle}")
        say(student, room, "And everyone else")

    assert [n.kind for n in _of(other_student)] == [Kind.MENTION]
    assert [(n.kind, n.count) for n in _of(watcher)] == [(Kind.MESSAGE, 2)]
    assert [(n.kind, n.count) for n in _of(tracker)] == [(Kind.ACTIVITY, 2)]
    assert _of(bystander) == []


# --- study groups -------------------------------------------------------------------


def test_an_invitation_notifies_the_invitee(
    committed, community, student, other_student
):
    group = make_group(student, community, visibility="invite")

    with committed():
        groups.invite_to_group(student, group, other_student)

    (n,) = _of(other_student)
    assert n.kind == Kind.GROUP_INVITATION
    assert n.text == f"{student.display_name} invited you to {group.name}"
    assert n.url == reverse("groups:group-detail", kwargs={"pk": group.pk})


def test_join_requests_collapse_for_the_organizers_and_answers_reach_the_asker(
    committed, community, student, other_student
):
    group = make_group(student, community, visibility="request")
    third = make_member(community, "student")

    with committed():
        groups.join_group(other_student, group)
        groups.join_group(third, group)
    (request_note,) = _of(student)
    with committed():
        groups.approve_request(
            student, GroupMembership.objects.get(group=group, user=other_student)
        )
        groups.leave_group(student, group, member=third)

    assert request_note.kind == Kind.JOIN_REQUEST
    assert request_note.count == 2
    assert selectors.describe(student, request_note).endswith("(2)")
    assert [n.text for n in _of(other_student)] == [
        f"{student.display_name} approved your request to join {group.name}"
    ]
    assert [n.text for n in _of(third)] == [
        f"Your request to join {group.name} was declined"
    ]


def test_leaving_a_group_myself_notifies_nobody(committed, community, student):
    group = make_group(student, community)
    member = make_member(community, "student")
    groups.join_group(member, group)

    with committed():
        groups.leave_group(member, group)

    assert _of(member) == [] and _of(student) == []


# --- connections and mentorship -----------------------------------------------------


def test_connection_requests_and_acceptances_notify_the_other_person(
    committed, student, other_student
):
    with committed():
        request = profiles.request_connection(student, other_student, note="Hi")
    with committed():
        profiles.answer_connection(other_student, request, accept=True)

    (asked,) = _of(other_student)
    (accepted,) = _of(student)
    assert asked.kind == accepted.kind == Kind.CONNECTION_REQUEST
    assert asked.text == f"{student.display_name} asked to connect with you"
    assert accepted.text == (
        f"{other_student.display_name} accepted your connection request"
    )
    assert asked.url == reverse("profiles:network")


def test_a_declined_connection_is_not_announced(committed, student, other_student):
    request = profiles.request_connection(student, other_student)

    with committed():
        profiles.answer_connection(other_student, request, accept=False)

    assert _of(student) == []


def test_mentorship_requests_and_answers_notify_mentor_and_mentee(
    committed, student, mentor
):
    profiles.update_mentoring(
        mentor, is_mentor=True, areas="Careers", availability="Fridays", capacity=2
    )
    with committed():
        request = profiles.request_mentorship(student, mentor, goal="Find a job")
    with committed():
        profiles.answer_mentorship(mentor, request, accept=False)

    (asked,) = _of(mentor)
    (answered,) = _of(student)
    assert asked.kind == answered.kind == Kind.MENTORSHIP_REQUEST
    assert asked.text == f"{student.display_name} asked you for mentorship"
    assert answered.text == f"{mentor.display_name} declined your mentorship request"
    url = reverse("profiles:mentorship-detail", kwargs={"mentorship_id": request.pk})
    assert asked.url == answered.url == url


def test_a_scheduled_meeting_notifies_the_other_participant_only(
    committed, student, mentor
):
    profiles.update_mentoring(
        mentor, is_mentor=True, areas="Careers", availability="Fridays", capacity=2
    )
    with committed():
        request = profiles.request_mentorship(student, mentor, goal="Find a job")
        profiles.answer_mentorship(mentor, request, accept=True)
    request.refresh_from_db()
    Notification.objects.all().delete()

    with committed():
        profiles.schedule_meeting(
            mentor,
            request,
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=30,
            topic="CV review",
        )

    (told,) = _of(student)
    assert told.kind == Kind.MENTORSHIP_REQUEST
    assert told.text == f"{mentor.display_name} scheduled a mentorship meeting"
    assert told.url == reverse(
        "profiles:mentorship-detail", kwargs={"mentorship_id": request.pk}
    )
    assert _of(mentor) == []


def test_alum_claims_reach_the_owners_and_the_verdict_reaches_the_claimant(
    committed, community, owner, student, other_student
):
    with committed():
        claim = profiles.claim_distinction(
            student, community, kind="alum", note="Class of 2021"
        )

    (asked,) = _of(owner)
    assert asked.kind == Kind.DISTINCTION
    assert asked.text == (
        f"{student.display_name} asks to be shown as alum in {community.name}"
    )
    assert asked.url == reverse(
        "profiles:distinctions", kwargs={"slug": community.slug}
    )
    assert _of(other_student) == [] and _of(student) == []

    with committed():
        profiles.decide_distinction(owner, claim, verify=False)

    (verdict,) = _of(student)
    assert verdict.text == f"Your place as alum in {community.name} was not verified"
    assert verdict.kind == Kind.DISTINCTION


def test_other_apps_notifications_show_on_the_page_and_in_the_api(
    client, committed, student, other_student
):
    with committed():
        profiles.request_connection(student, other_student)
    client.force_login(other_student)

    page = client.get(reverse("notifications:list"))
    api = client.get("/api/v1/notifications").json()

    assert f"{student.display_name} asked to connect with you" in page.text
    assert api["items"][0]["kind"] == "connection_request"


def test_rooms_and_groups_can_be_followed_from_their_pages_and_the_api(
    client, community, student, other_student, outsider
):
    room = chat.start_conversation(student, [other_student])
    group = make_group(student, community, visibility="hidden")
    client.force_login(student)

    room_page = client.get(reverse("chat:room-detail", kwargs={"pk": room.pk}))
    group_page = client.get(reverse("groups:group-detail", kwargs={"pk": group.pk}))
    saved = client.post(
        reverse("notifications:follow", args=["room", room.pk]), {"level": "tracking"}
    )
    api = client.put(
        "/api/v1/notifications/subscriptions",
        {"target_type": "group", "target_id": group.pk, "level": "watching"},
        content_type="application/json",
    )
    client.force_login(outsider)
    hidden = client.get(reverse("notifications:follow", args=["group", group.pk]))

    assert reverse("notifications:follow", args=["room", room.pk]) in room_page.text
    assert reverse("notifications:follow", args=["group", group.pk]) in group_page.text
    assert saved.status_code == 302
    assert api.status_code == 200
    assert {(s.target_type, s.level) for s in services_subscriptions(student)} == {
        ("room", "tracking"),
        ("group", "watching"),
    }
    assert hidden.status_code == 404


def services_subscriptions(user):
    from studyhall.notifications.models import Subscription

    return list(Subscription.objects.filter(user=user))
