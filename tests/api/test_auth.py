from __future__ import annotations

import pytest
from django.test import Client

from studyhall.accounts import services as accounts
from tests.api.conftest import API, error_code, get, send, signed_in

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_access_token_authenticates(client, student):
    _, secret = accounts.create_access_token(student, name="script")

    response = get(client, "/me", **bearer(secret))

    assert response.status_code == 200
    assert response.json()["handle"] == student.handle


def test_access_token_may_write_without_csrf(student, thread):
    _, secret = accounts.create_access_token(student, name="script")
    client = Client(enforce_csrf_checks=True)

    response = send(
        client,
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "Hi"},
        **bearer(secret),
    )

    assert response.status_code == 201


def test_revoked_token_is_refused(client, student):
    token, secret = accounts.create_access_token(student, name="script")
    accounts.revoke_access_token(student, token.pk)

    response = get(client, "/me", **bearer(secret))

    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_bad_token_is_refused_even_for_public_reads(client, public_community):
    response = get(client, f"/communities/{public_community.slug}", **bearer("sh_nope"))

    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_other_authorization_scheme_is_refused(client, student):
    response = get(client, "/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 401


def test_token_auth_ignores_a_session_of_someone_else(student, other_student):
    _, secret = accounts.create_access_token(student, name="script")
    client = signed_in(other_student)

    response = get(client, "/me", **bearer(secret))

    assert response.json()["handle"] == student.handle


def test_session_authenticates(student):
    response = get(signed_in(student), "/me")

    assert response.status_code == 200
    assert response.json()["handle"] == student.handle


def test_anonymous_write_answers_401(client, thread):
    response = send(client, "POST", f"/threads/{thread.pk}/replies", {"body": "Hi"})

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_anonymous_me_answers_401(client):
    response = get(client, "/me")

    assert response.status_code == 401


def test_session_post_without_csrf_token_is_refused(student, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = send(client, "POST", f"/threads/{thread.pk}/replies", {"body": "Hi"})

    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_session_post_with_csrf_token_is_accepted(student, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get(API + "/docs")  # Sets the csrftoken cookie.
    token = client.cookies["csrftoken"].value

    response = send(
        client,
        "POST",
        f"/threads/{thread.pk}/replies",
        {"body": "Hi"},
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201


def test_session_reads_need_no_csrf_token(student, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = get(client, f"/threads/{thread.pk}")

    assert response.status_code == 200
