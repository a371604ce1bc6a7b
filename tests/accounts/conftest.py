"""Fixtures for account tests: a clean cache and a helper to read mailed links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Start each test with no resend cool-downs left over from another."""
    cache.clear()
    yield
    cache.clear()


def link_path(message: Any, marker: str) -> str:
    """Return the path of the first link in a mail body that contains marker."""
    match = re.search(rf"https?://[^/\s]+(\S*{re.escape(marker)}\S*)", message.body)
    assert match, message.body
    return match[1]
