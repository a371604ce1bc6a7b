"""Recognition in the browser: an endorsement earns a badge the author hears of,
opens from the notification and can share."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import click_through, expect, log_in, visit
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def test_endorsement_earns_a_badge_with_a_shareable_public_page(new_page):
    community = CommunityFactory(visibility="public", name="Linear Algebra")
    make_member(community, "owner")
    instructor = make_member(community, "instructor", display_name="Dr Ada Byron")
    asker = make_member(community, "student")
    author = make_member(community, "student", display_name="Grace Hopper")
    thread = ask(asker, community, title="Why is the determinant zero?")
    reply = answer(author, thread, body="Because the rows are linearly dependent.")

    teacher = new_page()
    log_in(teacher, instructor.email)
    visit(teacher, f"/t/{thread.pk}/")
    post = teacher.get_by_role("article", name=re.compile(r"^Reply #1 by "))
    click_through(teacher, post.get_by_role("button", name="Endorse"))
    visit(teacher, f"/p/{reply.pk}/feedback/")
    teacher.get_by_role("textbox", name="Your feedback for the author").fill(
        "Say which rows, and why."
    )
    click_through(
        teacher, teacher.get_by_role("button", name="Send feedback privately")
    )
    expect(teacher.get_by_text("Feedback sent privately")).to_be_visible()

    learner = new_page()
    log_in(learner, author.email)
    visit(learner, "/")
    bell = learner.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications [1-9]\d* unread$"))
    click_through(learner, bell)
    inbox = learner.get_by_role("main")
    expect(inbox.get_by_role("link", name="You earned a badge.")).to_be_visible()
    click_through(
        learner,
        inbox.get_by_role("link", name="An instructor left you private feedback."),
    )
    assert learner.url.endswith(f"/p/{reply.pk}/feedback/")
    expect(learner.get_by_text("Say which rows, and why.")).to_be_visible()
    visit(learner, "/notifications/")
    click_through(
        learner,
        learner.get_by_role("main").get_by_role("link", name="You earned a badge."),
    )
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Grace Hopper earned “Endorsed by an instructor”"
    )

    click_through(learner, learner.get_by_role("link", name="My progress"))
    badges = learner.get_by_role("region", name="My badges")
    badge_link = badges.get_by_role("link", name="Endorsed by an instructor")
    expect(badge_link).to_be_visible()
    feedback = learner.get_by_role("region", name="Feedback for me")
    click_through(
        learner,
        feedback.get_by_role("link", name=re.compile("Feedback from Dr Ada Byron")),
    )
    expect(learner.get_by_text("Say which rows, and why.")).to_be_visible()
    learner.go_back(wait_until="load")

    click_through(
        learner,
        learner.get_by_role("region", name="My badges").get_by_role(
            "link", name="Endorsed by an instructor"
        ),
    )
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Grace Hopper earned “Endorsed by an instructor”"
    )
    expect(learner.get_by_text("Valid.")).to_be_visible()
    head = learner.locator("head")
    for selector in (
        'meta[property="og:title"]',
        'meta[property="og:description"]',
        'meta[property="og:image"]',
        'meta[name="twitter:card"]',
        'meta[name="twitter:title"]',
        'meta[name="twitter:image"]',
    ):
        expect(head.locator(selector)).to_have_count(1)
    og_title = head.locator('meta[property="og:title"]').get_attribute("content")
    assert og_title == "Grace Hopper earned “Endorsed by an instructor”"
    share = learner.get_by_role("region", name="Share")
    for name in (
        "Share on LinkedIn",
        "Share on X",
        "Share on Mastodon",
        "Share by email",
    ):
        expect(share.get_by_role("link", name=name)).to_be_visible()

    stranger = new_page()
    visit(stranger, learner.url.replace(learner.url.split("/awards/")[0], ""))
    expect(stranger.get_by_text("Valid.")).to_be_visible()
