"""A reply to a notification email becomes a reply in the thread."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from studyhall.discussions.models import Post
from studyhall.notifications import emails, inbound
from studyhall.notifications.models import Notification
from tests.discussions.helpers import answer, ask

pytestmark = pytest.mark.django_db

REPLY = """\
Thanks, that worked!
The trick was the transpose.

--
Ana, sent between lectures

On Mon, 23 Nov 2026 at 10:00, studyhall <noreply@localhost> wrote:
> Someone replied in "Eigenvalues"
> Use the power method.
"""


@pytest.fixture
def notified(committed, settings, community, student, other_student):
    settings.MAIL_REPLY_DOMAIN = "mail.example.org"
    thread = ask(student, community, title="Eigenvalues")
    with committed():
        answer(other_student, thread, body="Use the power method.")
    notification = Notification.objects.get(recipient=student)
    return notification


def _raw(
    notification, *, sender: str, body: str = REPLY, to: str | None = None
) -> bytes:
    address = to or emails.reply_address(notification)
    return (
        f"From: Ana <{sender}>\r\nTo: {address}\r\nSubject: Re: Eigenvalues\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n")
    ).encode()


def test_strip_reply_drops_quotes_and_signatures():
    assert inbound.strip_reply(REPLY) == (
        "Thanks, that worked!\nThe trick was the transpose."
    )
    assert inbound.strip_reply("Yes\n> no\nAnd more\n-- \nsig") == "Yes\nAnd more"
    assert inbound.strip_reply("Short\n\nSent from my phone") == "Short"
    assert inbound.strip_reply("Top\n-----Original Message-----\nold") == "Top"


def test_command_reads_stdin_and_posts_the_reply(
    committed, monkeypatch, notified, student
):
    raw = _raw(notified, sender=student.email)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()

    with committed():
        call_command("receive_email", stdout=out)

    post = Post.objects.filter(thread=notified.thread).order_by("-number").first()
    assert post is not None and post.author == student
    assert post.body == "Thanks, that worked!\nThe trick was the transpose."
    assert post.reply_to_id == notified.post_id
    assert f"Posted reply {post.pk}" in out.getvalue()


def test_command_refuses_a_forged_address(monkeypatch, notified, student):
    forged = f"reply+{notified.pk}-0123456789abcdef0123@mail.example.org"
    raw = _raw(notified, sender=student.email, to=forged)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    with pytest.raises(CommandError, match="No notification matches"):
        call_command("receive_email")


def test_reply_from_another_address_is_refused(notified, other_student):
    with pytest.raises(inbound.InboundError) as error:
        inbound.receive(_raw(notified, sender=other_student.email))

    assert error.value.code == "wrong_sender"


def test_empty_reply_is_refused_with_the_reason(notified, student):
    with pytest.raises(inbound.InboundError) as error:
        inbound.receive(_raw(notified, sender=student.email, body="> only quotes\n"))

    assert error.value.code == "invalid"


def test_reply_after_losing_access_is_refused(notified, student):
    from studyhall import policy
    from studyhall.communities.models import Membership

    Membership.objects.filter(user=student).delete()
    policy.forget(student)
    notified.recipient = student

    with pytest.raises(inbound.InboundError) as error:
        inbound.receive(_raw(notified, sender=student.email))

    assert error.value.code == "permission_denied"


def test_html_only_reply_is_read_without_the_quote(notified, student):
    address = emails.reply_address(notified)
    raw = (
        f"From: {student.email}\r\nTo: {address}\r\nSubject: Re\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>Great answer</p><blockquote>old text</blockquote>"
    ).encode()

    post = inbound.receive(raw)

    assert post.body == "Great answer"


def test_webhook_with_the_secret_posts_the_reply(client, settings, notified, student):
    settings.MAIL_WEBHOOK_SECRET = "inbound-secret"
    raw = _raw(notified, sender=student.email)

    refused = client.post(
        "/notifications/mail/inbound/", raw, content_type="message/rfc822"
    )
    accepted = client.post(
        "/notifications/mail/inbound/",
        raw,
        content_type="message/rfc822",
        HTTP_AUTHORIZATION="Bearer inbound-secret",
    )
    junk = client.post(
        "/notifications/mail/inbound/",
        b"not an email",
        content_type="message/rfc822",
        HTTP_AUTHORIZATION="Bearer inbound-secret",
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert Post.objects.get(pk=accepted.json()["post"]).author == student
    assert junk.status_code == 422
