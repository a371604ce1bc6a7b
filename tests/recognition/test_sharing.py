"""Opt-in public profiles carry share meta and plain share links; private ones none."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from studyhall.profiles.models import Profile, Visibility

pytestmark = pytest.mark.django_db


def meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{key}" content="([^"]*)"', html)
    return found.group(1) if found else None


def public_profile_page(client, person, *, headline_visibility: str) -> str:
    """Make the person's profile public with a headline; return it as a stranger sees it."""
    Profile.objects.update_or_create(
        user=person,
        defaults={
            "is_public": True,
            "headline": "Bridges and beams",
            "headline_visibility": headline_visibility,
        },
    )
    url = reverse("accounts:profile", kwargs={"handle": person.handle})
    return client.get(url).content.decode()


def test_a_public_profile_carries_share_meta_with_only_public_fields(
    client, student, settings
):
    html = public_profile_page(
        client, student, headline_visibility=Visibility.COMMUNITIES
    )

    assert meta(html, "og:title") == f"{student.display_name} (@{student.handle})"
    assert meta(html, "og:description") == (
        f"{student.display_name} on {settings.SITE_NAME}"
    )
    assert meta(html, "og:image").startswith(settings.SITE_URL)
    assert meta(html, "twitter:card") == "summary"
    for name in ("LinkedIn", "X", "Mastodon"):
        assert f"Share on {name}</a>" in html
    assert "Share by email</a>" in html
    # Nothing is loaded from elsewhere: the share targets are plain links.
    assert not re.search(r'\ssrc="(https?:)?//', html)


def test_a_public_headline_describes_the_profile(client, student):
    html = public_profile_page(client, student, headline_visibility=Visibility.PUBLIC)

    assert meta(html, "og:description") == "Bridges and beams"


def test_a_private_profile_has_no_share_meta_or_links(client, student, other_student):
    client.force_login(other_student)

    html = client.get(
        reverse("accounts:profile", kwargs={"handle": student.handle})
    ).content.decode()

    assert meta(html, "og:title") is None
    assert "Share on LinkedIn" not in html
