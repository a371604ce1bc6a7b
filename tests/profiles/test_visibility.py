"""Every profile field under every visibility setting, against each kind of viewer,
on the profile page, the API, the directory (display and filters), the feed and
search results (the search page and the search API)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from studyhall.profiles import services
from studyhall.profiles.models import PROFILE_FIELDS, Follow, Visibility
from studyhall.search.kinds.people import PERSON, SEARCHED_FIELDS
from tests.profiles.conftest import MARKERS, expected_visible, fill_profile

pytestmark = pytest.mark.django_db

SETTINGS = [v.value for v in Visibility]
# What shows on the profile page when a field is visible.
PAGE_SIGNS = {
    **MARKERS,
    "links": "links-marker.example.org",
    "avatar": "/avatar/",
    "achievements": 'id="achievements"',
}
API_KEYS = {
    "pronouns": "pronouns",
    "avatar": "avatar_url",
    "headline": "headline",
    "bio": "bio_html",
    "interests": "interests",
    "skills": "skills",
    "objectives": "objectives",
    "time_zone": "time_zone",
    "languages": "languages",
    "links": "links",
    "achievements": "achievements",
}
DIRECTORY_FIELDS = {"headline", "interests", "skills", "languages", "time_zone"}
FILTERS = {
    "interests": ("interest", "interestMARKER"),
    "skills": ("skill", "Skillmarker"),
    "languages": ("language", "languagemarker"),
    "time_zone": ("time_zone", "Pacific/Chatham"),
}

# The words each field's text is searched by; avatar and achievements have none.
SEARCH_WORDS = {
    "pronouns": "zir",
    "headline": "Headline-Marker",
    "bio": "Bio-Marker",
    "interests": "Interestmarker",
    "skills": "Skillmarker",
    "objectives": "Objective-Marker",
    "time_zone": "Chatham",
    "languages": "Languagemarker",
    "links": "links-marker",
}
# How each field's text may show in a snippet.
SNIPPET_SIGNS = {
    **{field: word.split("-")[0].lower() for field, word in SEARCH_WORDS.items()},
    "links": "links-marker",
}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _only(field: str, setting: str, is_public: bool) -> dict:
    """Profile data where only `field` has `setting`; every other field is only_me."""
    data = {f"{name}_visibility": "only_me" for name in PROFILE_FIELDS}
    data[f"{field}_visibility"] = setting
    data["is_public"] = is_public
    return data


@pytest.mark.parametrize("is_public", [False, True], ids=["members", "public"])
@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("field", PROFILE_FIELDS)
def test_field_shows_only_to_viewers_the_setting_allows(
    circle, field, setting, is_public
):
    fill_profile(circle.person, **_only(field, setting, is_public))
    url = reverse("accounts:profile", kwargs={"handle": circle.person.handle})
    api = f"/api/v1/people/{circle.person.handle}"

    for who, user in circle.viewers().items():
        client = _client(user)
        shown = expected_visible(who, setting, is_public)
        profile_visible = expected_visible(who, "public", is_public)

        page = client.get(url)
        data = client.get(api)

        if not profile_visible:
            assert page.status_code == 404, (who, field, setting)
            assert data.status_code == 404, (who, field, setting)
            continue
        assert page.status_code == 200
        assert (PAGE_SIGNS[field] in page.text) is shown, (who, field, setting)
        assert circle.person.email not in page.text
        assert circle.person.email not in data.text
        if field in API_KEYS:
            assert (data.json()[API_KEYS[field]] is not None) is shown, (who, field)
        if field == "avatar":
            image = client.get(f"/people/{circle.person.handle}/avatar/")
            assert (image.status_code == 200) is shown, (who, setting)


@pytest.mark.parametrize("is_public", [False, True], ids=["members", "public"])
@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("field", sorted(DIRECTORY_FIELDS))
def test_directory_shows_and_filters_only_visible_fields(
    circle, field, setting, is_public
):
    fill_profile(circle.person, **_only(field, setting, is_public))
    url = reverse("profiles:directory", kwargs={"slug": circle.community.slug})
    api = f"/api/v1/communities/{circle.community.slug}/people"

    for who in ("self", "connection", "peer", "blocked"):
        client = _client(circle.viewers()[who])
        shown = expected_visible(who, setting, is_public)

        page = client.get(url)
        listed = client.get(api).json()["items"]

        if who == "blocked":
            assert "Pat Person" not in page.text
            assert circle.person.handle not in [p["handle"] for p in listed]
            continue
        assert (MARKERS[field] in page.text) is shown, (who, field, setting)
        (row,) = [p for p in listed if p["handle"] == circle.person.handle]
        assert (row[API_KEYS[field]] is not None) is shown, (who, field, setting)
        if field in FILTERS:
            name, value = FILTERS[field]
            found = client.get(url, {name: value})
            found_api = client.get(api, {name: value}).json()["items"]
            assert ("Pat Person" in found.text) is shown, (who, field, setting)
            assert bool(found_api) is shown, (who, field, setting)


@pytest.mark.parametrize("is_public", [False, True], ids=["members", "public"])
@pytest.mark.parametrize("setting", SETTINGS)
def test_feed_shows_a_showcase_item_only_to_viewers_its_setting_allows(
    circle, setting, is_public
):
    fill_profile(circle.person, is_public=is_public)
    for user in (circle.connection, circle.peer, circle.blocked, circle.stranger):
        Follow.objects.create(follower=user, followed=circle.person)
    services.add_showcase_item(
        circle.person, title="Showcase-Marker", visibility=setting
    )
    url = reverse("accounts:profile", kwargs={"handle": circle.person.handle})

    for who in ("connection", "peer", "blocked", "stranger"):
        client = _client(circle.viewers()[who])
        shown = expected_visible(who, setting, is_public)
        # Feeds leave out blocked people's activity altogether, even public items.
        in_feed = shown and who != "blocked"

        feed = client.get(reverse("profiles:feed"))
        feed_api = client.get("/api/v1/feed").json()["items"]
        page = client.get(url)

        assert ("Showcase-Marker" in feed.text) is in_feed, (who, setting)
        assert bool(feed_api) is in_feed, (who, setting)
        if page.status_code == 200:
            data = client.get(f"/api/v1/people/{circle.person.handle}").json()
            assert ("Showcase-Marker" in page.text) is shown, (who, setting)
            assert bool(data["showcase"]) is shown, (who, setting)


@pytest.mark.parametrize("is_public", [False, True], ids=["members", "public"])
@pytest.mark.parametrize("setting", SETTINGS)
def test_feed_shows_a_badge_only_to_viewers_the_achievements_setting_allows(
    circle, setting, is_public, django_capture_on_commit_callbacks
):
    from studyhall.communities.models import Community
    from studyhall.recognition import services as recognition
    from tests.factories import make_member

    Community.objects.filter(pk=circle.community.pk).update(visibility="public")
    circle.community.refresh_from_db()
    fill_profile(
        circle.person, **{"achievements_visibility": setting, "is_public": is_public}
    )
    for user in (circle.connection, circle.peer, circle.blocked, circle.stranger):
        Follow.objects.create(follower=user, followed=circle.person)
    owner = make_member(circle.community, "owner")
    badge = recognition.define_badge(
        owner, circle.community, name="Badge-Marker", description="d", criteria="c"
    )
    with django_capture_on_commit_callbacks(execute=True):
        recognition.award_badge(owner, badge, circle.person)

    for who in ("connection", "peer", "blocked", "stranger"):
        client = _client(circle.viewers()[who])
        in_feed = expected_visible(who, setting, is_public) and who != "blocked"

        feed = client.get(reverse("profiles:feed"))
        feed_api = client.get("/api/v1/feed").json()["items"]

        assert ("Badge-Marker" in feed.text) is in_feed, (who, setting)
        assert bool(feed_api) is in_feed, (who, setting)


def _search_hits(client: Client, text: str) -> tuple[str, list[dict]]:
    """Return the search page's list of hits and the search API's people for a text."""
    page = client.get(reverse("search:results"), {"q": text, "kind": PERSON})
    assert page.status_code == 200
    # No list at all when nothing is found.
    hits = page.text.partition('<ol class="hits"')[2].split("</ol>")[0]
    api = client.get("/api/v1/search", {"q": text, "kind": PERSON})
    assert api.status_code == 200
    return hits, api.json()["items"]


@pytest.mark.parametrize("is_public", [False, True], ids=["members", "public"])
@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("field", PROFILE_FIELDS)
def test_search_finds_and_shows_a_field_only_to_viewers_the_setting_allows(
    circle, field, setting, is_public, django_capture_on_commit_callbacks
):
    # Indexed first with every field open, then narrowed: the index must follow.
    everything_public = {f"{name}_visibility": "public" for name in PROFILE_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        fill_profile(circle.person, **everything_public, is_public=True)
    with django_capture_on_commit_callbacks(execute=True):
        fill_profile(circle.person, **_only(field, setting, is_public))
    profile_url = reverse("accounts:profile", kwargs={"handle": circle.person.handle})

    for who, user in circle.viewers().items():
        client = _client(user)
        shown = expected_visible(who, setting, is_public)
        profile_visible = expected_visible(who, "public", is_public)
        # Only a field as open as the profile itself is indexed at all.
        indexed = field in SEARCHED_FIELDS and expected_visible(
            "stranger" if is_public else "peer", setting, is_public
        )

        by_name, by_name_api = _search_hits(client, "Pat Person")
        assert (profile_url in by_name) is profile_visible, (who, field, setting)
        assert [p["id"] for p in by_name_api] == (
            [circle.person.pk] if profile_visible else []
        ), (who, field, setting)
        if not shown:
            # Never in a snippet or a title of a hit the viewer gets.
            sign = SNIPPET_SIGNS.get(field, "marker")
            assert sign not in by_name.lower(), (who, field, setting)
            assert sign not in str(by_name_api).lower(), (who, field, setting)
        if field not in SEARCH_WORDS:
            continue
        by_text, by_text_api = _search_hits(client, SEARCH_WORDS[field])
        found = shown and indexed
        assert (profile_url in by_text) is found, (who, field, setting)
        assert bool(by_text_api) is found, (who, field, setting)
