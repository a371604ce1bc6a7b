"""Shared fixtures: a network guard, role fixtures and a community to work in."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from tests.factories import CommunityFactory, UserFactory, make_member

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets and other local families.
    host = address[0]
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise RuntimeError(f"tests must not reach the network (tried {address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise RuntimeError(f"tests must not reach the network (tried {address!r})")
    return _real_connect_ex(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache (fragments, throttles)."""
    from django.core.cache import cache

    from studyhall.discussions import fragments

    cache.clear()
    fragments.forget()
    yield


@pytest.fixture
def community(db: Any) -> Any:
    """A private community with an owner; the other role fixtures join it."""
    return CommunityFactory()


@pytest.fixture
def owner(community: Any) -> Any:
    return make_member(community, "owner")


@pytest.fixture
def instructor(community: Any) -> Any:
    return make_member(community, "instructor")


@pytest.fixture
def moderator(community: Any) -> Any:
    return make_member(community, "moderator")


@pytest.fixture
def mentor(community: Any) -> Any:
    return make_member(community, "mentor")


@pytest.fixture
def student(community: Any) -> Any:
    return make_member(community, "student")


@pytest.fixture
def other_student(community: Any) -> Any:
    return make_member(community, "student")


@pytest.fixture
def outsider(db: Any) -> Any:
    """A verified person who belongs to no community."""
    return UserFactory()


@pytest.fixture
def anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
