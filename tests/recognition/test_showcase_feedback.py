"""Private feedback on portfolio items: who gives it, who reads it, how it arrives."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from studyhall import policy
from studyhall.notifications.models import Notification
from studyhall.policy import Action
from studyhall.profiles.models import Visibility
from studyhall.profiles.services import add_showcase_item
from studyhall.recognition import selectors, services
from studyhall.recognition.models import Feedback
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(student):
    return add_showcase_item(student, title="Bridge load model")


def test_instructor_feedback_on_a_portfolio_item_reaches_its_owner_at_once(
    settle, item, instructor, student, community
):
    from studyhall.realtime.models import Event

    with settle():
        feedback = services.give_feedback(instructor, item, body="Label the axes.")

    event = Event.objects.get(stream=f"user.{student.pk}", type="feedback.given")
    notification = Notification.objects.get(recipient=student, kind="feedback")
    assert feedback.community_id == community.pk
    assert event.payload == {"feedback": feedback.pk, "showcase": item.pk}
    assert notification.url == reverse(
        "recognition:showcase-feedback", kwargs={"pk": item.pk}
    )


def test_feedback_on_a_portfolio_item_is_seen_by_owner_writer_and_staff_only(
    item, owner, instructor, moderator, mentor, student, other_student, outsider
):
    feedback = services.give_feedback(instructor, item, body="Private words")
    admin = UserFactory(is_superuser=True)
    people = {
        "owner": owner,
        "instructor": instructor,
        "moderator": moderator,
        "mentor": mentor,
        "student": student,
        "other_student": other_student,
        "outsider": outsider,
        "anonymous": None,
        "admin": admin,
    }

    seen = {n for n, who in people.items() if policy.can(who, Action.VIEW, feedback)}

    # Portfolio privacy binds site administrators too: the item is for members.
    assert seen == {"owner", "instructor", "moderator", "student"}
    for name, who in people.items():
        assert policy.visible(who, Feedback.objects.all()).exists() == (name in seen)


def test_on_a_public_item_staff_of_other_communities_still_do_not_read_feedback(
    item, instructor, student
):
    from studyhall.profiles.models import Profile

    Profile.objects.update_or_create(user=student, defaults={"is_public": True})
    item.visibility = Visibility.PUBLIC
    item.save()
    feedback = services.give_feedback(instructor, item, body="x")
    stranger = make_member(CommunityFactory(), "instructor")
    admin = UserFactory(is_superuser=True)

    assert not policy.can(stranger, Action.VIEW, feedback)
    assert not policy.visible(stranger, Feedback.objects.all()).exists()
    assert policy.can(admin, Action.VIEW, feedback)
    assert policy.visible(admin, Feedback.objects.all()).exists()


def test_hiding_the_item_hides_the_feedback_from_all_but_its_owner(
    item, instructor, owner, student
):
    feedback = services.give_feedback(instructor, item, body="x")
    item.visibility = Visibility.ONLY_ME
    item.save()

    assert policy.can(student, Action.VIEW, feedback)
    assert not policy.can(instructor, Action.VIEW, feedback)
    assert not policy.can(owner, Action.VIEW, feedback)
    assert not policy.visible(instructor, Feedback.objects.all()).exists()


@pytest.mark.parametrize(
    "who", ["student", "other_student", "mentor", "moderator", "outsider"]
)
def test_only_instructors_of_the_owners_communities_give_feedback(request, item, who):
    person = request.getfixturevalue(who)

    assert not policy.can(person, Action.GIVE_FEEDBACK, item)
    with pytest.raises(PermissionDenied):
        services.give_feedback(person, item, body="x")


def test_teaching_elsewhere_does_not_count(item):
    elsewhere = CommunityFactory()
    teacher = make_member(elsewhere, "instructor")

    assert not policy.can(teacher, Action.GIVE_FEEDBACK, item)


def test_feedback_is_filed_under_the_first_community_by_name_taught_in(
    item, instructor, student, community
):
    first = CommunityFactory(name="Aardvark studies")
    make_member(first, "student").delete()
    from studyhall.communities.models import Membership

    Membership.objects.create(community=first, user=student, role="student")
    Membership.objects.create(community=first, user=instructor, role="instructor")
    policy.forget(instructor)

    feedback = services.give_feedback(instructor, item, body="x")

    assert feedback.community_id == first.pk


def test_a_site_administrator_may_give_feedback_in_any_of_the_owners_communities(
    item, community, student
):
    from studyhall.profiles.models import Profile

    Profile.objects.update_or_create(user=student, defaults={"is_public": True})
    item.visibility = Visibility.PUBLIC
    item.save()
    admin = UserFactory(is_superuser=True)

    feedback = services.give_feedback(admin, item, body="From the office.")

    assert feedback.community_id == community.pk


def test_instructors_give_feedback_through_the_page_and_a_bad_form_keeps_the_text(
    client, item, instructor
):
    client.force_login(instructor)
    url = reverse("recognition:showcase-feedback", kwargs={"pk": item.pk})

    form = client.get(url)
    bad = client.post(url, {"body": "y" * 5001})
    good = client.post(url, {"body": "Well modelled."})

    assert "Send feedback privately" in form.content.decode()
    assert bad.status_code == 400 and "y" * 100 in bad.content.decode()
    assert good.status_code == 302
    assert Feedback.objects.get().body == "Well modelled."


def test_the_page_refuses_peers_and_hides_unknown_or_private_items(
    client, item, other_student, student
):
    hidden = add_showcase_item(student, title="Draft", visibility=Visibility.ONLY_ME)
    client.force_login(other_student)
    url = reverse("recognition:showcase-feedback", kwargs={"pk": item.pk})

    page = client.get(url)
    post = client.post(url, {"body": "x"})
    missing = client.get(reverse("recognition:showcase-feedback", kwargs={"pk": 999}))
    private = client.get(
        reverse("recognition:showcase-feedback", kwargs={"pk": hidden.pk})
    )

    assert page.status_code == 200
    assert "Send feedback privately" not in page.content.decode()
    assert post.status_code == 403
    assert missing.status_code == 404
    assert private.status_code == 404


def test_owner_finds_the_feedback_from_the_dashboard_and_the_profile(
    client, item, instructor, student
):
    services.give_feedback(instructor, item, body="Well done")
    client.force_login(student)

    dashboard = client.get(reverse("recognition:dashboard")).content.decode()
    profile = client.get(
        reverse("accounts:profile", kwargs={"handle": student.handle})
    ).content.decode()

    feedback_url = reverse("recognition:showcase-feedback", kwargs={"pk": item.pk})
    assert "your portfolio item “Bridge load model”" in dashboard
    assert feedback_url in dashboard
    assert feedback_url in profile


def test_instructors_see_a_give_feedback_link_on_the_portfolio_peers_do_not(
    client, item, instructor, other_student, student
):
    url = reverse("accounts:profile", kwargs={"handle": student.handle})
    client.force_login(instructor)
    teacher = client.get(url).content.decode()
    client.force_login(other_student)
    peer = client.get(url).content.decode()

    assert "Give feedback" in teacher
    assert "Give feedback" not in peer


def test_feedback_on_portfolio_items_through_the_api(
    client, item, instructor, student, other_student
):
    url = f"/api/v1/portfolio-items/{item.pk}/feedback"
    client.force_login(other_student)
    refused = client.post(url, {"body": "x"}, content_type="application/json")
    client.force_login(instructor)
    given = client.post(url, {"body": "Nice"}, content_type="application/json")
    client.force_login(student)
    listed = client.get(url).json()
    client.force_login(other_student)
    hidden = client.get(url).json()
    missing = client.get("/api/v1/portfolio-items/999/feedback")

    assert refused.status_code == 403
    assert given.status_code == 201
    assert given.json()["showcase"] == item.pk and given.json()["post"] is None
    assert [f["body"] for f in listed] == ["Nice"]
    assert hidden == []
    assert missing.status_code == 404


def test_selectors_return_only_readable_feedback(item, instructor, other_student):
    services.give_feedback(instructor, item, body="x")

    assert selectors.feedback_on_showcase(other_student, item) == []
    assert len(selectors.feedback_on_showcase(instructor, item)) == 1
