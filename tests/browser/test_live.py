"""A live session in two Chromium contexts: the host opens a poll, a
participant votes and the host's results change without a reload; a
question is upvoted and marked answered."""

from __future__ import annotations

import re

import pytest

from studyhall.live import services
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def test_host_sees_votes_and_upvotes_arrive_live(new_page):
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
