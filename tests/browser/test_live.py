"""A live session in two Chromium contexts: the host opens a poll, a
participant votes and the host's results change without a reload; a
question is upvoted and marked answered."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from studyhall.live import services
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def asgi_url(transactional_db: Any, settings: Any) -> Iterator[str]:
    """Serve the whole site (pages and WebSockets) with uvicorn on a free port.

    Like Django's live server, an in-memory SQLite test database is shared
    with the server: its one connection is handed to the thread where
    uvicorn runs the synchronous views and consumers' database work."""
    import uvicorn

    from studyhall.asgi import application

    shared = {}
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            conn.inc_thread_sharing()
            shared[conn.alias] = conn

    def adopt() -> None:
        for alias, conn in shared.items():
            connections[alias] = conn

    def release() -> None:
        # asgiref runs thread-sensitive code in one long-lived thread; later
        # tests must get their own connections there again.
        for alias in shared:
            del connections[alias]

    port = _free_port()
    # The handshake's Origin must be listed, as in production.
    settings.WEBSOCKET_ALLOWED_ORIGINS = [
        *settings.WEBSOCKET_ALLOWED_ORIGINS,
        f"http://127.0.0.1:{port}",
    ]
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        await sync_to_async(adopt)()
        await server.serve()

    import asyncio

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    cleanup = threading.Thread(target=lambda: asyncio.run(sync_to_async(release)()))
    cleanup.start()
    cleanup.join(timeout=10)
    for conn in shared.values():
        conn.dec_thread_sharing()


@pytest.fixture
def asgi_page(browser: Any, asgi_url: str) -> Iterator[Any]:
    """A page factory like new_page, against the ASGI server."""
    contexts: list[Any] = []
    requested: list[str] = []

    def make() -> Any:
        context = browser.new_context(base_url=asgi_url)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    outside = [u for u in requested if not u.startswith((asgi_url + "/", "data:"))]
    assert not outside, f"requests left the machine: {outside}"


def test_live_updates_arrive_over_the_websocket(asgi_page):
    host, guest = _run_live_session(asgi_page)

    # The page followed the stream rather than falling back to polling.
    status = "Live: updates appear as they happen."
    expect(host.get_by_text(status)).to_be_visible()
    expect(guest.get_by_text(status)).to_be_visible()


def test_live_updates_without_websockets_fall_back_to_refreshing(new_page):
    host, _guest = _run_live_session(new_page)

    expect(host.get_by_text("Updating every few seconds.")).to_be_visible()


def _run_live_session(new_page):
    community = CommunityFactory()
    host_user = make_member(community, "instructor", display_name="Dr Host")
    participant = make_member(community, "student", display_name="Pat Learner")
    asker = make_member(community, "student")
    live = services.open_live_session(host_user, community, title="Week 5 live")
    question = services.ask_question(asker, live, body="Will this be on the exam?")
    url = f"/live/{live.pk}/"
    host = new_page()
    guest = new_page()
    log_in(host, host_user.email)
    log_in(guest, participant.email)

    visit(host, url)
    host.get_by_label("Poll question").fill("Is the pace right?")
    host.get_by_label("Options").fill("Too fast\nJust right\nToo slow")
    click_through(host, host.get_by_role("button", name="Open poll"))
    results = host.get_by_role("list", name=re.compile("Results of"))
    expect(results).to_contain_text("Just right: 0")

    visit(guest, url)
    guest.get_by_role("radio", name="Just right").check()
    guest.get_by_role("button", name="Vote", exact=True).click()
    expect(guest.get_by_role("list", name=re.compile("Results of"))).to_contain_text(
        "Just right: 1"
    )

    expect(results).to_contain_text("Just right: 1", timeout=15_000)

    guest.get_by_role("button", name="Upvote").click()
    expect(host.get_by_text("1 upvote", exact=True)).to_be_visible(timeout=15_000)
    host.get_by_role("button", name="Mark answered").click()
    expect(guest.get_by_text("Answered", exact=True)).to_be_visible(timeout=15_000)
    axe_check(host)
    axe_check(guest)
    question.refresh_from_db()
    assert question.is_answered and question.upvote_count == 1
    return host, guest
