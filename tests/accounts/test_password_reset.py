from __future__ import annotations

import re

import pytest
from django.urls import reverse

from studyhall.accounts.models import LoginFailure, User
from tests.accounts.conftest import link_path
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, mailoutbox):
    UserFactory(email="ada@example.org")

    known = client.post(
        reverse("accounts:password-reset"), {"email": "ada@example.org"}
    )
    unknown = client.post(
        reverse("accounts:password-reset"), {"email": "nobody@example.org"}
    )

    assert known.status_code == unknown.status_code == 302
    assert (
        known["Location"]
        == unknown["Location"]
        == reverse("accounts:password-reset-done")
    )
    known_page = client.get(known["Location"])
    unknown_page = client.get(unknown["Location"])
    assert _without_csrf(known_page.text) == _without_csrf(unknown_page.text)
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]


def test_reset_page_has_a_labelled_email_field(client):
    response = client.get(reverse("accounts:password-reset"))

    assert "<h1>Reset your password</h1>" in response.text
    assert '<label for="id_email">' in response.text
    assert 'autocomplete="email"' in response.text


def test_full_reset_flow_changes_the_password(client, mailoutbox):
    user = UserFactory(email="ada@example.org", email_verified_at=None)
    LoginFailure.objects.create(email="ada@example.org", address="10.0.0.1")
    client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    mail = mailoutbox[0]
    assert "studyhall" in mail.subject
    assert "\n" not in mail.subject
    path = link_path(mail, "/accounts/password-reset/")

    confirm = client.get(path)
    assert confirm.status_code == 302  # Django moves the token into the session.
    form_page = client.get(confirm["Location"])
    assert "<h1>Choose a new password</h1>" in form_page.text
    assert 'autocomplete="new-password"' in form_page.text
    done = client.post(
        confirm["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_verified_at is not None
    assert not LoginFailure.objects.filter(email="ada@example.org").exists()
    login = client.post(
        reverse("accounts:login"),
        {"email": "ada@example.org", "password": NEW_PASSWORD},
    )
    assert login.status_code == 302


def test_reset_link_works_only_once(client, mailoutbox):
    UserFactory(email="ada@example.org")
    client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    path = link_path(mailoutbox[0], "/accounts/password-reset/")
    set_url = client.get(path)["Location"]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(path, follow=True)

    assert "Reset link not accepted" in again.text
    assert User.objects.get(email="ada@example.org").check_password(NEW_PASSWORD)


def test_reset_link_uses_the_site_address_not_the_host_header(
    client, mailoutbox, settings
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://learn.example.org"
    UserFactory(email="ada@example.org")

    client.post(
        reverse("accounts:password-reset"),
        {"email": "ada@example.org"},
        HTTP_HOST="attacker.example",
    )

    assert "https://learn.example.org/accounts/password-reset/" in mailoutbox[0].body
    assert "attacker.example" not in mailoutbox[0].body
