"""The bell in real Chromium over the ASGI server: a mention raises the count
live, and opening the notification lands on the reply."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.discussions.helpers import ask
from tests.factories import CommunityFactory, make_member
from tests.notifications.smtp import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def asgi_url(transactional_db: Any, settings: Any) -> Iterator[str]:
    """Serve the ASGI application (HTTP and WebSockets) on a free port."""
    import uvicorn

    port = free_port()
    # The handshake's Origin must be listed, as in production.
    settings.WEBSOCKET_ALLOWED_ORIGINS = [
        *settings.WEBSOCKET_ALLOWED_ORIGINS,
        f"http://127.0.0.1:{port}",
    ]
    config = uvicorn.Config(
        "studyhall.asgi:application",
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def asgi_page(browser: Any, asgi_url: str) -> Iterator[Callable[[], Any]]:
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
    host = asgi_url.split("//", 1)[1]
    outside = [
        url
        for url in requested
        if not re.match(rf"^(https?|wss?)://{re.escape(host)}/", url)
        and not url.startswith(("data:", "blob:"))
    ]
    assert not outside, f"requests left the machine: {outside}"


def test_mention_raises_the_bell_live_and_opens_on_the_reply(asgi_page):
    community = CommunityFactory(name="Linear Algebra")
    owner = make_member(community, "owner")
    reader = make_member(community, "student", display_name="Mia Reader", handle="mia")
    writer = make_member(community, "student", display_name="Wes Writer")
    thread = ask(owner, community, title="Why do eigenvectors matter?")

    mia = asgi_page()
    log_in(mia, reader.email)
    visit(mia, "/notifications/")
    bell = mia.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications 0 unread")
    expect(mia.locator("[data-bell][data-live=true]")).to_have_count(1)

    wes = asgi_page()
    log_in(wes, writer.email)
    visit(wes, f"/t/{thread.pk}/")
    wes.get_by_role("textbox", name="Your reply").fill(
        "@mia they diagonalise the matrix."
    )
    click_through(wes, wes.get_by_role("button", name="Post reply"))

    expect(bell).to_have_accessible_name("Notifications 1 unread")
    axe_check(mia)
    click_through(mia, bell)
    notification = mia.get_by_role(
        "link", name="Wes Writer mentioned you in “Why do eigenvectors matter?”"
    )
    click_through(mia, notification)

    assert mia.url.endswith(f"/t/{thread.pk}/?page=1#post-2")
    reply = mia.get_by_role("article", name=re.compile(r"^Reply #1 by Wes Writer"))
    expect(reply).to_contain_text("they diagonalise the matrix")
    expect(bell).to_have_accessible_name("Notifications 0 unread")


def test_settings_and_level_pages_work_by_label_and_pass_axe(asgi_page):
    community = CommunityFactory(name="Statistics")
    owner = make_member(community, "owner")
    reader = make_member(community, "student", display_name="Sam Settings")
    thread = ask(owner, community, title="Priors and posteriors")
    page = asgi_page()
    log_in(page, reader.email)

    visit(page, "/notifications/settings/")
    page.get_by_label("My time zone").select_option("Europe/Paris")
    page.get_by_label("Digest email").select_option("weekly")
    click_through(page, page.get_by_role("button", name="Save settings"))
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("My time zone")).to_have_value("Europe/Paris")

    visit(page, f"/t/{thread.pk}/")
    click_through(
        page, page.get_by_role("link", name="Watch, track or mute this thread")
    )
    page.get_by_label("Watching: a notification for every new post").check()
    click_through(page, page.get_by_role("button", name="Save"))
    expect(
        page.get_by_label("Watching: a notification for every new post")
    ).to_be_checked()
