"""Study group, library and session pages in real Chromium, checked by axe:
find a group, join it, visit its chat room, add a task, answer a session,
open the library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from studyhall.groups import services as groups
from studyhall.library import services as library
from tests.browser.conftest import click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_group, make_member

pytestmark = pytest.mark.browser


def test_find_join_plan_and_read(page):
    community = CommunityFactory()
    organizer = make_member(community, "student", display_name="Olga Organizer")
    newcomer = make_member(community, "student", display_name="Nina Newcomer")
    group = make_group(
        organizer,
        community,
        name="Bayes club",
        course="STAT2",
        language="English",
        availability="evenings",
    )
    start = (timezone.now() + dt.timedelta(days=3)).replace(tzinfo=None)
    session = groups.schedule_session(
        organizer,
        group,
        title="Chapter 4",
        local_start=start,
        time_zone="Europe/Berlin",
    )
    library.add_item(organizer, community, library.ItemFields(title="Think Bayes"))
    log_in(page, newcomer.email)

    visit(page, f"/c/{community.slug}/groups/")
    page.get_by_role("textbox", name="Course").fill("STAT2")
    click_through(page, page.get_by_role("button", name="Find"))
    suggested = page.get_by_role("region", name="Suggested for you")
    expect(suggested.get_by_role("link", name="Bayes club")).to_be_visible()
    found = page.get_by_role("heading", name="Bayes club")
    click_through(page, found.get_by_role("link", name="Bayes club"))
    click_through(page, page.get_by_role("button", name="Join Bayes club"))
    expect(page.get_by_text("You joined Bayes club.")).to_be_visible()
    click_through(page, page.get_by_role("link", name="Open the group's chat room"))
    expect(page.get_by_role("heading", name="#Bayes club")).to_be_visible()
    click_through(page, page.get_by_role("link", name="Bayes club", exact=True))

    page.get_by_label("Task").fill("Solve exercise 4.2")
    click_through(page, page.get_by_role("button", name="Add task"))
    expect(page.get_by_role("link", name="Solve exercise 4.2")).to_be_visible()

    visit(page, f"/g/sessions/{session.pk}/")
    page.get_by_label("Going", exact=True).check()
    click_through(page, page.get_by_role("button", name="Answer"))
    expect(page.get_by_text("1 going, 0 maybe")).to_be_visible()

    visit(page, f"/c/{community.slug}/library/")
    click_through(page, page.get_by_role("link", name="Think Bayes"))
    click_through(page, page.get_by_role("button", name="Useful"))
    expect(page.get_by_text("1 found it useful.")).to_be_visible()
    visit(page, "/groups/mine/")
