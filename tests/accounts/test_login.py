from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyhall.accounts.models import LoginFailure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
MISMATCH = "That email and password don&#x27;t match."


@pytest.fixture
def person():
    return UserFactory(email="ada@example.org")


def _log_in(client, email, password, **extra):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password}, **extra
    )


def test_login_page_has_labelled_fields_with_autocomplete(client):
    response = client.get(reverse("accounts:login"))

    html = response.text
    assert "<h1>Log in</h1>" in html
    assert '<label for="id_email">' in html
    assert '<label for="id_password">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_with_the_right_password_logs_in(client, person):
    response = _log_in(client, "Ada@Example.org ", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:home")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_wrong_password_and_unknown_email_get_the_same_answer(client, person):
    wrong = _log_in(client, "ada@example.org", "not the password")
    unknown = _log_in(client, "nobody@example.org", "not the password")

    assert wrong.status_code == unknown.status_code == 200
    assert MISMATCH in wrong.text
    assert MISMATCH in unknown.text
    assert wrong.context["form"].non_field_errors() == (
        unknown.context["form"].non_field_errors()
    )
    assert "_auth_user_id" not in client.session


def test_failed_login_keeps_the_email_but_not_the_password(client, person):
    response = _log_in(client, "ada@example.org", "not the password")

    assert 'value="ada@example.org"' in response.text
    assert "not the password" not in response.text


def test_inactive_person_gets_the_same_mismatch_message(client):
    UserFactory(email="gone@example.org", is_active=False)

    response = _log_in(client, "gone@example.org", PASSWORD)

    assert MISMATCH in response.text
    assert "_auth_user_id" not in client.session


def test_unverified_person_can_log_in(client):
    person = UserFactory(email="new@example.org", email_verified_at=None)

    response = _log_in(client, "new@example.org", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_login_follows_a_safe_next(client, person):
    response = client.post(
        reverse("accounts:login") + "?next=/c/course-1/",
        {"email": "ada@example.org", "password": PASSWORD},
    )

    assert response["Location"] == "/c/course-1/"


def test_login_carries_next_through_the_form(client, person):
    page = client.get(reverse("accounts:login") + "?next=/t/4/")

    assert 'name="next" value="/t/4/"' in page.text


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_login_ignores_a_next_off_site(client, person, next_url):
    response = client.post(
        reverse("accounts:login"),
        {"email": "ada@example.org", "password": PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:home")


def test_five_failures_lock_the_account_even_with_the_right_password(
    client, person, settings
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    for _ in range(5):
        _log_in(client, "ada@example.org", "wrong guess")

    response = _log_in(client, "ada@example.org", PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert int(response["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW_SECONDS
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_four_failures_still_allow_the_right_password(client, person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    for _ in range(4):
        _log_in(client, "ada@example.org", "wrong guess")

    response = _log_in(client, "ada@example.org", PASSWORD)

    assert response.status_code == 302
    assert not LoginFailure.objects.filter(email="ada@example.org").exists()


def test_account_lock_counts_failures_from_any_address(client, person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    for n in range(5):
        _log_in(client, "ada@example.org", "wrong guess", REMOTE_ADDR=f"10.0.0.{n}")

    response = _log_in(client, "ada@example.org", PASSWORD, REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 429


def test_failures_from_one_address_lock_that_address(client, person, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        _log_in(client, f"guess{n}@example.org", "wrong guess", REMOTE_ADDR="10.9.9.9")

    blocked = _log_in(client, "ada@example.org", PASSWORD, REMOTE_ADDR="10.9.9.9")
    elsewhere = _log_in(client, "ada@example.org", PASSWORD, REMOTE_ADDR="10.8.8.8")

    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    assert elsewhere.status_code == 302


def test_failures_outside_the_window_do_not_count(client, person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    long_ago = timezone.now() - timedelta(
        seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 60
    )
    for _ in range(10):
        LoginFailure.objects.create(
            email="ada@example.org", address="127.0.0.1", created_at=long_ago
        )

    response = _log_in(client, "ada@example.org", PASSWORD)

    assert response.status_code == 302


def test_retry_after_counts_down_from_the_oldest_counted_failure(
    client, person, settings
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    now = timezone.now()
    for age in (window - 100, 10):
        LoginFailure.objects.create(
            email="ada@example.org", created_at=now - timedelta(seconds=age)
        )

    response = _log_in(client, "ada@example.org", PASSWORD)

    assert response.status_code == 429
    assert 90 <= int(response["Retry-After"]) <= 101


def test_logout_requires_post(client, person):
    client.force_login(person)

    refused = client.get(reverse("accounts:logout"))
    still_in = "_auth_user_id" in client.session
    done = client.post(reverse("accounts:logout"))

    assert refused.status_code == 405
    assert still_in
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_form_needs_csrf(person):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        reverse("accounts:login"), {"email": "ada@example.org", "password": PASSWORD}
    )

    assert response.status_code == 403
