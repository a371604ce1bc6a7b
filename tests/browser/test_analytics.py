"""Analytics in a real browser: an instructor follows the community's link, reads
the charts by their names and the tables beside them, and downloads the CSV."""

from __future__ import annotations

import pytest

from studyhall.chat import services as chat
from tests.analytics.helpers import each_answers, each_asks, each_chats, learners
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def test_instructor_reads_the_analytics_page(page):
    community = CommunityFactory(name="Statistics 101")
    make_member(community, "owner")
    instructor = make_member(community, "instructor")
    people = learners(community, 6)
    threads = each_asks(people, community)
    each_answers(people[:2], threads[0])  # two people: suppressed
    each_chats(people, chat.create_room(instructor, community, name="lounge"))

    log_in(page, instructor.email)
    visit(page, f"/c/{community.slug}/about/")
    click_through(page, page.get_by_role("link", name="Analytics", exact=True))

    expect(
        page.get_by_role("heading", name="Analytics of Statistics 101")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Participation per week")).to_be_visible()
    expect(page.get_by_role("img", name="People taking part per week")).to_be_visible()
    table = page.get_by_role("table", name="Participation per week")
    expect(table.get_by_role("rowheader", name="Whole period")).to_be_visible()
    expect(table.get_by_text("suppressed").first).to_be_visible()
    expect(page.get_by_role("link", name="Question 5")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename == f"{community.slug}-analytics.csv"
    axe_check(page)
