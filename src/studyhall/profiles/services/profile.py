"""Writing one's own profile: fields, tags, links and avatar."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from studyhall.accounts.models import User
from studyhall.core.markdown import render_markdown
from studyhall.core.text import clean_text
from studyhall.profiles.images import avatar_file
from studyhall.profiles.models import PROFILE_FIELDS, Profile, ProfileTag, Visibility

TAG_PATTERN = re.compile(r"^[\w][\w +#.&/-]{0,39}$")
GITHUB_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
TEXT_LIMITS = {"pronouns": 40, "headline": 120, "bio": 5000, "objectives": 2000}


def profile_of(user: User) -> Profile:
    """Return the person's profile row, creating an empty one on first write."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def parse_tags(text: str, *, field: str) -> list[str]:
    """Return distinct tags from comma-separated text or raise ValidationError.

    Tags keep their spelling; two spellings that differ only in case count once.
    """
    tags: list[str] = []
    seen: set[str] = set()
    for raw in clean_text(text or "").split(","):
        tag = " ".join(raw.split())
        if not tag:
            continue
        if not TAG_PATTERN.match(tag):
            raise ValidationError(
                {
                    field: f"“{tag[:40]}” is not a tag: use up to 40 letters, digits, "
                    "spaces or + # . & / -, separated by commas."
                }
            )
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    limit = settings.PROFILES_MAX_TAGS
    if len(tags) > limit:
        raise ValidationError(
            {field: f"Use at most {limit} tags (you gave {len(tags)})."}
        )
    return tags


def _clean_link(value: str, field: str, hosts: set[str] | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    message = "Enter a full address starting with https://."
    if hosts:
        message = f"Enter your profile address on {sorted(hosts)[0]}."
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise ValidationError({field: message}) from error
    host = (urlparse(value).hostname or "").lower()
    if hosts is not None and host not in hosts:
        raise ValidationError({field: message})
    return value


def _clean_orcid(value: str) -> str:
    value = (value or "").strip().removeprefix("https://orcid.org/").upper()
    if not value:
        return ""
    if not ORCID_PATTERN.match(value):
        raise ValidationError({"orcid": "Enter an ORCID iD like 0000-0002-1825-0097."})
    digits = value.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValidationError(
            {"orcid": "This ORCID iD has a typing mistake: its check digit is wrong."}
        )
    return value


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return validated profile values or raise ValidationError with every problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def attempt(name: str, fn: Any) -> None:
        try:
            cleaned[name] = fn()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)

    for name, limit in TEXT_LIMITS.items():
        text = clean_text(data.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = [
                f"Use at most {limit:,} characters (this has {len(text):,})."
            ]
        cleaned[name] = text
    zone = (data.get("time_zone") or "").strip()
    if zone and zone not in available_timezones():
        errors["time_zone"] = [
            "Choose a time zone from the list, such as Europe/Paris."
        ]
    cleaned["time_zone"] = zone
    for kind in ("interests", "skills", "languages"):
        attempt(kind, lambda kind=kind: parse_tags(data.get(kind) or "", field=kind))
    attempt("website", lambda: _clean_link(data.get("website", ""), "website", None))
    attempt(
        "linkedin",
        lambda: _clean_link(
            data.get("linkedin", ""), "linkedin", {"linkedin.com", "www.linkedin.com"}
        ),
    )
    github = (data.get("github") or "").strip().removeprefix("@")
    if github and not GITHUB_PATTERN.match(github):
        errors["github"] = ["Enter your GitHub username, such as octocat."]
    cleaned["github"] = github
    attempt("orcid", lambda: _clean_orcid(data.get("orcid", "")))
    for name in PROFILE_FIELDS:
        key = f"{name}_visibility"
        value = data.get(key) or Visibility.COMMUNITIES
        if value not in Visibility.values:
            errors[key] = ["Choose who may see this."]
        cleaned[key] = value
    cleaned["is_public"] = bool(data.get("is_public"))
    if errors:
        raise ValidationError(errors)
    return cleaned


TAG_KINDS = {
    "interests": ProfileTag.Kind.INTEREST,
    "skills": ProfileTag.Kind.SKILL,
    "languages": ProfileTag.Kind.LANGUAGE,
}


def update_profile(user: User, **data: Any) -> Profile:
    """Validate and save the person's own profile; every field is replaced.

    Raises ValidationError naming each bad field; nothing is saved then.
    """
    cleaned = _clean_fields(data)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = Profile(user=user)
        for name, value in cleaned.items():
            if name not in TAG_KINDS:
                setattr(profile, name, value)
        profile.bio_html = render_markdown(profile.bio) if profile.bio else ""
        profile.updated_at = timezone.now()
        profile.save()
        ProfileTag.objects.filter(user=user).delete()
        ProfileTag.objects.bulk_create(
            ProfileTag(user=user, kind=kind, label=tag, key=tag.casefold())
            for name, kind in TAG_KINDS.items()
            for tag in cleaned[name]
        )
    return profile


def set_avatar(user: User, upload: UploadedFile) -> Profile:
    """Replace the person's avatar with a resized copy of an uploaded image.

    Raises ValidationError for oversized files and files that are not images.
    """
    stored = avatar_file(upload)
    with transaction.atomic():
        profile = profile_of(user)
        old = profile.avatar.name
        profile.avatar.save(stored.name or "avatar.jpg", stored, save=False)
        profile.save(update_fields=["avatar"])
    if old:
        profile.avatar.storage.delete(old)
    return profile


def remove_avatar(user: User) -> Profile:
    """Remove the person's avatar, if any."""
    profile = profile_of(user)
    if profile.avatar:
        profile.avatar.delete(save=False)
        profile.avatar = ""  # type: ignore[assignment]
        profile.save(update_fields=["avatar"])
    return profile
