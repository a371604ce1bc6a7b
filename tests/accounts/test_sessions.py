"""The compiled session store and user lookup check what Django's own do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from studyhall.accounts.backends import EmailBackend
from studyhall.accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_settings_use_the_compiled_store(settings: Any) -> None:
    assert settings.SESSION_ENGINE == "studyhall.accounts.sessions"


def test_loads_what_djangos_store_loads() -> None:
    key = _signed_in(UserFactory())

    assert SessionStore(key).load() == DjangoStore(key).load()
    assert SessionStore(key).load()[SESSION_KEY]


def test_a_signed_in_person_stays_signed_in() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)

    response = client.get("/")
    assert response.wsgi_request.user == user


def test_an_expired_session_is_not_loaded() -> None:
    user = UserFactory()
    key = _signed_in(user)
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # a new key is made on save
    client = Client()
    client.cookies["sessionid"] = key
    assert client.get("/").wsgi_request.user.is_anonymous


def test_an_unknown_key_is_not_loaded_and_not_reused() -> None:
    store = SessionStore("x" * 32)
    assert store.load() == {}
    store["a"] = 1
    store.save()
    assert store.session_key != "x" * 32
    assert SessionStore(store.session_key).load() == {"a": 1}


@pytest.mark.parametrize("key", ["", "short", None])
def test_an_invalid_key_is_never_looked_up(
    key: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert SessionStore(key).load() == {}


def test_a_key_that_looks_like_sql_finds_nothing() -> None:
    _signed_in(UserFactory())
    assert SessionStore("' OR '1'='1' --").load() == {}


def test_the_lookup_is_one_query(django_assert_num_queries: Any) -> None:
    key = _signed_in(UserFactory())
    SessionStore(key).load()

    with django_assert_num_queries(1):
        assert SessionStore(key).load()


def test_get_user_answers_as_djangos_backend(django_assert_num_queries: Any) -> None:
    active = UserFactory()
    inactive = UserFactory(is_active=False)
    backend = EmailBackend()

    assert backend.get_user(active.pk) == active
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(active.pk + 10_000) is None
    assert backend.get_user(str(active.pk)) == active
    with django_assert_num_queries(1):
        assert backend.get_user(active.pk) == active


def test_a_deactivated_person_is_signed_out() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    assert client.get("/").wsgi_request.user.is_anonymous
