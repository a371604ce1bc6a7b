"""Private feedback, kudos and feedback requests with a rubric."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from studyhall import policy
from studyhall.discussions.models import Thread
from studyhall.policy import Action
from studyhall.recognition import selectors, services
from studyhall.recognition.models import Feedback, FeedbackResponse, PointEvent
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(community, student):
    return ask(student, community).posts.get(number=1)


def test_instructor_feedback_is_seen_by_the_learner_and_staff_only(
    post, instructor, student, other_student, moderator, outsider, anonymous
):
    services.give_feedback(instructor, post, body="Good start; cite your source.")

    seen = {
        name: [f.body for f in selectors.feedback_on_post(who, post)]
        for name, who in [
            ("learner", student),
            ("peer", other_student),
            ("moderator", moderator),
            ("instructor", instructor),
            ("outsider", outsider),
            ("anonymous", anonymous),
        ]
    }

    assert seen == {
        "learner": ["Good start; cite your source."],
        "peer": [],
        "moderator": ["Good start; cite your source."],
        "instructor": ["Good start; cite your source."],
        "outsider": [],
        "anonymous": [],
    }


def test_can_and_visible_agree_on_feedback(
    post, instructor, student, other_student, moderator, outsider
):
    feedback = services.give_feedback(instructor, post, body="Nice.")

    for who in (instructor, student, other_student, moderator, outsider):
        in_list = (
            policy.visible(who, Feedback.objects.all()).filter(pk=feedback.pk).exists()
        )
        assert policy.can(who, Action.VIEW, feedback) == in_list


def test_students_cannot_give_private_feedback(post, other_student):
    with pytest.raises(PermissionDenied):
        services.give_feedback(other_student, post, body="Hmm")


def test_empty_feedback_is_refused_with_a_message(post, instructor):
    with pytest.raises(ValidationError) as error:
        services.give_feedback(instructor, post, body="   ")

    assert "body" in error.value.message_dict


def test_feedback_page_shows_feedback_to_the_learner_not_peers(
    client, post, instructor, student, other_student
):
    services.give_feedback(instructor, post, body="Secret advice 4471")
    url = reverse("recognition:post-feedback", kwargs={"pk": post.pk})

    client.force_login(student)
    mine = client.get(url).content.decode()
    client.force_login(other_student)
    theirs = client.get(url).content.decode()

    assert "Secret advice 4471" in mine
    assert "Secret advice 4471" not in theirs


def test_instructor_gives_feedback_through_the_page_and_a_bad_form_keeps_the_text(
    client, post, instructor
):
    client.force_login(instructor)
    url = reverse("recognition:post-feedback", kwargs={"pk": post.pk})

    bad = client.post(url, {"body": "x" * 5001})
    good = client.post(url, {"body": "Well argued."})

    assert bad.status_code == 400 and "x" * 100 in bad.content.decode()
    assert good.status_code == 302
    assert Feedback.objects.get().body == "Well argued."


def test_kudos_earn_the_recipient_points(community, student, other_student):
    kudos = services.give_kudos(
        student, community, other_student, note="Thanks for the notes!"
    )

    assert kudos.note == "Thanks for the notes!"
    assert PointEvent.objects.get(user=other_student).points == 5


def test_kudos_to_oneself_or_outsiders_are_refused(community, student, outsider):
    with pytest.raises(ValidationError) as own:
        services.give_kudos(student, community, student, note="me")
    with pytest.raises(ValidationError) as other:
        services.give_kudos(student, community, outsider, note="you")

    assert "recipient" in own.value.message_dict
    assert "recipient" in other.value.message_dict


def test_kudos_page_gives_kudos(client, community, student, other_student):
    client.force_login(student)
    url = reverse("recognition:kudos", kwargs={"slug": community.slug})

    missing = client.post(url, {"recipient": other_student.handle, "note": ""})
    response = client.post(
        url, {"recipient": other_student.handle, "note": "Great help"}
    )

    assert missing.status_code == 400
    assert response.status_code == 302
    assert "Great help" in client.get(url).content.decode()


def test_feedback_request_collects_rubric_scores_and_summarises_them(
    community, instructor, student, other_student, mentor
):
    clarity = services.add_criterion(instructor, community, name="Clarity")
    evidence = services.add_criterion(instructor, community, name="Evidence")
    post = ask(student, community).posts.get(number=1)
    request = services.request_feedback(student, post, note="Is my argument clear?")

    services.respond_to_request(
        other_student, request, scores={clarity.pk: 4, evidence.pk: 2}, comment="Clear!"
    )
    services.respond_to_request(mentor, request, scores={clarity.pk: 3, evidence.pk: 3})
    summary = selectors.request_summary(student, post)
    peer_view = selectors.request_summary(other_student, post)

    assert [(c.name, c.average, c.count) for c in summary.criteria] == [
        ("Clarity", 3.5, 2),
        ("Evidence", 2.5, 2),
    ]
    assert len(summary.responses) == 2
    assert [r.responder for r in peer_view.responses] == [other_student]
    assert PointEvent.objects.filter(user=other_student, kind="feedback_given").exists()


def test_responses_need_every_criterion_and_only_once(
    community, instructor, student, other_student
):
    clarity = services.add_criterion(instructor, community, name="Clarity")
    request = services.request_feedback(
        student, ask(student, community).posts.get(number=1)
    )

    with pytest.raises(ValidationError) as missing:
        services.respond_to_request(other_student, request, scores={})
    services.respond_to_request(other_student, request, scores={clarity.pk: 2})
    with pytest.raises(ValidationError):
        services.respond_to_request(other_student, request, scores={clarity.pk: 2})

    assert f"score_{clarity.pk}" in missing.value.message_dict
    assert FeedbackResponse.objects.count() == 1


def test_authors_cannot_review_themselves_and_others_cannot_ask_for_them(
    community, student, other_student
):
    post = ask(student, community).posts.get(number=1)
    with pytest.raises(PermissionDenied):
        services.request_feedback(other_student, post)
    request = services.request_feedback(student, post)

    with pytest.raises(PermissionDenied):
        services.respond_to_request(student, request, scores={}, comment="great")


def test_closed_requests_take_no_responses(community, student, other_student):
    request = services.request_feedback(
        student, ask(student, community).posts.get(number=1)
    )
    services.close_feedback_request(student, request)

    with pytest.raises(ValidationError):
        services.respond_to_request(other_student, request, scores={}, comment="late")


def test_request_and_review_through_the_pages(
    client, community, instructor, student, other_student
):
    clarity = services.add_criterion(instructor, community, name="Clarity")
    post = ask(student, community).posts.get(number=1)
    client.force_login(student)
    client.post(
        reverse("recognition:post-feedback-wanted", kwargs={"pk": post.pk}),
        {"note": "Please look"},
    )
    client.force_login(other_student)
    review = reverse("recognition:post-review", kwargs={"pk": post.pk})

    bad = client.post(review, {"comment": "kept text 99"})
    good = client.post(review, {f"score_{clarity.pk}": "3", "comment": "Nice"})
    listing = client.get(
        reverse("recognition:feedback-wanted", kwargs={"slug": community.slug})
    )

    assert bad.status_code == 400 and "kept text 99" in bad.content.decode()
    assert good.status_code == 302
    assert post.thread.title in listing.content.decode()
    client.force_login(student)
    page = client.get(
        reverse("recognition:post-feedback", kwargs={"pk": post.pk})
    ).content.decode()
    assert "Nice" in page and "3.0" in page


def test_rubric_page_is_for_teaching_staff(client, community, instructor, student):
    url = reverse("recognition:rubric", kwargs={"slug": community.slug})
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(instructor)

    response = client.post(url, {"name": "Originality", "description": "New ideas"})
    criterion = selectors.rubric_for(community)[0]
    removed = client.post(
        reverse(
            "recognition:rubric-remove",
            kwargs={"slug": community.slug, "criterion_id": criterion.pk},
        )
    )

    assert response.status_code == 302 and criterion.name == "Originality"
    assert removed.status_code == 302 and selectors.rubric_for(community) == []


def test_feedback_on_replies_too(community, student, mentor, instructor):
    reply = answer(mentor, ask(student, community))

    feedback = services.give_feedback(instructor, reply, body="Thorough.")

    assert selectors.feedback_on_post(mentor, reply) == [feedback]


def test_recipients_hear_of_feedback_kudos_and_badges_on_their_own_stream(
    settle, community, owner, instructor, student, other_student
):
    from studyhall.realtime.models import Event

    post = ask(student, community).posts.get(number=1)
    badge = services.define_badge(
        owner, community, name="Star", description="d", criteria="c"
    )

    with settle():
        feedback = services.give_feedback(instructor, post, body="Secret words")
        kudos = services.give_kudos(other_student, community, student, note="Ta")
        award = services.award_badge(instructor, badge, student)

    events = list(
        Event.objects.filter(stream=f"user.{student.pk}")
        .exclude(type__startswith="notification.")
        .values_list("type", "payload")
    )
    # (The notifications app adds its own events on the stream for the bell.)
    assert events == [
        ("feedback.given", {"feedback": feedback.pk, "post": post.pk}),
        ("kudos.received", {"kudos": kudos.pk, "community": community.pk}),
        ("badge.awarded", {"award": str(award.uid), "badge": badge.pk}),
    ]


def test_kudos_are_limited_per_giver_and_day_and_a_refused_note_is_kept(
    client, community, student
):
    from studyhall.recognition.services.feedback import KUDOS_PER_DAY
    from tests.factories import make_member

    for _ in range(KUDOS_PER_DAY):
        services.give_kudos(
            student, community, make_member(community, "student"), note="Thanks"
        )
    late = make_member(community, "student")
    client.force_login(student)

    with pytest.raises(ValidationError) as refused:
        services.give_kudos(student, community, late, note="One more")
    page = client.post(
        reverse("recognition:kudos", kwargs={"slug": community.slug}),
        {"recipient": late.handle, "note": "Kept words"},
    )

    assert "the most a day" in refused.value.message_dict["note"][0]
    assert page.status_code == 400
    assert "Kept words" in page.content.decode()


def test_feedback_wanted_lists_only_requests_on_posts_the_viewer_may_see(
    community, student, other_student
):
    seen = ask(student, community, title="Seen question").posts.get(number=1)
    hidden_thread = ask(student, community, title="Hidden question")
    hidden = hidden_thread.posts.get(number=1)
    services.request_feedback(student, seen)
    services.request_feedback(student, hidden)
    Thread.objects.filter(pk=hidden_thread.pk).update(is_hidden=True)
    elsewhere = CommunityFactory()
    make_member(elsewhere, "student")

    for_peer = selectors.open_requests(other_student, community)
    for_author = selectors.open_requests(student, community)

    assert [r.post_id for r in for_peer] == [seen.pk]
    assert {r.post_id for r in for_author} == {seen.pk, hidden.pk}
    assert selectors.open_requests(other_student, elsewhere) == []
