"""Badges: automatic and manual awards, idempotency under concurrent events."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from studyhall.discussions import services as board
from studyhall.recognition import services
from studyhall.recognition.models import Badge, BadgeAward, Kind, PointEvent
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member


def png(size=(64, 64)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("badge.png", out.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_first_accepted_answer_earns_the_first_answer_badge(
    settle, community, student, mentor
):
    with settle():
        reply = answer(mentor, ask(student, community))
        board.accept_answer(student, reply)

    slugs = set(
        BadgeAward.objects.filter(recipient=mentor).values_list(
            "badge__slug", flat=True
        )
    )

    assert slugs == {"first-answer"}


@pytest.mark.django_db
def test_endorsement_earns_the_endorsed_badge_once(
    settle, community, student, mentor, instructor
):
    with settle():
        thread = ask(student, community)
        first, second = answer(mentor, thread), answer(mentor, thread)
        board.endorse_post(instructor, first)
        board.endorse_post(instructor, second)

    assert (
        BadgeAward.objects.filter(recipient=mentor, badge__slug="endorsed").count() == 1
    )


@pytest.mark.django_db
def test_ten_accepted_answers_badge_needs_ten(community, mentor):
    for n in range(10):
        services.award_points(
            community.pk, mentor.pk, Kind.ANSWER_ACCEPTED, source_key=f"a:{n}"
        )
        has = BadgeAward.objects.filter(
            recipient=mentor, badge__slug="ten-accepted-answers"
        ).exists()
        assert has == (n == 9)


@pytest.mark.django_db
def test_community_badge_with_an_automatic_rule(community, owner, mentor):
    badge = services.define_badge(
        owner,
        community,
        name="Kind soul",
        description="Thanked twice.",
        criteria="Receive kudos twice.",
        image=png(),
        rule_kind=Kind.KUDOS_RECEIVED,
        rule_count=2,
    )

    services.award_points(community.pk, mentor.pk, Kind.KUDOS_RECEIVED, source_key="k1")
    first = BadgeAward.objects.filter(badge=badge).exists()
    services.award_points(community.pk, mentor.pk, Kind.KUDOS_RECEIVED, source_key="k2")

    assert not first
    assert BadgeAward.objects.filter(badge=badge, recipient=mentor).exists()
    assert badge.image.name.endswith(".png")


@pytest.mark.django_db
def test_manual_badge_awarded_by_instructors_only(
    community, owner, instructor, student, outsider
):
    badge = services.define_badge(
        owner, community, name="Star", description="Shone.", criteria="Staff decide."
    )

    with pytest.raises(PermissionDenied):
        services.award_badge(student, badge, student)
    with pytest.raises(ValidationError):
        services.award_badge(instructor, badge, outsider)
    first = services.award_badge(instructor, badge, student)
    again = services.award_badge(instructor, badge, student)

    assert first == again
    assert BadgeAward.objects.filter(badge=badge).count() == 1


@pytest.mark.django_db
def test_only_owners_define_badges_and_bad_input_is_explained(
    community, owner, instructor
):
    with pytest.raises(PermissionDenied):
        services.define_badge(
            instructor, community, name="X", description="Y", criteria="Z"
        )
    not_png = SimpleUploadedFile("a.png", b"<svg/>", content_type="image/png")

    with pytest.raises(ValidationError) as error:
        services.define_badge(
            owner,
            community,
            name="",
            description="",
            criteria="",
            image=not_png,
            rule_kind="nope",
            rule_count=0,
        )

    assert set(error.value.message_dict) == {
        "name",
        "description",
        "criteria",
        "image",
        "rule_kind",
        "rule_count",
    }


@pytest.mark.django_db
def test_badges_page_defines_and_awards(client, community, owner, student):
    client.force_login(owner)
    url = reverse("recognition:community-badges", kwargs={"slug": community.slug})

    bad = client.post(
        url, {"name": "Helper", "description": "", "criteria": "c", "rule_count": "1"}
    )
    good = client.post(
        url,
        {
            "name": "Helper",
            "description": "d",
            "criteria": "c",
            "rule_count": "1",
            "image": png(),
        },
    )
    badge = Badge.objects.get(community=community)
    awarded = client.post(
        reverse(
            "recognition:badge-award",
            kwargs={"slug": community.slug, "badge_uid": badge.uid},
        ),
        {"recipient": student.handle},
    )
    image = client.get(
        reverse("recognition:badge-image", kwargs={"badge_uid": badge.uid})
    )

    assert bad.status_code == 400 and "Helper" in bad.content.decode()
    assert good.status_code == 302 and awarded.status_code == 302
    assert BadgeAward.objects.filter(badge=badge, recipient=student).exists()
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_staff(community, owner, instructor, student):
    badge = services.define_badge(
        owner, community, name="Star", description="d", criteria="c"
    )
    award = services.award_badge(instructor, badge, student)

    with pytest.raises(PermissionDenied):
        services.revoke_badge(student, award, reason="no")
    with pytest.raises(ValidationError):
        services.revoke_badge(instructor, award, reason=" ")
    services.revoke_badge(instructor, award, reason="Awarded by mistake")

    assert BadgeAward.objects.get().is_revoked


# --- concurrency ---------------------------------------------------------------


def _retrying_shared_cache_locks(work):
    """Run work, retrying when SQLite's in-memory test database is locked.

    The test database on SQLite is an in-memory, shared-cache database, whose
    table locks fail at once ("database table is locked") instead of waiting
    like the file database the site runs on. Retrying stands in for that
    wait; on PostgreSQL the calls really run side by side.
    """
    for _ in range(200):
        try:
            return work()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


def _in_threads(count: int, work) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(_retrying_shared_cache_locks(work))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_of_one_badge_make_one_award():
    community = CommunityFactory()
    person = make_member(community, "student")
    badge = services.builtin_badges()[0]

    results = _in_threads(8, lambda: services.grant_badge(badge, community, person))

    assert BadgeAward.objects.filter(badge=badge, recipient=person).count() == 1
    assert sum(r is not None for r in results) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_event_heard_concurrently_awards_points_and_badge_once():
    community = CommunityFactory()
    person = make_member(community, "student")
    services.builtin_badges()

    _in_threads(
        6,
        lambda: services.award_points(
            community.pk, person.pk, Kind.ANSWER_ACCEPTED, source_key="accepted:1"
        ),
    )

    assert PointEvent.objects.filter(user=person).count() == 1
    assert (
        BadgeAward.objects.filter(recipient=person, badge__slug="first-answer").count()
        == 1
    )


@pytest.mark.django_db
def test_a_retried_event_completes_a_badge_check_that_failed(community, mentor):
    PointEvent.objects.create(
        community=community,
        user=mentor,
        kind=Kind.ANSWER_ACCEPTED,
        points=15,
        source_key="accepted:9",
        open_key="accepted:9",
    )

    again = services.award_points(
        community.pk, mentor.pk, Kind.ANSWER_ACCEPTED, source_key="accepted:9"
    )

    assert again is None
    assert PointEvent.objects.count() == 1
    assert BadgeAward.objects.filter(
        recipient=mentor, badge__slug="first-answer"
    ).exists()
