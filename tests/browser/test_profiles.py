"""Complete a profile, find a peer by interest, connect, get a mentor and open the
mentorship's messages."""

from __future__ import annotations

import re

import pytest

from studyhall.profiles import services
from tests.browser.conftest import click_through, expect, log_in, visit
from tests.factories import CommunityFactory, make_member
from tests.profiles.conftest import profile_data

pytestmark = pytest.mark.browser


def test_complete_profile_find_peer_connect_and_get_a_mentor(new_page):
    community = CommunityFactory(name="Causal Methods")
    make_member(community, "owner")
    learner = make_member(community, "student", display_name="Lee Learner")
    peer = make_member(community, "student", display_name="Pia Peer")
    services.update_profile(peer, **profile_data(interests="Causal inference, Rust"))
    mentor = make_member(community, "mentor", display_name="Dr Mo Mentor")
    services.update_mentoring(
        mentor,
        is_mentor=True,
        areas="Research careers",
        availability="Fridays",
        capacity=2,
    )

    me = new_page()
    log_in(me, learner.email)
    visit(me, "/people/me/edit/")
    me.get_by_label(re.compile("^Headline")).fill("MSc student in causal ML")
    me.get_by_label(re.compile("^Interests")).fill("Causal inference, Econometrics")
    me.get_by_label(re.compile("^Pronouns")).fill("they/them")
    click_through(me, me.get_by_role("button", name="Save profile"))
    expect(me.get_by_role("heading", level=1)).to_contain_text("Lee Learner")
    expect(me.get_by_text("MSc student in causal ML")).to_be_visible()

    visit(me, f"/c/{community.slug}/people/")
    me.get_by_label("Interest", exact=True).fill("causal inference")
    click_through(me, me.get_by_role("button", name="Search"))
    expect(me.get_by_role("article", name="Pia Peer")).to_be_visible()
    expect(me.get_by_role("article", name="Dr Mo Mentor")).to_have_count(0)
    click_through(me, me.get_by_role("link", name="Pia Peer"))
    click_through(me, me.get_by_role("link", name="Connect"))
    me.get_by_label("Note (optional)").fill("We both study causal inference.")
    click_through(me, me.get_by_role("button", name="Send request"))
    expect(me.get_by_text("Connection request sent")).to_be_visible()

    them = new_page()
    log_in(them, peer.email)
    visit(them, "/network/")
    expect(them.get_by_text("We both study causal inference.")).to_be_visible()
    click_through(them, them.get_by_role("button", name="Accept Lee Learner"))
    expect(them.get_by_role("link", name="Lee Learner")).to_be_visible()

    visit(me, "/mentoring/")
    click_through(
        me, me.get_by_role("link", name="Request mentorship from Dr Mo Mentor")
    )
    me.get_by_label("Your goal").fill("Apply to PhD programmes this autumn.")
    click_through(me, me.get_by_role("button", name="Send request"))
    expect(me.get_by_text("Mentored by Dr Mo Mentor")).to_be_visible()

    guide = new_page()
    log_in(guide, mentor.email)
    visit(guide, "/mentoring/")
    click_through(guide, guide.get_by_role("link", name="Mentoring Lee Learner"))
    click_through(guide, guide.get_by_role("button", name="Accept"))
    expect(guide.get_by_role("heading", name="Meetings")).to_be_visible()

    visit(me, "/mentoring/")
    click_through(me, me.get_by_role("link", name="Mentored by Dr Mo Mentor"))
    expect(me.get_by_text("Accepted", exact=True)).to_be_visible()
    expect(me.get_by_text("Apply to PhD programmes this autumn.")).to_be_visible()
    click_through(me, me.get_by_role("button", name="Send a message"))
    expect(me).to_have_url(re.compile(r"/chat/r/\d+/$"))


def test_post_filter_and_bookmark_an_opportunity_and_read_the_feed(new_page):
    community = CommunityFactory(name="Data Cohort")
    make_member(community, "owner")
    alum = make_member(community, "mentor", display_name="Ali Alum")
    learner = make_member(community, "student", display_name="Lu Learner")
    services.update_profile(learner, **profile_data(interests="SQL"))
    services.update_profile(alum, **profile_data(interests="SQL"))

    poster = new_page()
    log_in(poster, alum.email)
    visit(poster, f"/c/{community.slug}/opportunities/")
    click_through(poster, poster.get_by_role("link", name="Post an opportunity"))
    poster.get_by_label("Kind").select_option("internship")
    poster.get_by_label("Title").fill("Analytics internship")
    poster.get_by_label("Apply at").fill("not a link")
    poster.get_by_label("Deadline").fill("2099-06-30")
    poster.get_by_label(re.compile("^Tags")).fill("SQL, Python")
    click_through(poster, poster.get_by_role("button", name="Post"))
    expect(
        poster.get_by_text("Enter a full address starting with https://.")
    ).to_be_visible()
    expect(poster.get_by_label("Title")).to_have_value("Analytics internship")
    poster.get_by_label("Apply at").fill("https://example.org/apply")
    click_through(poster, poster.get_by_role("button", name="Post"))
    expect(poster.get_by_role("heading", level=1)).to_have_text("Analytics internship")
    visit(poster, "/portfolio/new/")
    poster.get_by_label("Title").fill("Churn model write-up")
    click_through(poster, poster.get_by_role("button", name="Add item"))

    reader = new_page()
    log_in(reader, learner.email)
    visit(reader, f"/c/{community.slug}/opportunities/?tag=sql")
    click_through(reader, reader.get_by_role("link", name="Analytics internship"))
    click_through(reader, reader.get_by_role("button", name="Bookmark"))
    visit(reader, f"/c/{community.slug}/opportunities/?bookmarked=1")
    expect(reader.get_by_text("Bookmarked", exact=True)).to_be_visible()
    visit(reader, "/network/suggestions/")
    expect(reader.get_by_text("1 shared interest: SQL")).to_be_visible()
    visit(reader, f"/accounts/people/{alum.handle}/")
    click_through(reader, reader.get_by_role("button", name="Follow"))
    visit(reader, "/feed/")
    expect(reader.get_by_role("link", name="Churn model write-up")).to_be_visible()


def test_claim_an_alum_badge_and_have_an_owner_verify_it(new_page):
    community = CommunityFactory(name="Stats Alumni")
    owner = make_member(community, "owner", display_name="Olu Owner")
    learner = make_member(community, "student", display_name="Gia Graduate")

    me = new_page()
    log_in(me, learner.email)
    visit(me, f"/c/{community.slug}/people/")
    click_through(me, me.get_by_role("link", name="Alumni, experts and partners"))
    me.get_by_label("I am").select_option("alum")
    click_through(me, me.get_by_role("button", name="Send for verification"))
    expect(me.get_by_text("Say what makes you one")).to_be_visible()
    me.get_by_label("What makes you one").fill("Class of 2022")
    click_through(me, me.get_by_role("button", name="Send for verification"))
    expect(me.get_by_text("Alum: Waiting for verification")).to_be_visible()

    boss = new_page()
    log_in(boss, owner.email)
    visit(boss, f"/c/{community.slug}/people/alumni-and-experts/")
    expect(boss.get_by_text("Class of 2022")).to_be_visible()
    click_through(boss, boss.get_by_role("button", name="Verify Gia Graduate"))

    visit(me, f"/c/{community.slug}/people/?role=alum")
    expect(me.get_by_role("article", name="Gia Graduate")).to_contain_text("Alum")
