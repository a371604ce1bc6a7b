from __future__ import annotations

import re

import pytest
from django.urls import reverse

from studyhall.accounts import services
from studyhall.accounts.models import User
from tests.accounts.conftest import link_path
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "ada@example.org",
    "display_name": "Ada Lovelace",
    "password": "analytical engine 1843",
}


def _page_text(response) -> str:
    """Return the page without the per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)


def test_signup_page_has_labelled_fields_with_autocomplete(client):
    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 200
    html = response.text
    assert "<h1>Sign up</h1>" in html
    assert '<label for="id_email">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html
    assert 'autocomplete="new-password"' in html
    assert "csrfmiddlewaretoken" in html


def test_signup_mails_a_link_that_verifies_and_logs_in(client, mailoutbox):
    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-done")
    user = User.objects.get(email="ada@example.org")
    assert user.email_verified_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    path = link_path(mailoutbox[0], "/accounts/verify/")

    page = client.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    user.refresh_from_db()
    assert user.email_verified_at is None  # a GET alone verifies nothing

    verified = client.post(path)
    assert verified.status_code == 302
    assert verified["Location"] == reverse("communities:home")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    account = client.get(reverse("accounts:account"))
    assert account.status_code == 200
    assert account.context["user"] == user
    assert "Please verify your email address" not in account.text


def test_signup_handle_comes_from_display_name_not_email(client):
    client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "secret.name@corp.test"}
    )

    user = User.objects.get(email="secret.name@corp.test")
    assert user.handle == "AdaLovelace"


def test_duplicate_signup_answers_identically_and_notifies_the_owner(
    client, mailoutbox
):
    UserFactory(email="taken@example.org", display_name="Grace")
    fresh = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "new@example.org"}
    )
    fresh_page = client.get(fresh["Location"])

    taken = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "Taken@Example.org"}
    )
    taken_page = client.get(taken["Location"])

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert taken_page.status_code == fresh_page.status_code == 200
    assert _page_text(taken_page) == _page_text(fresh_page)
    assert User.objects.filter(email="taken@example.org").count() == 1
    notice = mailoutbox[-1]
    assert notice.to == ["taken@example.org"]
    assert "already have an account" in notice.body
    assert "/accounts/verify/" not in notice.body


def test_rejected_signup_keeps_email_and_name_but_not_password(client):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "password": "short"})

    assert response.status_code == 200
    html = response.text
    assert 'value="ada@example.org"' in html
    assert 'value="Ada Lovelace"' in html
    assert 'value="short"' not in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password_helptext id_password_error"' in html
    assert 'id="id_password_error"' in html
    assert not User.objects.filter(email="ada@example.org").exists()


def test_rejected_signup_marks_a_bad_email(client):
    response = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "not-an-email"}
    )

    html = response.text
    assert 'value="not-an-email"' in html
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_email"', html)
    assert 'id="id_email_error"' in html


def test_signup_rejects_a_password_like_the_email(client):
    response = client.post(
        reverse("accounts:signup"),
        {**SIGNUP, "email": "grace.hopper@x.io", "password": "grace.hopper"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="grace.hopper@x.io").exists()


def test_bad_verification_token_is_a_clear_400(client):
    response = client.post(reverse("accounts:verify", kwargs={"token": "nonsense"}))

    assert response.status_code == 400
    assert "invalid or has expired" in response.text


def test_tampered_verification_token_is_refused(client):
    user = UserFactory(email_verified_at=None)
    token = services.verification_token(user)

    response = client.post(reverse("accounts:verify", kwargs={"token": token + "x"}))

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verification_token_past_its_age_is_refused(client, monkeypatch):
    user = UserFactory(email_verified_at=None)
    token = services.verification_token(user)
    monkeypatch.setattr(services, "VERIFY_MAX_AGE", -1)

    response = client.post(reverse("accounts:verify", kwargs={"token": token}))

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verification_token_for_an_old_address_is_refused(client):
    user = UserFactory(email_verified_at=None)
    token = services.verification_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.org")

    response = client.post(reverse("accounts:verify", kwargs={"token": token}))

    assert response.status_code == 400


def test_used_verification_link_no_longer_logs_in(client):
    user = UserFactory(email_verified_at=None)
    path = reverse(
        "accounts:verify", kwargs={"token": services.verification_token(user)}
    )
    client.post(path)
    client.post(reverse("accounts:logout"))

    again = client.post(path)

    assert again.status_code == 302
    assert again["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_unverified_person_sees_banner_and_can_resend(client, mailoutbox):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)

    page = client.get(reverse("accounts:account"))
    response = client.post(reverse("accounts:resend-verification"))

    assert "Please verify your email address" in page.text
    assert reverse("accounts:resend-verification") in page.text
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/verify/" in mailoutbox[0].body


def test_resend_is_limited_to_one_a_minute(client, mailoutbox):
    client.force_login(UserFactory(email_verified_at=None))

    client.post(reverse("accounts:resend-verification"))
    client.post(reverse("accounts:resend-verification"))

    assert len(mailoutbox) == 1


def test_resend_requires_post_and_login(client):
    assert client.get(reverse("accounts:resend-verification")).status_code in {302, 405}
    response = client.post(reverse("accounts:resend-verification"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_verified_person_sees_no_banner(client, outsider):
    client.force_login(outsider)

    page = client.get(reverse("accounts:account"))

    assert "Please verify your email address" not in page.text


def test_rejected_signup_shows_every_problem_at_once(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "not-an-email", "display_name": "", "password": "short"},
    )

    html = response.text
    assert 'id="id_email_error"' in html
    assert 'id="id_display_name_error"' in html
    assert 'id="id_password_error"' in html
