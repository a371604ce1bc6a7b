"""Reporting a direct message in a real browser: a participant reports it with
two earlier messages, a site administrator reviews the snapshot and deletes it,
and the log and the conversation show it."""

from __future__ import annotations

import re

import pytest

from studyhall.chat import services as chat
from studyhall.chat.models import Message
from studyhall.moderation.models import Flag
from tests.browser.conftest import click_through, expect, log_in, visit
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser


def test_participant_reports_and_administrator_deletes(new_page):
    community = CommunityFactory(name="Statistics")
    make_member(community, "owner")
    reporter = make_member(community, "student", display_name="Rosa Reporter")
    author = make_member(community, "student", display_name="Abe Author")
    admin = UserFactory(is_staff=True, display_name="Site Admin")
    room = chat.start_conversation(reporter, [author])
    chat.send_message(reporter, room, body="Can you share the notes?")
    chat.send_message(author, room, body="Which ones?")
    chat.send_message(reporter, room, body="Week 3, please")
    bad, _ = chat.send_message(author, room, body="Go away, loser")
    room_url = f"/chat/r/{room.pk}/"

    person = new_page()
    log_in(person, reporter.email)
    visit(person, room_url)
    click_through(
        person,
        person.get_by_role("link", name=re.compile("^Report message 4 by Abe Author")),
    )
    expect(person.get_by_role("heading", name="Who will see what")).to_be_visible()
    expect(
        person.get_by_text("They will not see anything else of this conversation")
    ).to_be_visible()
    person.get_by_label("Harassment or abuse").check()
    person.get_by_label("Earlier messages to share with it").select_option("2")
    person.get_by_label("Anything the administrators should know").fill("Rude")
    click_through(
        person,
        person.get_by_role("button", name="Report to the site's administrators"),
    )
    expect(person.get_by_text("Reported. The site's administrators")).to_be_visible()
    assert len(Flag.objects.get().context) == 3

    staff = new_page()
    log_in(staff, admin.email)
    visit(staff, "/moderation/site/")
    click_through(staff, staff.get_by_role("link", name=re.compile("^Review")))
    expect(staff.get_by_text("Go away, loser")).to_be_visible()
    expect(staff.get_by_text("Week 3, please")).to_be_visible()
    expect(staff.get_by_text("Can you share the notes?")).to_have_count(0)
    staff.get_by_label("Delete the message").check()
    staff.get_by_label("Reason").fill("Insults are not allowed.")
    click_through(staff, staff.get_by_role("button", name="Apply"))
    expect(staff.get_by_text("in the site's audit log")).to_be_visible()
    assert Message.objects.get(pk=bad.pk).is_deleted

    visit(staff, "/moderation/site/log/")
    expect(staff.get_by_role("cell", name="Insults are not allowed.")).to_be_visible()

    visit(person, room_url)
    expect(person.get_by_text("This message was deleted.")).to_be_visible()
