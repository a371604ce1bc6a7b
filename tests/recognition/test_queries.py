"""Every recognition list and detail page costs the same queries at two data sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyhall.recognition import services
from studyhall.recognition.models import Kind, PointEvent
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def count_queries(client, django_assert_num_queries, url, expected, chrome=1):
    client.get(url)
    # A member's every page also counts unread notifications (the bell): one
    # query, whatever the data.
    with django_assert_num_queries(expected + chrome):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [2, 12])
def test_dashboard(
    client, django_assert_num_queries, community, owner, instructor, student, size
):
    thread = ask(owner, community)
    for n in range(size):
        badge = services.define_badge(
            owner, community, name=f"B{n}", description="d", criteria="c"
        )
        services.award_badge(owner, badge, student)
        services.give_feedback(instructor, answer(student, thread), body=f"fb {n}")
        PointEvent.objects.create(
            community=community,
            user=student,
            kind=Kind.KUDOS_RECEIVED,
            points=1,
            source_key=f"k{n}",
        )
    client.force_login(student)

    count_queries(
        client, django_assert_num_queries, reverse("recognition:dashboard"), 13
    )


@pytest.mark.parametrize("size", [2, 12])
def test_kudos_page(client, django_assert_num_queries, community, student, size):
    for _ in range(size):
        services.give_kudos(
            make_member(community, "student"), community, student, note="thanks"
        )
    client.force_login(student)

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:kudos", kwargs={"slug": community.slug}),
        6,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_feedback_wanted_page(
    client, django_assert_num_queries, community, student, other_student, size
):
    for n in range(size):
        services.request_feedback(
            student, ask(student, community, title=f"Essay {n}").posts.get(number=1)
        )
    client.force_login(other_student)

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:feedback-wanted", kwargs={"slug": community.slug}),
        # + the viewer's connections and blocks, for portfolio items' audience
        7,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_badges_page(
    client, django_assert_num_queries, community, owner, student, size
):
    for n in range(size):
        badge = services.define_badge(
            owner, community, name=f"B{n}", description="d", criteria="c"
        )
        services.award_badge(owner, badge, student)
    client.force_login(owner)

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:community-badges", kwargs={"slug": community.slug}),
        8,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_certificates_page(
    client, django_assert_num_queries, community, instructor, size
):
    for _ in range(size):
        services.issue_certificate(
            community,
            make_member(community, "student"),
            kind="completion",
            issued_by=instructor,
        )
    client.force_login(instructor)

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:certificates", kwargs={"slug": community.slug}),
        6,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_post_feedback_page(
    client,
    django_assert_num_queries,
    community,
    instructor,
    student,
    other_student,
    size,
):
    criterion = services.add_criterion(instructor, community, name="Clarity")
    post = ask(student, community).posts.get(number=1)
    request = services.request_feedback(student, post)
    for n in range(size):
        services.give_feedback(instructor, post, body=f"note {n}")
        services.respond_to_request(
            make_member(community, "student"),
            request,
            scores={criterion.pk: 3},
            comment="ok",
        )
    client.force_login(student)

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:post-feedback", kwargs={"pk": post.pk}),
        12,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_public_award_and_certificate_pages(
    client, django_assert_num_queries, community, owner, student, size
):
    badge = services.define_badge(
        owner, community, name="Star", description="d", criteria="c"
    )
    award = services.award_badge(owner, badge, student)
    certificate = services.issue_certificate(
        community, student, kind="completion", issued_by=owner
    )
    for _ in range(size):
        services.award_badge(owner, badge, make_member(community, "student"))

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:award-detail", kwargs={"award_uid": award.uid}),
        1,
        chrome=0,
    )
    count_queries(
        client,
        django_assert_num_queries,
        reverse(
            "recognition:certificate-verify",
            kwargs={"certificate_uid": certificate.uid},
        ),
        1,
        chrome=0,
    )


@pytest.mark.parametrize("size", [2, 12])
def test_showcase_feedback_page(
    client, django_assert_num_queries, community, instructor, student, size
):
    from studyhall.profiles.services import add_showcase_item

    item = add_showcase_item(student, title="Bridge model")
    for n in range(size):
        services.give_feedback(instructor, item, body=f"note {n}")
    client.force_login(student)

    response = count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:showcase-feedback", kwargs={"pk": item.pk}),
        # + the feedback request, + the owner's communities to choose from
        9,
    )

    assert response.content.decode().count("From ") == size


@pytest.mark.parametrize("size", [2, 12])
def test_showcase_feedback_page_with_rubric_responses(
    client, django_assert_num_queries, community, instructor, student, size
):
    from studyhall.profiles.services import add_showcase_item

    criterion = services.add_criterion(instructor, community, name="Clarity")
    item = add_showcase_item(student, title="Bridge model")
    request = services.request_feedback(student, item, community=community)
    for n in range(size):
        services.respond_to_request(
            make_member(community, "student"),
            request,
            scores={criterion.pk: 1 + n % 4},
            comment=f"comment {n}",
        )
    client.force_login(student)

    response = count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:showcase-feedback", kwargs={"pk": item.pk}),
        12,
    )

    assert response.content.decode().count("Response from ") == size


@pytest.mark.parametrize("size", [2, 12])
def test_staff_pages_rules_rubric_and_a_batch(
    client, django_assert_num_queries, community, instructor, size
):
    for n in range(size):
        services.add_criterion(instructor, community, name=f"Criterion {n}")
    batch = services.request_certificates(
        instructor,
        community,
        user_ids=[make_member(community, "student").pk for _ in range(size)],
        kind="participation",
    )
    client.force_login(instructor)

    for name, kwargs, expected in (
        ("recognition:point-rules", {"slug": community.slug}, 6),
        ("recognition:rubric", {"slug": community.slug}, 5),
        (
            "recognition:certificate-batch",
            {"slug": community.slug, "batch_id": batch.pk},
            5,
        ),
    ):
        count_queries(
            client, django_assert_num_queries, reverse(name, kwargs=kwargs), expected
        )


@pytest.mark.parametrize("size", [2, 12])
def test_public_badge_page(client, django_assert_num_queries, community, owner, size):
    badge = services.define_badge(
        owner, community, name="Star", description="d", criteria="c"
    )
    for _ in range(size):
        services.award_badge(owner, badge, make_member(community, "student"))

    count_queries(
        client,
        django_assert_num_queries,
        reverse("recognition:badge-detail", kwargs={"badge_uid": badge.uid}),
        1,
        chrome=0,
    )
