"""The recognition rules in policy.py: who gives, requests and sees feedback."""

from __future__ import annotations

import pytest

from studyhall import policy
from studyhall.discussions import services as board
from studyhall.policy import Action
from studyhall.recognition import services
from studyhall.recognition.models import Feedback, FeedbackResponse
from tests.discussions.helpers import ask
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "owner",
    "instructor",
    "moderator",
    "mentor",
    "student",
    "other_student",
    "outsider",
    "anonymous",
]


@pytest.fixture
def people(request):
    return {role: request.getfixturevalue(role) for role in ROLES}


@pytest.fixture
def post(community, student):
    return ask(student, community).posts.get(number=1)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (Action.GIVE_FEEDBACK, {"owner", "instructor"}),
        (Action.REQUEST_FEEDBACK, {"student"}),
        (
            Action.RESPOND_FEEDBACK,
            {"owner", "instructor", "moderator", "mentor", "other_student"},
        ),
    ],
)
def test_post_actions_by_role(people, post, action, allowed):
    result = {name for name, who in people.items() if policy.can(who, action, post)}

    assert result == allowed


def test_nobody_acts_on_a_deleted_post(people, post, student):
    board.delete_post(student, post)
    post.refresh_from_db()

    for action in (
        Action.GIVE_FEEDBACK,
        Action.REQUEST_FEEDBACK,
        Action.RESPOND_FEEDBACK,
    ):
        assert not any(policy.can(who, action, post) for who in people.values())


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (
            Action.GIVE_KUDOS,
            {"owner", "instructor", "moderator", "mentor", "student", "other_student"},
        ),
        (
            Action.VIEW_LEADERBOARD,
            {"owner", "instructor", "moderator", "mentor", "student", "other_student"},
        ),
        (Action.MANAGE_RECOGNITION, {"owner", "instructor"}),
        (Action.DEFINE_BADGES, {"owner"}),
        (Action.AWARD_BADGES, {"owner", "instructor"}),
        (Action.ISSUE_CERTIFICATES, {"owner", "instructor"}),
    ],
)
def test_community_actions_by_role(people, community, action, allowed):
    result = {
        name for name, who in people.items() if policy.can(who, action, community)
    }

    assert result == allowed


def test_feedback_and_responses_can_and_visible_agree(
    people, post, instructor, student, other_student, community
):
    feedback = services.give_feedback(instructor, post, body="Private note")
    request = services.request_feedback(student, post)
    response = services.respond_to_request(
        other_student, request, scores={}, comment="Good"
    )
    admin = UserFactory(is_superuser=True)
    everyone = {**people, "admin": admin}

    seen_feedback = {
        n for n, w in everyone.items() if policy.can(w, Action.VIEW, feedback)
    }
    seen_response = {
        n for n, w in everyone.items() if policy.can(w, Action.VIEW, response)
    }

    assert seen_feedback == {"owner", "instructor", "moderator", "student", "admin"}
    assert seen_response == {
        "owner",
        "instructor",
        "moderator",
        "student",
        "other_student",
        "admin",
    }
    for name, who in everyone.items():
        assert policy.visible(who, Feedback.objects.all()).exists() == (
            name in seen_feedback
        )
        assert policy.visible(who, FeedbackResponse.objects.all()).exists() == (
            name in seen_response
        )


def test_nobody_outside_sees_feedback_on_a_private_community(
    post, instructor, outsider
):
    feedback = services.give_feedback(instructor, post, body="x")

    assert not policy.can(outsider, Action.VIEW, feedback)
