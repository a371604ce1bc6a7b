"""Helpers for API tests: JSON requests, signed-in clients and threads made by services."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from studyhall.communities.models import Community
from studyhall.discussions import services as discussions
from tests.factories import CommunityFactory

API = "/api/v1"


def send(client: Client, method: str, path: str, data: Any = None, **extra: Any) -> Any:
    """Send a JSON request to the API and return the response."""
    body = json.dumps(data) if data is not None else ""
    return client.generic(
        method, API + path, body, content_type="application/json", **extra
    )


def get(
    client: Client, path: str, params: dict[str, Any] | None = None, **extra: Any
) -> Any:
    return client.get(API + path, params or {}, **extra)


def error_code(response: Any) -> str:
    return response.json()["error"]["code"]


def signed_in(user: Any) -> Client:
    """Return a client logged in as the person (CSRF checks off, like the default)."""
    client = Client()
    client.force_login(user)
    return client


def make_thread(author: Any, community: Community, **fields: Any) -> Any:
    fields.setdefault("title", "How do I start?")
    fields.setdefault("body", "Some *context* for the question.")
    return discussions.create_thread(author, community, **fields)


@pytest.fixture
def public_community(db: Any) -> Community:
    return CommunityFactory(visibility=Community.Visibility.PUBLIC)


@pytest.fixture
def thread(student: Any, community: Community) -> Any:
    return make_thread(student, community)


@pytest.fixture
def reply(thread: Any, other_student: Any) -> Any:
    return discussions.create_reply(other_student, thread, body="Try the *first* lab.")
