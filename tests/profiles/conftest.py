"""Helpers for profile tests: people in every relation to one person."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.profiles import services
from studyhall.profiles.models import PROFILE_FIELDS
from tests.factories import CommunityFactory, UserFactory, make_member

MARKERS = {
    "pronouns": "zir/zem",
    "headline": "Headline-Marker",
    "bio": "Bio-Marker",
    "interests": "Interestmarker",
    "skills": "Skillmarker",
    "objectives": "Objective-Marker",
    "time_zone": "Pacific/Chatham",
    "languages": "Languagemarker",
    "website": "https://links-marker.example.org/",
}


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (40, 30), **save: Any
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def profile_data(**overrides: Any) -> dict[str, Any]:
    """Return a full profile form's data with every field filled with its marker."""
    data: dict[str, Any] = {
        **MARKERS,
        "linkedin": "",
        "github": "",
        "orcid": "",
        "is_public": False,
    }
    for name in PROFILE_FIELDS:
        data[f"{name}_visibility"] = "communities"
    data.update(overrides)
    return data


def fill_profile(person: User, **overrides: Any) -> None:
    services.update_profile(person, **profile_data(**overrides))
    services.set_avatar(person, upload("me.png", image_bytes()))


@dataclass
class Circle:
    """One person and a viewer in each relation to them."""

    community: Community
    person: User
    connection: User
    peer: User
    blocked: User
    stranger: User

    def viewers(self) -> dict[str, User | None]:
        return {
            "self": self.person,
            "connection": self.connection,
            "peer": self.peer,
            "blocked": self.blocked,
            "stranger": self.stranger,
            "anonymous": None,
        }


# How close each kind of viewer is: 3 self, 2 connection, 1 community, 0 anyone.
RANK = {
    "self": 3,
    "connection": 2,
    "peer": 1,
    "blocked": 0,
    "stranger": 0,
    "anonymous": 0,
}
NEEDED = {"public": 0, "communities": 1, "connections": 2, "only_me": 3}


def expected_visible(viewer: str, setting: str, is_public: bool) -> bool:
    """The rule, written independently of the policy: a public setting counts only
    on a public profile; blocked people are strangers."""
    needed = max(NEEDED[setting], 0 if is_public else 1)
    return RANK[viewer] >= needed


def make_circle() -> Circle:
    community = CommunityFactory()
    person = make_member(community, "student", display_name="Pat Person")
    connection = make_member(community, "student")
    peer = make_member(community, "student")
    blocked = make_member(community, "student")
    stranger = UserFactory()
    request = services.request_connection(connection, person, note="hello")
    services.answer_connection(person, request, accept=True)
    services.block_person(person, blocked)
    return Circle(community, person, connection, peer, blocked, stranger)


@pytest.fixture
def circle(db: Any) -> Circle:
    return make_circle()
