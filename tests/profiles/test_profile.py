"""Editing a profile: fields, tags, links, avatar; bad input is explained and kept."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from studyhall.profiles import services
from studyhall.profiles.models import Profile, ProfileTag
from tests.profiles.conftest import image_bytes, profile_data, upload

pytestmark = pytest.mark.django_db


def test_update_profile_saves_fields_tags_and_renders_bio(student):
    services.update_profile(
        student,
        **profile_data(
            bio="**bold** <script>x</script>", interests="ML, Causal inference, ml"
        ),
    )

    profile = Profile.objects.get(user=student)
    assert "<strong>bold</strong>" in profile.bio_html
    assert "<script>" not in profile.bio_html
    interests = ProfileTag.objects.filter(user=student, kind="interest")
    assert [t.label for t in interests] == ["ML", "Causal inference"]


@override_settings(PROFILES_MAX_TAGS=3)
def test_too_many_tags_are_refused_with_the_limit(student):
    with pytest.raises(ValidationError) as error:
        services.update_profile(student, **profile_data(skills="a, b, c, d"))

    assert error.value.message_dict["skills"] == ["Use at most 3 tags (you gave 4)."]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("orcid", "0000-0002-1825-0098"),
        ("orcid", "1234"),
        ("linkedin", "https://evil.example.org/in/me"),
        ("website", "javascript:alert(1)"),
        ("github", "not a user!"),
        ("time_zone", "Mars/Olympus"),
        ("interests", "<script>"),
        ("headline", "x" * 121),
        ("pronouns_visibility", "everyone"),
    ],
)
def test_bad_profile_values_are_refused_by_field(student, field, value):
    with pytest.raises(ValidationError) as error:
        services.update_profile(student, **profile_data(**{field: value}))

    assert field in error.value.message_dict


def test_valid_links_are_kept(student):
    services.update_profile(
        student,
        **profile_data(
            orcid="https://orcid.org/0000-0002-1825-0097",
            linkedin="https://www.linkedin.com/in/someone",
            github="@octocat",
        ),
    )

    profile = Profile.objects.get(user=student)
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.github == "octocat"


def test_edit_form_keeps_typed_text_when_refused(client, student):
    client.force_login(student)
    data = profile_data(headline="My typed headline", orcid="bad-orcid")

    response = client.post(reverse("profiles:profile-edit"), data)

    assert response.status_code == 400
    assert 'value="My typed headline"' in response.text
    assert "Enter an ORCID iD like" in response.text
    assert not Profile.objects.filter(
        user=student, headline="My typed headline"
    ).exists()


def test_edit_form_saves_and_shows_suggestions(client, student, other_student):
    services.update_profile(other_student, **profile_data(interests="Bayesian stats"))
    client.force_login(student)

    form = client.get(reverse("profiles:profile-edit"))
    saved = client.post(
        reverse("profiles:profile-edit"), profile_data(pronouns="they/them")
    )

    assert "Bayesian stats" in form.text
    assert saved.status_code == 302
    assert Profile.objects.get(user=student).pronouns == "they/them"


def test_avatar_is_resized_and_stripped_of_exif(student):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    data = image_bytes("JPEG", size=(800, 600), exif=exif.tobytes())
    assert b"SecretCameraMaker" in data

    profile = services.set_avatar(student, upload("me.jpg", data, "image/jpeg"))

    stored = profile.avatar.read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (256, 256)
    assert image.format == "JPEG"
    assert b"SecretCameraMaker" not in stored
    assert not image.getexif()


def test_a_script_renamed_png_is_refused(student):
    fake = upload("evil.png", b"#!/bin/sh\nrm -rf /\n", "image/png")

    with pytest.raises(ValidationError) as error:
        services.set_avatar(student, fake)

    assert "not a JPEG, PNG, GIF or WebP image" in error.value.message_dict["avatar"][0]


@override_settings(PROFILES_AVATAR_MAX_BYTES=1000)
def test_an_oversized_avatar_is_refused(client, student):
    client.force_login(student)
    big = upload("big.png", image_bytes("PNG", size=(300, 300)) + b"\0" * 2000)

    response = client.post(reverse("profiles:avatar-update"), {"avatar": big})

    assert response.status_code == 400
    assert "too large" in response.text


def test_avatar_upload_and_removal_through_the_page(client, student):
    client.force_login(student)

    client.post(
        reverse("profiles:avatar-update"),
        {"avatar": upload("a.gif", image_bytes("GIF"))},
    )
    shown = client.get(f"/people/{student.handle}/avatar/")
    client.post(reverse("profiles:avatar-update"), {"action": "remove"})
    gone = client.get(f"/people/{student.handle}/avatar/")

    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg"
    assert gone.status_code == 404


def test_role_badges_come_from_memberships(client, student, instructor):
    client.force_login(student)

    page = client.get(reverse("accounts:profile", kwargs={"handle": instructor.handle}))

    assert '<span class="badge role">Instructor</span>' in page.text


def test_achievements_count_accepted_and_endorsed_named_posts(
    client, student, other_student, instructor, community
):
    from studyhall.discussions import services as boards

    thread = boards.create_thread(
        student, community, title="How?", body="Question", kind="question"
    )
    reply = boards.create_reply(other_student, thread, body="Like this.")
    boards.accept_answer(student, reply)
    boards.endorse_post(instructor, reply)
    client.force_login(student)

    page = client.get(
        reverse("accounts:profile", kwargs={"handle": other_student.handle})
    )

    assert "1 accepted answer" in page.text
    assert "1 endorsed post" in page.text


def test_api_updates_the_profile_and_reports_field_errors(student):
    from tests.api.conftest import send, signed_in

    client = signed_in(student)

    bad = send(client, "PUT", "/people/me/profile", {"orcid": "nope"})
    good = send(
        client,
        "PUT",
        "/people/me/profile",
        {"headline": "Hi", "interests": "Rust", "visibility": {"headline": "only_me"}},
    )

    assert bad.status_code == 422
    assert "orcid" in bad.json()["error"]["fields"]
    assert good.status_code == 200
    assert good.json()["headline"] == "Hi"
    assert good.json()["interests"] == ["Rust"]
    assert Profile.objects.get(user=student).headline_visibility == "only_me"
