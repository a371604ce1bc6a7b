"""The composer suggests similar questions while one is typed; search finds them."""

from __future__ import annotations

import re

import pytest

from studyhall.discussions import services
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def test_composer_suggests_similar_questions_and_search_finds_them(page):
    community = CommunityFactory(visibility="public")
    helper = make_member(community, "mentor")
    student = make_member(community, "student")
    answered = ask(
        helper,
        community,
        title="How do I choose the learning rate for gradient descent?",
        body="Training diverges with 0.1.",
    )
    services.accept_answer(helper, answer(student, answered, body="Try 0.01 first."))
    ask(
        helper,
        community,
        title="Gradient descent does not converge",
        body="Loss is flat.",
    )
    ask(helper, community, title="Citation style for the essay", body="APA or MLA?")

    log_in(page, student.email)
    visit(page, f"/c/{community.slug}/new/")
    suggestions = page.get_by_role("region", name="Similar questions already asked")
    expect(suggestions).to_be_hidden()
    page.get_by_label("Title").fill("Which learning rate should gradient descent use?")

    expect(suggestions).to_be_visible()
    items = suggestions.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("learning rate for gradient descent")
    expect(items.first).to_contain_text("Answered")
    expect(
        page.get_by_role("status").filter(has_text="similar questions found")
    ).to_have_count(1)
    axe_check(page)

    click_through(page, suggestions.get_by_role("link", name=answered.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(answered.title)

    visit(page, "/search/?q=%22gradient+descent%22")
    results = page.get_by_role("list", name="2 results")
    expect(results.get_by_role("listitem")).to_have_count(2)
    # SQLite marks the phrase as one span, PostgreSQL each of its words.
    expect(results.locator("mark").first).to_have_text(
        re.compile("^gradient( descent)?$", re.IGNORECASE)
    )
    expect(
        results.locator("mark", has_text=re.compile("descent", re.I))
    ).not_to_have_count(0)
