"""Fixtures for recognition: run board services with their on-commit listeners."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest


@pytest.fixture
def settle(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """Return a context manager that runs on-commit work (listeners, tasks) at exit."""

    def make() -> AbstractContextManager[Any]:
        return django_capture_on_commit_callbacks(execute=True)

    return make


@pytest.fixture
def thread(settle: Any, community: Any, student: Any) -> Iterator[Any]:
    from tests.discussions.helpers import ask

    with settle():
        yield ask(student, community)
