"""Flows where the page itself matters: signing up and asking, answering,
endorsing and accepting; anonymous posts; drafts that survive a reload."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail

from studyhall.discussions import services
from tests.browser.conftest import axe_check, click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.browser

QUESTION_BODY = """Why does this print 4 and not $x^2$?

```python
x = 2
print(x ** 2)
```
"""


def _post(page, heading: str):
    """Return the post whose heading starts with `heading` ("Question", "Reply #1")."""
    return page.get_by_role("article", name=re.compile(rf"^{re.escape(heading)} by "))


def _sign_up_and_verify(page, *, email: str, name: str) -> None:
    visit(page, "/accounts/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill("a long and unusual passphrase")
    click_through(page, page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    (message,) = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", message.body)
    assert link, message.body
    visit(page, urlparse(link.group()).path)
    click_through(page, page.get_by_role("button", name="Verify my email address"))
    expect(page.get_by_text("Your email address is verified.")).to_be_visible()


def test_sign_up_verify_join_ask_answer_endorse_accept(new_page):
    community = CommunityFactory(visibility="public")
    make_member(community, "owner")
    instructor = make_member(community, "instructor", display_name="Dr Ada Byron")
    helper = make_member(community, "student")
    asker = new_page()

    _sign_up_and_verify(asker, email="newcomer@example.org", name="New Comer")
    visit(asker, f"/c/{community.slug}/about/")
    click_through(asker, asker.get_by_role("button", name=f"Join {community.name}"))
    click_through(asker, asker.get_by_role("link", name="Ask a question"))
    title = asker.get_by_label("Title")
    expect(title).to_have_accessible_description(re.compile("A question in one"))
    title.fill("Why is x squared 4?")
    asker.get_by_label("Body").fill(QUESTION_BODY)
    preview = asker.get_by_role("region", name="Preview")
    expect(preview.locator("math")).to_have_count(1)
    expect(preview.locator("pre code")).to_contain_text("print(x ** 2)")
    axe_check(asker)
    click_through(asker, asker.get_by_role("button", name="Post"))
    thread_url = urlparse(asker.url).path
    expect(asker.get_by_role("heading", level=1)).to_have_text("Why is x squared 4?")
    expect(_post(asker, "Question").locator("math")).to_have_count(1)

    answerer = new_page()
    log_in(answerer, helper.email)
    visit(answerer, thread_url)
    answerer.get_by_role("textbox", name="Your reply").fill(
        "`**` is power, so you get $2^2 = 4$."
    )
    click_through(answerer, answerer.get_by_role("button", name="Post reply"))
    expect(_post(answerer, "Reply #1")).to_contain_text("is power")

    teacher = new_page()
    log_in(teacher, instructor.email)
    visit(teacher, thread_url)
    endorse = _post(teacher, "Reply #1").get_by_role("button", name="Endorse")
    click_through(teacher, endorse)

    visit(asker, thread_url)
    accept = _post(asker, "Reply #1").get_by_role("button", name="Accept this answer")
    click_through(asker, accept)

    answer = _post(asker, "Reply #1")
    expect(answer.get_by_text("Accepted answer")).to_be_visible()
    expect(answer.get_by_text("Endorsed by Dr Ada Byron")).to_be_visible()


def test_anonymous_post_shows_anonymous_to_peer_and_name_to_instructor(new_page):
    community = CommunityFactory(anonymity="anonymous_to_peers")
    instructor = make_member(community, "instructor")
    student = make_member(
        community, "student", display_name="Shy Student", handle="shystudent"
    )
    peer = make_member(community, "student")
    page = new_page()
    log_in(page, student.email)

    visit(page, f"/c/{community.slug}/new/")
    expect(page.get_by_text("Who sees your name")).to_be_visible()
    page.get_by_label("Title").fill("Is it fine to ask a basic question?")
    page.get_by_label("Body").fill("I feel I should know this already.")
    page.get_by_label("Post anonymously to classmates").check()
    click_through(page, page.get_by_role("button", name="Post"))
    thread_url = urlparse(page.url).path

    peer_page = new_page()
    log_in(peer_page, peer.email)
    listing = visit(peer_page, f"/c/{community.slug}/").text()
    thread_link = peer_page.get_by_role("link", name="Is it fine to ask a basic")
    thread = click_through(peer_page, thread_link).text()
    expect(_post(peer_page, "Question")).to_have_accessible_name(
        "Question by Anonymous"
    )
    for source in (listing, thread, peer_page.content()):
        assert "shy student" not in source.lower()
        assert "shystudent" not in source.lower()

    teacher = new_page()
    log_in(teacher, instructor.email)
    visit(teacher, thread_url)
    expect(_post(teacher, "Question")).to_have_accessible_name(
        re.compile("^Question by Shy Student")
    )


def test_draft_survives_reload(page):
    community = CommunityFactory()
    owner = make_member(community, "owner")
    member = make_member(community, "student")
    thread = services.create_thread(
        owner, community, title="Week 1: introductions", body="Say hello!"
    )
    log_in(page, member.email)
    visit(page, f"/t/{thread.pk}/")

    reply = page.get_by_role("textbox", name="Your reply")
    reply.fill("Hello from a half-written reply")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.reload(wait_until="load")
    axe_check(page)

    expect(reply).to_have_value("Hello from a half-written reply")
