"""The moderation queue in a real browser: a member flags a post, a moderator
hides it from the queue, the author sees the notice and appeals."""

from __future__ import annotations

import re

import pytest

from studyhall.discussions.models import Post
from studyhall.moderation.models import Appeal
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.discussions.helpers import answer, ask
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser


def test_flag_hide_notice_and_appeal(new_page):
    community = CommunityFactory(name="Linear Algebra")
    make_member(community, "owner")
    asker = make_member(community, "student")
    author = make_member(community, "student", display_name="Sam Spammer")
    flagger = make_member(community, "student")
    moderator = make_member(community, "moderator")
    thread = ask(asker, community, title="How do I row-reduce?")
    reply = answer(author, thread, body="Cheap essays at example.com")
    thread_url = f"/t/{thread.pk}/"

    member = new_page()
    log_in(member, flagger.email)
    visit(member, thread_url)
    click_through(member, member.get_by_role("link", name="Flag post 2"))
    member.get_by_label("Spam").check()
    member.get_by_label("Anything moderators should know").fill("Advert")
    click_through(member, member.get_by_role("button", name="Send to moderators"))
    expect(member.get_by_text("moderators will look at it")).to_be_visible()

    mod = new_page()
    log_in(mod, moderator.email)
    visit(mod, thread_url)
    click_through(mod, mod.get_by_role("link", name="Moderation", exact=True))
    expect(mod.get_by_role("heading", name="Moderation queue")).to_be_visible()
    expect(mod.get_by_text("Cheap essays at example.com")).to_be_visible()
    expect(mod.get_by_text(re.compile(r"Waiting \d+"))).to_be_visible()
    click_through(mod, mod.get_by_role("link", name=re.compile("^Review")))
    mod.get_by_label("Hide pending review").check()
    mod.get_by_label("Reason").fill("Advertising is not allowed here.")
    click_through(mod, mod.get_by_role("button", name="Apply"))
    expect(mod.get_by_text("The action is in the audit log")).to_be_visible()
    assert Post.objects.get(pk=reply.pk).is_hidden

    visit(member, thread_url)
    expect(member.get_by_text("Cheap essays")).to_have_count(0)
    expect(member.get_by_text("hidden pending review")).to_be_visible()

    writer = new_page()
    log_in(writer, author.email)
    visit(writer, thread_url)
    expect(writer.get_by_text("hidden pending review")).to_be_visible()
    click_through(writer, writer.get_by_role("link", name="See why and appeal post 2"))
    expect(writer.get_by_text("Advertising is not allowed here.")).to_be_visible()
    writer.get_by_label("Why should moderators look again?").fill(
        "It was a link to the course notes."
    )
    click_through(writer, writer.get_by_role("button", name="Send appeal"))
    expect(writer.get_by_text("Your appeal is sent")).to_be_visible()
    expect(writer.get_by_text("Your appeal: Waiting for review")).to_be_visible()
    assert Appeal.objects.get().text == "It was a link to the course notes."

    visit(mod, f"/c/{community.slug}/moderation/")
    expect(mod.get_by_text("The author appeals")).to_be_visible()
    axe_check(mod)
