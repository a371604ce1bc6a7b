"""Digests: on time in each person's time zone, batched, and never leaking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studyhall.discussions.models import Thread
from studyhall.notifications import digests, services
from studyhall.notifications.models import Digest, Preference
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_digest_is_due_at_the_chosen_hour_in_my_time_zone():
    pref = Preference(time_zone="Asia/Tokyo", digest=Digest.DAILY, digest_hour=8)

    pref.last_digest_at = _at(2026, 11, 21, 23)

    # 08:00 in Tokyo is 23:00 UTC the day before.
    assert not digests.digest_due(pref, _at(2026, 11, 22, 22, 59))
    assert digests.digest_due(pref, _at(2026, 11, 22, 23, 0))
    pref.last_digest_at = _at(2026, 11, 22, 23, 0)
    assert not digests.digest_due(pref, _at(2026, 11, 23, 12, 0))


def test_weekly_digest_is_due_on_monday_mornings_local_time():
    pref = Preference(
        time_zone="America/New_York",
        digest=Digest.WEEKLY,
        digest_hour=9,
        last_digest_at=_at(2026, 11, 16, 14),  # Monday 09:00 in New York
    )

    assert not digests.digest_due(pref, _at(2026, 11, 22, 20))  # Sunday
    assert not digests.digest_due(pref, _at(2026, 11, 23, 13, 59))  # Mon 08:59
    assert digests.digest_due(pref, _at(2026, 11, 23, 14, 0))  # Mon 09:00


def test_no_digest_when_turned_off():
    assert not digests.digest_due(Preference(digest=Digest.OFF), timezone.now())


def _digest_text(user, now=None) -> str:
    now = now or timezone.now()
    pref = services.preference_for(user)
    data = digests.load_batch([user], now)
    mail = digests.build_digest(user, pref, data, now)
    return "" if mail is None else digests.render(mail)[0]


def test_private_community_content_reaches_members_only(community, student):
    secret = ask(student, community, title="Zanzibar private plans")
    public = CommunityFactory(visibility="public", name="Open Course")
    outsider = make_member(public, "student")
    member = make_member(community, "student")
    make_member(public, "student")
    ask(make_member(public, "student"), public, title="Open question")
    assert secret

    member_text = _digest_text(member)
    outsider_text = _digest_text(outsider)

    assert "Zanzibar private plans" in member_text
    assert "Zanzibar" not in outsider_text
    assert community.name not in outsider_text
    assert "Open question" in outsider_text


def test_anonymous_authors_stay_anonymous_in_peers_digests(
    community, student, other_student, instructor
):
    community.anonymity = "anonymous_to_peers"
    community.save()
    ask(student, community, title="A shy question", is_anonymous=True)

    peer = _digest_text(other_student)
    staff = _digest_text(instructor)

    assert "A shy question — by Anonymous" in peer
    assert student.display_name not in peer
    assert student.display_name in staff


def test_digest_lists_unanswered_questions_and_top_replies(
    community, student, other_student, mentor
):
    from studyhall.discussions import services as discussions

    lonely = ask(student, community, title="Nobody answered me")
    busy = ask(student, community, title="Busy one")
    good = answer(other_student, busy, body="A great reply")
    good.thread = busy
    discussions.toggle_reaction(student, good, kind="thanks")
    assert lonely

    text = _digest_text(mentor)

    assert "Questions in" in text and "Nobody answered me" in text
    assert (
        f"Top reply by {other_student.display_name} in “Busy one” (1 reaction)" in text
    )


def test_triage_digest_for_instructors_lists_stale_questions_and_askers(
    community, student, instructor, other_student
):
    stale = ask(student, community, title="Stuck for days")
    Thread.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    ask(other_student, community, title="Asked just now")
    now = timezone.now()
    data = digests.load_batch([instructor, student], now)

    mail = digests.build_triage(instructor, Preference(user=instructor), data, now)
    nothing = digests.build_triage(student, Preference(user=student), data, now)

    assert mail is not None and nothing is None
    text = digests.render(mail)[0]
    assert "Stuck for days (30 hours)" in text
    assert "Asked just now" not in text
    assert student.display_name in text


def test_building_a_batch_costs_the_same_for_5_or_40_people(community, student):
    def build(count: int) -> int:
        people = [make_member(community, "student") for _ in range(count)]
        for person in people[:3]:
            ask(person, community)
        pairs = [(p, Preference(user=p)) for p in people]
        with CaptureQueriesContext(connection) as captured:
            digests.build_for_batch(pairs, timezone.now())
        return len(captured)

    assert build(5) == build(40)


def test_send_due_digests_mails_once_per_period_through_smtp(
    smtp, committed, community, student, other_student
):
    ask(other_student, community, title="Fresh thread for the digest")
    now = timezone.now()

    with committed():
        queued = digests.send_due_digests(now)
    with committed():
        again = digests.send_due_digests(now + timedelta(minutes=5))

    assert again == 0
    (message,) = smtp.to(student.email)
    assert queued >= 1
    assert "digest" in str(message["Subject"])
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Fresh thread for the digest" in text
    assert "Fresh thread for the digest" in html
    assert Preference.objects.get(user=student).last_digest_at == now


def test_people_without_news_get_no_digest(smtp, committed):
    lonely = UserFactory()

    with committed():
        digests.send_due_digests()

    assert smtp.to(lonely.email) == []


def test_deliver_mail_command_queues_due_digests_and_retries(
    smtp, committed, community, student, other_student
):
    from io import StringIO

    from django.core.management import call_command

    ask(other_student, community, title="News for the command")
    out = StringIO()

    with committed():
        call_command("deliver_mail", stdout=out)

    assert "queued" in out.getvalue()
    assert any(
        "News for the command" in m.get_body(("plain",)).get_content()
        for m in smtp.to(student.email)
    )


def test_later_batches_reuse_the_news_of_communities_already_loaded(community, student):
    people = [make_member(community, "student") for _ in range(6)]
    ask(people[0], community)
    cache = digests.NewsCache(now=timezone.now())

    def cost(batch):
        pairs = [(p, Preference(user=p)) for p in batch]
        with CaptureQueriesContext(connection) as captured:
            digests.build_for_batch(pairs, cache.now, cache)
        return len(captured)

    first, second = cost(people[:3]), cost(people[3:])

    assert second == first - 6


def test_digest_lists_my_groups_sessions_this_week_in_my_time_zone(
    community, student, other_student
):
    from studyhall.groups import services as groups
    from tests.factories import make_group

    group = make_group(student, community, visibility="hidden", name="Secret circle")
    start = (timezone.now() + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    groups.schedule_session(
        student, group, title="Past papers", local_start=start, time_zone="UTC"
    )
    services.update_preferences(student, time_zone="Asia/Tokyo")

    mine = _digest_text(student)
    theirs = _digest_text(other_student)

    assert "Your study sessions this week" in mine
    assert "Past papers (Secret circle)" in mine and "18:00 (Asia/Tokyo)" in mine
    assert "Past papers" not in theirs and "Secret circle" not in theirs


def test_digest_lists_new_opportunities_of_my_communities(community, student, mentor):
    from studyhall.profiles import services as profiles

    profiles.post_opportunity(
        mentor,
        community,
        kind="internship",
        title="Data internship",
        organisation="Lab",
        apply_url="https://example.org/apply",
        deadline=(timezone.now() + timedelta(days=30)).date(),
    )
    elsewhere = make_member(CommunityFactory(visibility="private"), "student")

    assert "Internship: Data internship at Lab" in _digest_text(student)
    assert "Data internship" not in _digest_text(elsewhere)


def test_flagged_posts_waiting_reach_moderators_only(
    community, student, other_student, moderator, instructor
):
    from studyhall.moderation import services as moderation
    from studyhall.moderation.registry import POST as POST_KIND

    reply = answer(other_student, ask(student, community), body="Buy essays")
    moderation.flag_content(student, POST_KIND, reply, reason="spam")
    now = timezone.now()
    data = digests.load_batch([instructor], now)
    triage = digests.build_triage(instructor, Preference(user=instructor), data, now)

    moderator_text = _digest_text(moderator)
    assert "Flagged posts waiting for review" in moderator_text
    assert "1 item in the moderation queue" in moderator_text
    assert "Buy essays" not in moderator_text
    assert "Flagged posts waiting" not in _digest_text(student)
    # Instructors find them in their triage digest rather than twice.
    assert "Flagged posts waiting" not in _digest_text(instructor)
    assert triage is not None
    assert "Flagged posts waiting" in digests.render(triage)[0]


def test_messages_held_back_by_the_cap_wait_in_the_digest(
    committed, student, other_student
):
    from studyhall.chat import services as chat
    from tests.chat.helpers import say

    services.update_preferences(other_student, daily_email_cap=0)
    room = chat.start_conversation(student, [other_student])
    with committed():
        say(student, room, "See you at nine")

    waiting = _digest_text(other_student, timezone.now() + timedelta(minutes=1))

    assert "Notifications waiting for you" in waiting
    assert f"{student.display_name} sent you a message" in waiting
    assert "sent you a message" not in _digest_text(student)
