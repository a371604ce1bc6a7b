"""The bell, the notifications page, settings, following and unsubscribing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyhall.notifications import emails, services
from studyhall.notifications.models import (
    Digest,
    Kind,
    Level,
    Notification,
    Preference,
    Subscription,
    SuppressedAddress,
)
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _fill(recipient, community, authors, count: int) -> None:
    thread = ask(authors[0], community, title="Busy thread")
    for i in range(count):
        post = answer(authors[i % len(authors)], thread)
        post.thread = thread
        services.notify(
            recipient,
            Kind.MENTION,
            actor=authors[i % len(authors)],
            target=post,
            url=services.post_url(post),
        )
        services.notify(recipient, Kind.BADGE, text=f"Badge {i}")


def test_notifications_page_costs_the_same_with_4_or_60_notifications(
    client, community, student, other_student, mentor
):
    client.force_login(student)
    _fill(student, community, [other_student, mentor], 2)
    few = _queries(client, "/notifications/")
    _fill(student, community, [other_student, mentor], 30)

    many = _queries(client, "/notifications/")

    assert few == many


def test_bell_count_costs_the_same_on_any_page(client, community, student, mentor):
    client.force_login(student)
    _fill(student, community, [mentor], 1)
    few = _queries(client, "/accounts/")
    _fill(student, community, [mentor], 20)

    many = _queries(client, "/accounts/")

    assert few == many


def test_bell_shows_the_unread_count_on_every_page(client, community, student):
    services.notify(student, Kind.BADGE, text="one")
    services.notify(student, Kind.BADGE, text="two")
    client.force_login(student)

    body = client.get("/accounts/").content.decode()

    assert re.search(r"data-bell-count>2<", body)


def test_page_groups_by_day_in_my_time_zone_and_links_to_open(
    client, community, student, other_student
):
    Preference.objects.create(user=student, time_zone="Pacific/Auckland")
    thread = ask(student, community)
    post = answer(other_student, thread)
    post.thread = thread
    n = services.notify(
        student,
        Kind.REPLY,
        actor=other_student,
        target=post,
        url=services.post_url(post),
    )
    assert n is not None
    client.force_login(student)

    body = client.get("/notifications/").content.decode()

    local_day = n.updated_at.astimezone(
        __import__("zoneinfo").ZoneInfo("Pacific/Auckland")
    )
    assert f'datetime="{local_day:%Y-%m-%d}"' in body
    assert f'href="/notifications/{n.pk}/"' in body
    assert f"{other_student.display_name} replied in" in body


def test_opening_a_notification_marks_it_read_and_lands_on_the_reply(
    client, community, student, other_student
):
    thread = ask(student, community)
    post = answer(other_student, thread)
    post.thread = thread
    n = services.notify(
        student,
        Kind.REPLY,
        actor=other_student,
        target=post,
        url=services.post_url(post),
    )
    assert n is not None
    client.force_login(student)

    response = client.get(f"/notifications/{n.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/t/{thread.pk}/?page=1#post-2"
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_is_404(client, student, other_student):
    n = services.notify(other_student, Kind.BADGE, text="theirs")
    assert n is not None
    client.force_login(student)

    assert client.get(f"/notifications/{n.pk}/").status_code == 404
    assert client.post(f"/notifications/{n.pk}/read/").status_code == 404


def test_mark_read_and_mark_all_read_buttons(client, student):
    a = services.notify(student, Kind.BADGE, text="a")
    services.notify(student, Kind.BADGE, text="b")
    assert a is not None
    client.force_login(student)

    client.post(f"/notifications/{a.pk}/read/", {"next": "/notifications/?unread=1"})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_settings_page_saves_email_and_digest_choices(client, student):
    client.force_login(student)

    response = client.post(
        "/notifications/settings/",
        {
            "email_mention": "on",
            "digest": "weekly",
            "digest_hour": "7",
            "time_zone": "Europe/Paris",
            "daily_email_cap": "3",
        },
    )

    assert response.status_code == 302
    pref = Preference.objects.get(user=student)
    assert (pref.email_mention, pref.email_reply, pref.digest) == (
        True,
        False,
        Digest.WEEKLY,
    )
    assert (pref.time_zone, pref.digest_hour, pref.daily_email_cap) == (
        "Europe/Paris",
        7,
        3,
    )


def test_settings_page_keeps_what_was_typed_on_a_bad_time_zone(client, student):
    client.force_login(student)

    response = client.post(
        "/notifications/settings/",
        {
            "digest": "daily",
            "digest_hour": "7",
            "time_zone": "Mars/Olympus",
            "daily_email_cap": "12",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert 'value="12"' in body
    assert not Preference.objects.filter(user=student).exists()


def test_follow_page_sets_a_thread_level(client, community, student, other_student):
    thread = ask(other_student, community)
    client.force_login(student)
    url = f"/notifications/follow/thread/{thread.pk}/"

    assert client.get(url).status_code == 200
    client.post(url, {"level": "watching"})

    assert Subscription.objects.get(user=student).level == Level.WATCHING


def test_follow_page_hides_threads_i_cannot_see(client, outsider, community, student):
    thread = ask(student, community)
    client.force_login(outsider)

    assert client.get(f"/notifications/follow/thread/{thread.pk}/").status_code == 404
    assert client.get("/notifications/follow/planet/1/").status_code == 404
    assert client.get("/notifications/follow/thread/999999/").status_code == 404


def test_mute_form_mutes_a_person_and_reports_unknown_handles(
    client, student, other_student
):
    client.force_login(student)

    client.post("/notifications/mute/", {"handle": f"@{other_student.handle}"})
    bad = client.post("/notifications/mute/", {"handle": "ghost-person"})

    assert Subscription.objects.get(user=student).level == Level.MUTED
    assert bad.status_code == 400
    assert "Nobody has that handle." in bad.content.decode()
    assert 'value="ghost-person"' in bad.content.decode()


def test_unsubscribe_link_confirms_on_get_and_unsubscribes_on_one_click_post(
    client, student
):
    url = emails.unsubscribe_url(student, "reply").removeprefix("http://127.0.0.1:8000")

    page = client.get(url)
    assert page.status_code == 200
    assert services.preference_for(student).email_reply is True
    # RFC 8058: a POST without cookies or CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert services.preference_for(student).email_reply is False


def test_unsubscribe_with_a_forged_token_is_404(client):
    assert client.get("/notifications/unsubscribe/forged/").status_code == 404
    assert client.post("/notifications/unsubscribe/forged/").status_code == 404


def test_bounce_webhook_needs_the_secret_and_stops_mail(client, settings):
    settings.MAIL_WEBHOOK_SECRET = "s3cret-value"
    url = "/notifications/mail/bounce/"
    report = '{"email": "Gone@Example.org", "type": "hard", "reason": "550"}'

    refused = client.post(url, report, content_type="application/json")
    wrong = client.post(
        url, report, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    accepted = client.post(
        url,
        report,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer s3cret-value",
    )
    soft = client.post(
        url,
        '[{"email": "slow@example.org", "type": "soft"}]',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer s3cret-value",
    )
    bad = client.post(
        url,
        "{nope",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer s3cret-value",
    )

    assert (refused.status_code, wrong.status_code, accepted.status_code) == (
        403,
        403,
        200,
    )
    assert soft.json() == {"suppressed": 0}
    assert bad.status_code == 400
    assert list(SuppressedAddress.objects.values_list("email", flat=True)) == [
        "gone@example.org"
    ]


def test_webhooks_are_closed_without_a_configured_secret(client, settings):
    settings.MAIL_WEBHOOK_SECRET = ""

    response = client.post(
        "/notifications/mail/bounce/",
        '{"email": "a@example.org"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )

    assert response.status_code == 403


def test_pages_need_login(client):
    for url in ("/notifications/", "/notifications/settings/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_thread_and_community_pages_link_to_their_levels(client, community, student):
    thread = ask(student, community)
    client.force_login(student)

    thread_page = client.get(f"/t/{thread.pk}/").content.decode()
    list_page = client.get(f"/c/{community.slug}/").content.decode()

    assert f'href="/notifications/follow/thread/{thread.pk}/"' in thread_page
    assert f'href="/notifications/follow/community/{community.pk}/"' in list_page


def test_operators_see_the_outbox_and_suppressed_addresses_in_the_admin(client):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    services.suppress_address("gone@example.org", reason="hard")
    client.force_login(admin)

    outbox = client.get("/admin/notifications/outboundemail/")
    suppressed = client.get("/admin/notifications/suppressedaddress/")

    assert outbox.status_code == 200
    assert "gone@example.org" in suppressed.content.decode()
