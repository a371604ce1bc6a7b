"""Feedback wanted on a portfolio item: the learner names one of their communities,
whose rubric applies and whose members respond; the learner sees a summary."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from studyhall import policy
from studyhall.notifications.models import Notification
from studyhall.policy import Action
from studyhall.profiles.models import Visibility
from studyhall.profiles.services import add_showcase_item
from studyhall.recognition import services
from studyhall.recognition.models import (
    FeedbackRequest,
    FeedbackResponse,
    Kind,
    PointEvent,
)
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(student):
    return add_showcase_item(student, title="Bridge load model")


@pytest.fixture
def criterion(instructor, community):
    return services.add_criterion(instructor, community, name="Clarity")


@pytest.fixture
def asked(item, student, community, criterion):
    return services.request_feedback(
        student, item, note="Is the method clear?", community=community
    )


def test_a_peer_responds_and_the_owner_is_told_with_a_link_to_the_item(
    settle, asked, item, criterion, student, other_student, community
):
    from studyhall.realtime.models import Event

    with settle():
        response = services.respond_to_request(
            other_student, asked, scores={criterion.pk: 3}, comment="Clear enough."
        )

    event = Event.objects.get(stream=f"user.{student.pk}", type="feedback.responded")
    notification = Notification.objects.get(recipient=student, kind="feedback")
    assert event.payload == {"response": response.pk, "showcase": item.pk}
    assert notification.url == reverse(
        "recognition:showcase-feedback", kwargs={"pk": item.pk}
    )
    assert PointEvent.objects.filter(
        user=other_student, community=community, kind=Kind.FEEDBACK_GIVEN
    ).exists()


def test_only_the_owner_asks_and_only_with_one_of_their_communities(
    item, student, other_student
):
    elsewhere = CommunityFactory()

    with pytest.raises(PermissionDenied):
        services.request_feedback(other_student, item, community=elsewhere)
    with pytest.raises(ValidationError) as no_community:
        services.request_feedback(student, item)
    with pytest.raises(ValidationError) as not_mine:
        services.request_feedback(student, item, community=elsewhere)
    with pytest.raises(ValidationError) as long_note:
        services.request_feedback(
            student, item, note="x" * 301, community=student_community(student)
        )

    assert "community" in no_community.value.message_dict
    assert "community" in not_mine.value.message_dict
    assert "note" in long_note.value.message_dict
    assert not FeedbackRequest.objects.exists()


def student_community(student):
    return student.memberships.get().community


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("other_student", True),
        ("instructor", True),
        ("owner", True),
        ("student", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_who_may_respond(request, asked, who, may):
    person = request.getfixturevalue(who)

    assert policy.can(person, Action.RESPOND_FEEDBACK, asked) is may


def test_sharing_another_community_is_not_enough_to_respond(asked, student):
    other = CommunityFactory()
    make_member(other, "student").delete()
    from studyhall.communities.models import Membership

    Membership.objects.create(community=other, user=student, role="student")
    neighbour = make_member(other, "student")

    assert policy.can(neighbour, Action.VIEW, asked.showcase)
    assert not policy.can(neighbour, Action.RESPOND_FEEDBACK, asked)
    with pytest.raises(PermissionDenied):
        services.respond_to_request(neighbour, asked, scores={}, comment="x")


def test_nobody_responds_to_an_item_they_may_not_see(asked, item, other_student):
    item.visibility = Visibility.ONLY_ME
    item.save()

    assert not policy.can(other_student, Action.RESPOND_FEEDBACK, asked)


def test_a_closed_request_takes_no_more_responses(
    asked, student, other_student, criterion
):
    with pytest.raises(PermissionDenied):
        services.close_feedback_request(other_student, asked)
    services.close_feedback_request(student, asked)

    with pytest.raises(ValidationError):
        services.respond_to_request(
            other_student, asked, scores={criterion.pk: 2}, comment="late"
        )


def test_responses_are_seen_by_owner_responder_and_staff_only(
    asked, criterion, owner, instructor, moderator, student, other_student, outsider
):
    response = services.respond_to_request(
        other_student, asked, scores={criterion.pk: 4}, comment="Private words"
    )
    third = make_member(asked.community, "student")
    people = {
        "owner": owner,
        "instructor": instructor,
        "moderator": moderator,
        "student": student,
        "other_student": other_student,
        "third": third,
        "outsider": outsider,
        "anonymous": None,
        "admin": UserFactory(is_superuser=True),
    }

    seen = {n for n, who in people.items() if policy.can(who, Action.VIEW, response)}

    assert seen == {"owner", "instructor", "moderator", "student", "other_student"}
    for name, who in people.items():
        rows = policy.visible(who, FeedbackResponse.objects.all())
        assert rows.exists() == (name in seen), name


def test_the_owner_asks_from_the_page_and_a_rejected_form_keeps_the_note(
    client, item, student, community
):
    client.force_login(student)
    page = reverse("recognition:showcase-feedback", kwargs={"pk": item.pk})
    url = reverse("recognition:showcase-feedback-wanted", kwargs={"pk": item.pk})

    form = client.get(page).content.decode()
    bad = client.post(url, {"note": "Check my load cases", "community": ""})
    other = client.post(
        url, {"note": "Check my load cases", "community": CommunityFactory().pk}
    )
    good = client.post(url, {"note": "Check my load cases", "community": community.pk})

    assert "Whose rubric and members?" in form and community.name in form
    assert bad.status_code == 400
    assert "Check my load cases" in bad.content.decode()
    assert "Choose one of your communities." in bad.content.decode()
    assert other.status_code == 400
    assert good.status_code == 302
    assert FeedbackRequest.objects.get(showcase=item).community == community


def test_a_peer_scores_from_the_page_and_the_owner_sees_the_summary(
    client, asked, item, criterion, student, other_student, community
):
    client.force_login(other_student)
    page = reverse("recognition:showcase-feedback", kwargs={"pk": item.pk})
    review = reverse("recognition:showcase-review", kwargs={"pk": item.pk})
    listed = client.get(
        reverse("recognition:feedback-wanted", kwargs={"slug": community.slug})
    ).content.decode()

    offered = client.get(page).content.decode()
    bad = client.post(review, {"comment": "Tidy diagrams"})
    good = client.post(review, {f"score_{criterion.pk}": "3", "comment": "Tidy"})
    client.force_login(student)
    summary = client.get(page).content.decode()

    assert page in listed and "Bridge load model" in listed
    assert review in offered
    assert bad.status_code == 400 and "Tidy diagrams" in bad.content.decode()
    assert good.status_code == 302 and good.url == page
    assert "Summary of 1 response" in summary and "3.0" in summary
    assert f"Members of {community.name} respond" in summary


def test_the_pages_refuse_strangers_and_unknown_items(
    client, asked, item, student, other_student, outsider
):
    client.force_login(other_student)
    wanted = reverse("recognition:showcase-feedback-wanted", kwargs={"pk": item.pk})
    refused = client.post(wanted, {"community": asked.community_id})
    client.force_login(outsider)
    hidden = client.get(reverse("recognition:showcase-review", kwargs={"pk": item.pk}))
    missing = client.get(reverse("recognition:showcase-review", kwargs={"pk": 999}))
    client.force_login(student)
    unasked = add_showcase_item(student, title="Other")
    nothing = client.get(
        reverse("recognition:showcase-review", kwargs={"pk": unasked.pk})
    )
    closed = client.post(wanted, {"action": "close"})

    assert refused.status_code == 403
    assert hidden.status_code == 404 and missing.status_code == 404
    assert nothing.status_code == 404
    assert closed.status_code == 302
    assert not FeedbackRequest.objects.get(pk=asked.pk).is_open


def test_the_api_asks_responds_and_summarises(
    client, item, criterion, student, other_student, community
):
    url = f"/api/v1/portfolio-items/{item.pk}/feedback-request"
    client.force_login(student)
    none_yet = client.get(url)
    refused = client.put(url, {"note": "n"}, content_type="application/json")
    asked = client.put(
        url, {"note": "n", "community": community.slug}, content_type="application/json"
    )
    client.force_login(other_student)
    responded = client.post(
        f"{url}/responses",
        {"scores": {str(criterion.pk): 2}, "comment": "ok"},
        content_type="application/json",
    )
    again = client.post(
        f"{url}/responses",
        {"scores": {str(criterion.pk): 2}, "comment": "ok"},
        content_type="application/json",
    )
    not_owner = client.delete(url)
    client.force_login(student)
    summary = client.get(url).json()
    closed = client.delete(url)

    assert none_yet.status_code == 404
    assert refused.status_code in (400, 422)
    assert asked.status_code == 200 and asked.json()["community"] == community.slug
    assert responded.status_code == 201
    assert responded.json()["scores"] == {str(criterion.pk): 2}
    assert again.status_code in (400, 422)
    assert not_owner.status_code == 403
    assert summary["criteria"] == [{"name": "Clarity", "average": 2.0, "count": 1}]
    assert [r["responder"] for r in summary["responses"]] == [other_student.handle]
    assert closed.status_code == 204


def test_the_api_for_posts_mirrors_it(client, community, student, other_student):
    from tests.discussions.helpers import ask

    post = ask(student, community).posts.get(number=1)
    url = f"/api/v1/replies/{post.pk}/feedback-request"
    client.force_login(student)
    asked = client.put(url, {"note": "Clear?"}, content_type="application/json")
    client.force_login(other_student)
    responded = client.post(
        f"{url}/responses", {"comment": "Yes"}, content_type="application/json"
    )
    summary = client.get(url).json()

    assert asked.status_code == 200 and asked.json()["community"] is None
    assert responded.status_code == 201
    assert [r["comment"] for r in summary["responses"]] == ["Yes"]
    assert client.get("/api/v1/replies/999999/feedback-request").status_code == 404
