"""Two people chatting in real Chromium against a real ASGI server: a message,
a reaction, the typing indicator, an unread count, and a message written
while the server restarts that arrives once it is back."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.realtime.servers import Site, free_port

pytestmark = pytest.mark.browser


def _send(page, text: str) -> None:
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_two_people_chat_live_and_survive_a_server_restart(browser, tmp_path):
    port = free_port()
    site = Site(tmp_path, [port])
    data = site.prepare()
    site.start(port)
    base = f"http://127.0.0.1:{port}"
    contexts = [browser.new_context(base_url=base) for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(15_000)
    alice, bob = (context.new_page() for context in contexts)
    room = f"/chat/r/{data['room']}/"
    try:
        log_in(alice, "alice@example.org")
        log_in(bob, "bob@example.org")
        visit(alice, room)
        click_through(alice, alice.get_by_role("button", name="Join room"))
        visit(alice, "/chat/")
        visit(bob, room)
        expect(bob.locator("[data-chat-room][data-live=subscribed]")).to_have_count(1)
        alice_log = alice.get_by_role("log", name="Messages")

        # Unread count on Alice's list goes up live.
        _send(bob, "Has anyone started **problem set 2**?")
        expect(bob.get_by_role("log", name="Messages")).to_contain_text("problem set 2")
        expect(alice.get_by_text("1 unread")).to_be_visible()
        axe_check(alice)

        visit(alice, room)
        expect(alice_log).to_contain_text("problem set 2")
        expect(alice.locator("[data-chat-room][data-live=subscribed]")).to_have_count(1)

        # Typing indicator.
        bob.get_by_role("textbox", name="Message").press_sequentially("I am wri")
        expect(alice.get_by_text("Bob is typing…")).to_be_visible()

        # A reaction reaches the other person.
        alice.get_by_text("React", exact=True).click()
        alice.get_by_role("button", name="React with thumbs_up").click()
        bob_log = bob.get_by_role("log", name="Messages")
        expect(bob_log.locator("[data-kind=thumbs_up] [data-count]")).to_have_text("1")

        # A message from Alice arrives live for Bob.
        _send(alice, "Yes, question 1 is about *eigenvalues*.")
        expect(bob_log.locator("em", has_text="eigenvalues")).to_be_visible()
        axe_check(bob)

        # The server restarts: Bob sees the reconnecting state, his message
        # waits in the outbox and arrives once, after the restart.
        site.kill(port)
        expect(
            bob.get_by_role("status").filter(has_text="Reconnecting")
        ).to_be_visible()
        _send(bob, "Sent while the server was down")
        outbox = bob.get_by_role("list", name="Waiting to send")
        expect(outbox).to_contain_text("Sending…")
        axe_check(bob)
        site.start(port)
        expect(outbox).to_be_hidden()
        expect(alice_log).to_contain_text("Sent while the server was down")
        expect(alice_log.get_by_text("Sent while the server was down")).to_have_count(1)
        expect(bob.get_by_role("status").filter(has_text="Reconnecting")).to_be_hidden()
        alice.reload()
        expect(
            alice_log.locator(".chat-message", has_text=re.compile("server was down"))
        ).to_have_count(1)
        axe_check(alice)
    finally:
        for context in contexts:
            context.close()
        site.stop_all()


def test_thread_page_and_list_show_new_replies_live(browser, tmp_path):
    port = free_port()
    site = Site(tmp_path, [port])
    data = site.prepare()
    site.start(port)
    contexts = [
        browser.new_context(base_url=f"http://127.0.0.1:{port}") for _ in range(3)
    ]
    for context in contexts:
        context.set_default_timeout(15_000)
    alice, bob, lister = (context.new_page() for context in contexts)
    thread = f"/t/{data['thread']}/"
    try:
        log_in(alice, "alice@example.org")
        log_in(bob, "bob@example.org")
        log_in(lister, "teacher@example.org")
        visit(alice, thread)
        visit(lister, "/c/faults/")
        expect(alice.locator("html[data-live=open]")).to_have_count(1)
        expect(lister.locator("html[data-live=open]")).to_have_count(1)
        visit(bob, thread)

        bob.get_by_role("textbox", name="Your reply").fill(
            "Start with the *characteristic polynomial*."
        )
        click_through(bob, bob.get_by_role("button", name="Post reply"))

        expect(
            alice.locator("#posts em", has_text="characteristic polynomial")
        ).to_be_visible()
        expect(lister.get_by_text("1 reply")).to_be_visible()
        expect(alice.get_by_role("status").filter(has_text="Updated")).to_be_visible()
        axe_check(alice)
        axe_check(lister)
    finally:
        for context in contexts:
            context.close()
        site.stop_all()
