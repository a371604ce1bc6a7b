from __future__ import annotations

import pytest
from django.urls import reverse

from studyhall.accounts import services
from studyhall.accounts.models import AccessToken, LoginFailure, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(
        "root@example.org", "a long admin password", handle="root", display_name="Root"
    )
    client.force_login(admin)
    return client


def test_user_admin_searches_by_handle(admin_client, outsider):
    response = admin_client.get(
        reverse("admin:accounts_user_changelist"), {"q": outsider.handle}
    )

    assert response.status_code == 200
    assert outsider.email in response.text


def test_user_admin_pages_render(admin_client, outsider):
    add = admin_client.get(reverse("admin:accounts_user_add"))
    change = admin_client.get(reverse("admin:accounts_user_change", args=[outsider.pk]))

    assert add.status_code == 200
    assert change.status_code == 200


def test_admin_can_add_a_person(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New@Example.org",
            "handle": "newbie",
            "display_name": "Newbie",
            "usable_password": "true",
            "password1": "a long fine password",
            "password2": "a long fine password",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(handle="newbie").email == "new@example.org"


def test_token_admin_shows_no_secret_and_cannot_add(admin_client, outsider):
    token, secret = services.create_access_token(outsider, name="cli")

    listing = admin_client.get(reverse("admin:accounts_accesstoken_changelist"))
    detail = admin_client.get(
        reverse("admin:accounts_accesstoken_change", args=[token.pk])
    )
    add = admin_client.get(reverse("admin:accounts_accesstoken_add"))

    assert listing.status_code == detail.status_code == 200
    assert secret not in listing.text + detail.text
    assert add.status_code == 403


def test_token_admin_revokes(admin_client, outsider):
    token, _ = services.create_access_token(outsider, name="cli")

    admin_client.post(
        reverse("admin:accounts_accesstoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_login_failure_admin_lists(admin_client):
    LoginFailure.objects.create(email="x@example.org", address="10.0.0.1")

    response = admin_client.get(reverse("admin:accounts_loginfailure_changelist"))

    assert response.status_code == 200
    assert "x@example.org" in response.text
