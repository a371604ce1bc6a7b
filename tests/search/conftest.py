"""Search tests run each change's on-commit work (events, then index tasks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from studyhall.search import selectors
from studyhall.search.selectors import Filters


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """Return a context manager that runs on-commit callbacks (listeners, tasks) at exit."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def found(user: Any, text: str = "", **filters: Any) -> list[tuple[str, int]]:
    """Return (kind, id) of every hit a person gets for a search."""
    page = selectors.search(user, Filters(text=text, **filters), size=100)
    return [(hit.kind, hit.object_id) for hit in page.items]
