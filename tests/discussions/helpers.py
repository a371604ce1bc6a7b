"""Build discussion state through the services, as people would."""

from __future__ import annotations

from typing import Any

from studyhall.discussions import services
from studyhall.discussions.models import Post, Thread


def ask(
    author: Any, community: Any, title: str = "How do I invert a matrix?", **kw: Any
) -> Thread:
    kw.setdefault("body", "I tried `numpy.linalg.inv` and got $A^{-1}$ wrong.")
    return services.create_thread(author, community, title=title, **kw)


def answer(
    author: Any,
    thread: Thread,
    body: str = "Use `numpy.linalg.solve` instead.",
    **kw: Any,
) -> Post:
    return services.create_reply(author, thread, body=body, **kw)
