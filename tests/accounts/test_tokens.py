from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from studyhall.accounts import services
from studyhall.accounts.models import AccessToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _secret_in(html: str) -> str | None:
    match = re.search(r'value="(sh_[A-Za-z0-9_-]+)"', html)
    return match[1] if match else None


def _database_contains(text: str) -> bool:
    """Search every text column of every table for text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                quoted_table = connection.ops.quote_name(table)
                quoted_column = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted_table} "  # noqa: S608
                    f"WHERE CAST({quoted_column} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    return True
    return False


def test_creating_a_token_shows_the_secret_once(client, outsider):
    client.force_login(outsider)

    created = client.post(reverse("accounts:token-create"), {"name": "grading script"})
    later = client.get(reverse("accounts:account"))

    assert created.status_code == 200
    secret = _secret_in(created.text)
    assert secret is not None
    assert "Copy your new token now" in created.text
    assert "no-store" in created["Cache-Control"]
    assert secret not in later.text
    assert "Copy your new token now" not in later.text
    assert "grading script" in later.text
    assert secret[:10] + "…" in later.text


def test_token_is_stored_only_as_a_digest(client, outsider):
    client.force_login(outsider)

    created = client.post(reverse("accounts:token-create"), {"name": "cli"})

    secret = _secret_in(created.text)
    token = AccessToken.objects.get(user=outsider)
    assert token.digest != secret
    assert token.digest == services.digest(secret)
    assert not _database_contains(secret)
    assert services.user_for_token(secret) == outsider


def test_token_needs_a_name(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("accounts:token-create"), {"name": "   "})

    assert response.status_code == 200
    assert not AccessToken.objects.exists()
    assert 'id="id_name_error"' in response.text


def test_revoking_a_token_stops_it_working(client, outsider):
    token, secret = services.create_access_token(outsider, name="old laptop")
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:token-revoke", kwargs={"token_id": token.pk})
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.user_for_token(secret) is None
    page = client.get(reverse("accounts:account"))
    assert "Revoked" in page.text


def test_revoking_someone_elses_token_is_not_found(client, outsider):
    token, _ = services.create_access_token(UserFactory(), name="theirs")
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:token-revoke", kwargs={"token_id": token.pk})
    )

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_an_unknown_token_is_not_found(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("accounts:token-revoke", kwargs={"token_id": 999999})
    )

    assert response.status_code == 404


def test_revoke_requires_post(client, outsider):
    token, _ = services.create_access_token(outsider, name="cli")
    client.force_login(outsider)

    response = client.get(
        reverse("accounts:token-revoke", kwargs={"token_id": token.pk})
    )

    assert response.status_code == 405


def test_account_lists_only_your_own_tokens(client, outsider):
    services.create_access_token(outsider, name="mine")
    services.create_access_token(UserFactory(), name="someone else's")
    client.force_login(outsider)

    page = client.get(reverse("accounts:account"))

    assert "mine" in page.text
    assert "someone else" not in page.text


def test_account_page_requires_login(client):
    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
