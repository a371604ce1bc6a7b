"""Events on a person's own stream (feedback, kudos, moderation) become notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyhall.communities.models import Membership
from studyhall.moderation import services as moderation
from studyhall.moderation.registry import POST as POST_KIND
from studyhall.notifications.models import Notification
from studyhall.recognition import services as recognition
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db(transaction=True)


def test_private_feedback_and_kudos_reach_the_learner(
    community, student, instructor, mentor
):
    post = ask(student, community).posts.get(number=1)

    recognition.give_feedback(instructor, post, body="Show your working.")
    recognition.give_kudos(mentor, community, student, note="Great question!")

    notes = {n.kind: n for n in Notification.objects.filter(recipient=student)}
    assert notes["feedback"].url == reverse("recognition:post-feedback", args=[post.pk])
    assert notes["feedback"].actor_id == instructor.pk
    assert notes["badge"].url == reverse("recognition:dashboard")
    assert not Notification.objects.filter(recipient=instructor).exists()


def test_moderation_notices_name_no_moderator(
    community, student, mentor, moderator, owner
):
    thread = ask(mentor, community)
    reply = answer(student, thread, body="Buy cheap essays here")

    moderation.moderate_content(
        moderator, POST_KIND, reply, action="hide", reason="Spam link"
    )
    moderation.restrict_member(
        owner,
        Membership.objects.get(community=community, user=student),
        action="warn",
        reason="Please stay on topic",
    )

    notes = list(Notification.objects.filter(recipient=student, kind="moderation"))
    assert len(notes) == 2
    assert {n.url for n in notes} == {reverse("moderation:mine")}
    assert all(n.actor_id is None for n in notes)


def test_an_issued_certificate_reaches_its_holder(community, student, instructor):
    certificate = recognition.issue_certificate(
        community, student, kind="completion", issued_by=instructor
    )

    (n,) = Notification.objects.filter(recipient=student)
    assert n.kind == "badge"
    assert n.url == reverse("recognition:certificate-verify", args=[certificate.uid])
