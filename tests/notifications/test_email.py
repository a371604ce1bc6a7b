"""Emails reach a real SMTP server with the right headers, bodies and limits."""

from __future__ import annotations

import logging

import pytest
from django.utils import timezone

from studyhall.notifications import emails, services
from studyhall.notifications.models import OutboundEmail, Preference
from tests.discussions.helpers import answer, ask
from tests.notifications.smtp import free_port

pytestmark = pytest.mark.django_db


def _h(message, name: str) -> str:
    """Return a header's value, unfolded (long headers start on a new line)."""
    return str(message[name]).strip()


def test_mention_email_has_threading_unsubscribe_and_both_bodies(
    smtp,
    committed,
    settings,
    community,
    student,
    other_student,
):
    settings.MAIL_REPLY_DOMAIN = "mail.example.org"
    thread = ask(student, community, title="Eigenvalues")

    with committed():
        answer(other_student, thread, body=f"@{student.handle} try **power iteration**")

    (message,) = smtp.to(student.email)
    assert _h(message, "Subject") == (
        f"[{community.name}] {other_student.display_name} mentioned you in “Eigenvalues”"
    )
    assert _h(message, "In-Reply-To") == f"<thread-{thread.pk}@127.0.0.1>"
    assert _h(message, "References") == f"<thread-{thread.pk}@127.0.0.1>"
    assert _h(message, "Message-ID").endswith("@127.0.0.1>")
    unsubscribe = _h(message, "List-Unsubscribe")
    assert unsubscribe.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert _h(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert emails.read_unsubscribe_token(
        unsubscribe.strip("<>").rstrip("/").rsplit("/", 1)[1]
    ) == (student.pk, "mention")
    assert _h(message, "Reply-To").startswith("reply+")
    assert _h(message, "Reply-To").endswith("@mail.example.org")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "try **power iteration**" in text
    assert f"/t/{thread.pk}/?page=1#post-2" in text
    assert "<strong>power iteration</strong>" in html
    # Mentions link by member id (they survive a change of handle), made absolute.
    assert f'href="http://127.0.0.1:8000/accounts/people/id/{student.pk}/"' in html
    assert "Stop them" in html


def test_anonymous_author_is_not_named_in_a_peers_email(
    smtp,
    committed,
    community,
    student,
    other_student,
):
    community.anonymity = "anonymous_to_peers"
    community.save()
    thread = ask(student, community)

    with committed():
        answer(other_student, thread, body="A hidden hand", is_anonymous=True)

    (message,) = smtp.to(student.email)
    raw = message.as_string()
    assert "Anonymous replied" in _h(message, "Subject")
    assert other_student.display_name not in raw
    assert other_student.handle not in raw


def test_turned_off_kind_sends_no_email(
    smtp, committed, community, student, other_student
):
    services.update_preferences(student, email_reply=False)
    thread = ask(student, community)

    with committed():
        answer(other_student, thread)

    assert smtp.messages == []


def test_daily_cap_holds_back_the_rest_for_the_digest(
    smtp,
    committed,
    community,
    student,
    other_student,
    mentor,
):
    services.update_preferences(student, daily_email_cap=1)
    thread = ask(mentor, community)

    with committed():
        answer(other_student, thread, body=f"@{student.handle} one")
        answer(mentor, thread, body=f"@{student.handle} two")

    assert len(smtp.to(student.email)) == 1
    assert OutboundEmail.objects.filter(recipient=student).count() == 1


def test_bounced_address_gets_no_mail(
    smtp, committed, community, student, other_student
):
    services.suppress_address(student.email.upper(), reason="hard: 550")
    thread = ask(student, community)

    with committed():
        answer(other_student, thread)

    assert smtp.messages == []


def test_unverified_person_gets_no_mail(
    smtp, committed, community, student, other_student
):
    student.email_verified_at = None
    student.save()
    thread = ask(other_student, community)

    with committed():
        answer(other_student, thread, body=f"@{student.handle}")

    assert smtp.messages == []


def test_failed_send_is_kept_logged_and_retried_with_backoff(
    committed,
    settings,
    caplog,
    community,
    student,
    other_student,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens here
    settings.EMAIL_TIMEOUT = 2
    thread = ask(student, community)

    with caplog.at_level(logging.WARNING), committed():
        answer(other_student, thread)

    outbound = OutboundEmail.objects.get(recipient=student)
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert outbound.attempts == 1
    assert outbound.next_attempt_at > timezone.now()
    assert "retrying" in caplog.text

    # Not due yet: nothing is tried.
    assert emails.retry_due() == 0


def test_retry_sends_once_the_server_is_back(
    smtp,
    committed,
    community,
    student,
    other_student,
):
    thread = ask(student, community)
    outbound = OutboundEmail.objects.create(
        recipient=student,
        kind="reply",
        to_address=student.email,
        subject="Retry me",
        body_text="text",
        attempts=1,
        next_attempt_at=timezone.now(),
    )
    assert thread

    with committed():
        tried = emails.retry_due()

    outbound.refresh_from_db()
    assert tried == 1
    assert outbound.status == OutboundEmail.Status.SENT
    assert [m["Subject"] for m in smtp.messages] == ["Retry me"]
    # Running it again sends nothing twice.
    assert emails.deliver(outbound.pk) == "gone"


def test_an_email_that_keeps_failing_is_given_up_and_logged(settings, caplog, student):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = free_port()
    settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = 2
    outbound = OutboundEmail.objects.create(
        recipient=student,
        kind="reply",
        to_address=student.email,
        subject="x",
        body_text="y",
        attempts=1,
    )

    with caplog.at_level(logging.ERROR):
        status = emails.deliver(outbound.pk)

    assert status == OutboundEmail.Status.FAILED
    assert "failed for good" in caplog.text


def test_preferences_default_when_never_chosen(student):
    pref = services.preference_for(student)

    assert pref.pk is None and pref.digest == "daily"
    assert services.daily_cap(pref) == 20
    assert not Preference.objects.exists()


def test_a_title_with_a_line_break_still_makes_a_one_line_subject(
    smtp, committed, community, student, other_student
):
    from studyhall.discussions.models import Thread

    thread = ask(student, community, title="Broken title")
    Thread.objects.filter(pk=thread.pk).update(title="Broken\ntitle")
    thread.refresh_from_db()

    with committed():
        answer(other_student, thread)

    (message,) = smtp.to(student.email)
    assert _h(message, "Subject").endswith("replied in “Broken title”")
