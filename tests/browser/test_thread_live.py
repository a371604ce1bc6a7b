"""An open thread page follows its thread: a reader sees a reply edited,
reacted to and endorsed by someone else, without reloading."""

from __future__ import annotations

import re

import pytest

from studyhall.discussions import services
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.browser.test_live import asgi_page, asgi_url  # noqa: F401
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def _reply(page, number: int):
    return page.get_by_role("article", name=re.compile(rf"^Reply #{number} by "))


def test_edits_reactions_and_endorsements_appear_live(asgi_page):  # noqa: F811
    community = CommunityFactory()
    staff = make_member(community, "instructor", display_name="Dr Ada Byron")
    helper = make_member(community, "student", display_name="Hal Helper")
    asker = make_member(community, "student", display_name="Ann Asker")
    thread = services.create_thread(
        asker, community, title="Why is x squared 4?", body="Is `**` a power?"
    )
    services.create_reply(helper, thread, body="Yes, `**` raises to a power.")
    services.create_reply(staff, thread, body="See the operators page.")
    url = f"/t/{thread.pk}/"
    reader = asgi_page()
    actor = asgi_page()
    log_in(reader, asker.email)
    log_in(actor, staff.email)
    visit(reader, url)
    axe_check(reader)
    # Gone if the page reloads: what follows must arrive in place.
    reader.evaluate("window.stillTheSamePage = true")
    visit(actor, url)

    click_through(actor, _reply(actor, 2).get_by_role("link", name="Edit post 3"))
    axe_check(actor)
    actor.get_by_label("Body").fill("See the operators page: `**` is power.")
    click_through(actor, actor.get_by_role("button", name="Save changes"))
    expect(_reply(reader, 2)).to_contain_text("is power", timeout=15_000)
    expect(_reply(reader, 2)).to_contain_text("edited")

    _reply(actor, 1).get_by_role("button", name="Thanks").click()
    expect(_reply(reader, 1).get_by_role("button", name="Thanks")).to_contain_text(
        "1", timeout=15_000
    )

    _reply(actor, 1).get_by_role("button", name="Endorse").click()
    expect(_reply(reader, 1).get_by_text("Endorsed by Dr Ada Byron")).to_be_visible(
        timeout=15_000
    )
    assert reader.evaluate("window.stillTheSamePage === true")
    axe_check(reader)
