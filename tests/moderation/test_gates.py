"""Anti-abuse checks on new posts: rate limits, slow mode, blackouts, link
floods for new members, repeated text and the word filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from studyhall.communities.models import Membership
from studyhall.core.errors import RateLimited
from studyhall.discussions.models import Post
from studyhall.moderation import services
from studyhall.moderation.models import Blackout, Case
from tests.api.conftest import send, signed_in
from tests.discussions.helpers import answer, ask
from tests.factories import CategoryFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(community, owner):
    return ask(owner, community, title="Exam prep")


@pytest.fixture
def limits(settings):
    settings.POSTS_PER_MINUTE = 3
    settings.NEW_MEMBER_MAX_LINKS_PER_POST = 2
    settings.NEW_MEMBER_MAX_IMAGES_PER_POST = 1
    settings.NEW_MEMBER_MAX_MENTIONS_PER_POST = 3
    settings.MAX_LINKS_PER_POST = 5
    settings.SPAM_REPEAT_WINDOW_SECONDS = 86_400
    return settings


def test_posts_per_minute_are_limited_with_retry_after(thread, student, limits):
    for i in range(3):
        answer(student, thread, body=f"reply {i}")

    with pytest.raises(RateLimited) as error:
        answer(student, thread, body="one too many")

    assert error.value.code == "post_rate_limited"
    assert 0 < error.value.retry_after <= 60
    assert "3 times a minute" in error.value.message


def test_rate_limit_lifts_after_a_minute(thread, student, limits):
    for i in range(3):
        answer(student, thread, body=f"reply {i}")
    Post.objects.filter(author=student).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )

    answer(student, thread, body="fine now")


def test_moderators_are_not_rate_limited(thread, moderator, limits):
    for i in range(5):
        answer(moderator, thread, body=f"reply {i}")


def test_reply_page_answers_429_and_keeps_the_text(client, thread, student, limits):
    limits.POSTS_PER_MINUTE = 0
    client.force_login(student)

    response = client.post(
        reverse("discussions:reply-create", args=[thread.pk]), {"body": "Keep me"}
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Keep me" in response.content.decode()


def test_thread_form_answers_429(client, community, student, limits):
    limits.POSTS_PER_MINUTE = 0
    client.force_login(student)

    response = client.post(
        reverse("discussions:thread-create", args=[community.slug]),
        {"kind": "question", "title": "A title here", "body": "Body kept"},
    )

    assert response.status_code == 429 and "Body kept" in response.content.decode()


def test_api_answers_429_with_retry_after(thread, student, limits):
    limits.POSTS_PER_MINUTE = 0

    response = send(
        signed_in(student), "POST", f"/threads/{thread.pk}/replies", {"body": "x"}
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "post_rate_limited"
    assert response["Retry-After"] == "60"


def test_slow_mode_makes_people_wait(thread, moderator, student, limits):
    services.set_slow_mode(moderator, thread, seconds=120, reason="Heated")
    answer(student, thread, body="first")

    with pytest.raises(RateLimited) as error:
        answer(student, thread, body="second")

    assert error.value.code == "slow_mode"
    assert 60 < error.value.retry_after <= 120
    assert "2 minutes" in error.value.message
    answer(moderator, thread, body="moderators are exempt")


def test_slow_mode_rules(thread, moderator, student):
    with pytest.raises(PermissionDenied):
        services.set_slow_mode(student, thread, seconds=60, reason="")
    with pytest.raises(ValidationError):
        services.set_slow_mode(moderator, thread, seconds=-1, reason="")


def test_slow_mode_from_the_thread_actions_page(client, community, thread, moderator):
    client.force_login(moderator)

    client.post(
        reverse("moderation:thread-actions", args=[community.slug, thread.pk]),
        {"action": "slow", "seconds": "30", "reason": "Calm down"},
    )

    thread.refresh_from_db()
    assert thread.slow_mode_seconds == 30
    page = client.get(reverse("discussions:thread-detail", args=[thread.pk]))
    assert "Slow mode: one reply every 30 seconds" in page.content.decode()


def test_new_members_may_post_only_a_few_links(thread, student, limits):
    limits.MODERATION_TRUSTED_AFTER_POSTS = 0
    links = " ".join(f"https://example.org/{i}" for i in range(3))

    with pytest.raises(ValidationError) as error:
        answer(student, thread, body=links)

    assert "at most 2 links" in str(error.value)
    Membership.objects.filter(user=student).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    from studyhall import policy

    policy.forget(student)
    answer(student, thread, body=links)


def test_link_floods_are_refused_for_everyone_but_moderators(
    thread, mentor, moderator, limits
):
    flood = " ".join(f"https://example.org/{i}" for i in range(6))

    with pytest.raises(ValidationError):
        answer(mentor, thread, body=flood)
    answer(moderator, thread, body=flood)


def test_the_same_text_twice_is_refused(community, thread, student, limits):
    answer(student, thread, body="Anyone selling notes?")

    with pytest.raises(ValidationError, match="same text"):
        ask(student, community, title="Again", body="Anyone selling notes?")


def test_blackout_closes_chosen_categories_with_a_notice(
    client, community, owner, student
):
    exams = CategoryFactory(community=community, name="Exams")
    other = CategoryFactory(community=community, name="Social")
    now = timezone.now()
    services.schedule_blackout(
        owner,
        community,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=2),
        notice="The midterm is running.",
        categories=[exams],
    )
    thread = ask(owner, community, title="Exam thread", category=exams)

    with pytest.raises(ValidationError, match="The midterm is running"):
        answer(student, thread, body="What is on question 3?")
    ask(student, community, title="Lunch?", category=other)
    client.force_login(student)
    page = client.get(reverse("discussions:thread-detail", args=[thread.pk]))
    assert "Posting is closed in Exams" in page.content.decode()


def test_blackout_without_categories_closes_everything_and_ends(
    community, owner, student
):
    now = timezone.now()
    blackout = services.schedule_blackout(
        owner,
        community,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        notice="Exam",
        categories=[],
    )
    with pytest.raises(ValidationError):
        ask(student, community, title="Anything")

    Blackout.objects.filter(pk=blackout.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2)
    )
    ask(student, community, title="Anything")


def test_blackout_rules(community, owner, moderator):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.schedule_blackout(
            moderator, community, starts_at=now, ends_at=now, notice="x", categories=[]
        )
    with pytest.raises(ValidationError) as error:
        services.schedule_blackout(
            owner,
            community,
            starts_at=now,
            ends_at=now - timedelta(hours=1),
            notice="",
            categories=[CategoryFactory()],
        )
    assert set(error.value.message_dict) == {"notice", "ends_at", "categories"}


def test_owner_schedules_and_cancels_from_the_page(client, community, owner):
    exams = CategoryFactory(community=community, name="Exams")
    client.force_login(owner)
    url = reverse("moderation:blackouts", args=[community.slug])
    assert client.get(url).status_code == 200

    bad = client.post(url, {"starts_at": "2099-01-01T09:00", "notice": "Kept"})
    client.post(
        url,
        {
            "starts_at": "2099-01-01T09:00",
            "ends_at": "2099-01-01T12:00",
            "categories": [str(exams.pk)],
            "notice": "Final exam",
        },
    )
    blackout = Blackout.objects.get()
    assert list(blackout.categories.all()) == [exams]
    assert "Final exam" in client.get(url).content.decode()
    client.post(url, {"action": "cancel", "blackout": str(blackout.pk)})

    assert bad.status_code == 400 and "Kept" in bad.content.decode()
    assert not Blackout.objects.exists()
    assert client.post(url, {"action": "cancel", "blackout": "x"}).status_code == 404


def test_word_filter_blocks_holds_and_replaces(community, owner, student, thread):
    services.update_settings(
        owner,
        community,
        auto_hide_threshold=3,
        guidelines="",
        word_filter="scam = block\nessay mill = hold\ndarn = replace: d**n",
    )

    with pytest.raises(ValidationError, match="does not allow"):
        answer(student, thread, body="This is a SCAM.")
    replaced = answer(student, thread, body="Darn, this is hard.")
    held = answer(student, thread, body="Try my essay mill.")

    assert replaced.body == "d**n, this is hard."
    held.refresh_from_db()
    assert held.is_hidden
    case = Case.objects.get()
    assert case.object_id == held.pk and case.is_auto_hidden


def test_word_filter_hold_on_a_new_thread_hides_it(community, owner, student):
    services.update_settings(
        owner, community, auto_hide_threshold=3, guidelines="", word_filter="x9 = hold"
    )

    thread = ask(student, community, title="Held", body="about x9")

    thread.refresh_from_db()
    assert thread.is_hidden


def test_bad_word_filter_lines_are_refused_with_the_line_number(community, owner):
    with pytest.raises(ValidationError, match="Line 2"):
        services.update_settings(
            owner,
            community,
            auto_hide_threshold=3,
            guidelines="",
            word_filter="ok = block\nnonsense",
        )


def test_trust_levels_are_earned_and_lift_the_limits(
    community, thread, settings, limits
):
    from studyhall import policy
    from studyhall.moderation import gates

    settings.MODERATION_TRUSTED_AFTER_POSTS = 1
    newcomer = make_member(community, "student")
    assert gates.trust_level(newcomer, community.pk) == gates.NEW
    with pytest.raises(ValidationError, match="at most 1 images"):
        answer(newcomer, thread, body="![a](/a.png) ![b](/b.png)")
    with pytest.raises(ValidationError, match="mentions"):
        answer(newcomer, thread, body="@alpha @bravo @charlie @delta hello")
    answer(newcomer, thread, body="first post")
    Membership.objects.filter(user=newcomer).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    policy.forget(newcomer)

    assert gates.trust_level(newcomer, community.pk) == gates.MEMBER
    answer(newcomer, thread, body="![a](/a.png) ![b](/b.png)")
    assert gates.trust_level(make_member(community, "mentor"), community.pk) == 2
    from tests.factories import UserFactory

    assert gates.trust_level(UserFactory(), community.pk) == gates.NEW


def test_moderators_set_a_trust_level_from_the_page(
    client, community, moderator, student, thread, limits
):
    from studyhall.moderation import gates

    membership = Membership.objects.get(community=community, user=student)
    client.force_login(moderator)
    url = reverse("moderation:member-restrict", args=[community.slug, membership.pk])

    client.post(url, {"form": "trust", "level": "2"})

    assert gates.trust_level(student, community.pk) == gates.TRUSTED
    answer(student, thread, body=" ".join(f"https://e.org/{i}" for i in range(4)))
    client.post(url, {"form": "trust", "level": ""})
    assert gates.trust_level(student, community.pk) == gates.NEW
    with pytest.raises(PermissionDenied):
        services.set_trust_level(student, membership, level=2)
    with pytest.raises(ValidationError):
        services.set_trust_level(moderator, membership, level=7)
