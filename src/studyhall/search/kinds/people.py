"""People and opportunities as search documents.

A person is found by name and handle, and by the profile fields that
everyone who may see the profile at all may read (policy.needed_audience):
a bio shown only to connections is never indexed, so searching its words
finds no one. Who may find the person is policy.visible over profiles,
asked at search time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from studyhall import policy
from studyhall.profiles.models import Opportunity, Profile, ProfileTag, Visibility
from studyhall.search.kinds.discussions import plain_text
from studyhall.search.models import Document
from studyhall.search.registry import DocumentKind, Entry, Shown, register

PERSON = "person"
OPPORTUNITY = "opportunity"
# Profile fields with words worth finding, and the tag kinds behind three of them.
SEARCHED_FIELDS = ("headline", "bio", "objectives", "interests", "skills", "languages")
TAG_FIELDS = {
    ProfileTag.Kind.INTEREST: "interests",
    ProfileTag.Kind.SKILL: "skills",
    ProfileTag.Kind.LANGUAGE: "languages",
}


def _open_fields(profile: Profile) -> set[str]:
    """Return the searched fields shown to everyone who may see the profile."""
    floor = policy.needed_audience(Visibility.PUBLIC, profile.is_public)
    return {
        name
        for name in SEARCHED_FIELDS
        if policy.needed_audience(profile.visibility_of(name), profile.is_public)
        <= floor
    }


def person_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for people (by user id): name, handle and open profile fields.
    People without a profile or no longer active drop out."""
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(
            user_id__in=ids, user__is_active=True
        ).select_related("user")
    }
    tags: dict[int, list[tuple[str, str]]] = {}
    for user_id, kind, label in ProfileTag.objects.filter(user_id__in=ids).values_list(
        "user_id", "kind", "label"
    ):
        tags.setdefault(user_id, []).append((kind, label))
    result: dict[int, Entry | None] = {}
    for pk in ids:
        profile = profiles.get(pk)
        if profile is None:
            result[pk] = None
            continue
        open_fields = _open_fields(profile)
        texts = {
            "headline": profile.headline,
            "bio": plain_text(profile.bio_html),
            "objectives": profile.objectives,
        }
        parts = [f"@{profile.user.handle}"]
        parts += [texts[name] for name in texts if name in open_fields and texts[name]]
        parts += [
            label
            for kind, label in tags.get(pk, [])
            if TAG_FIELDS.get(ProfileTag.Kind(kind)) in open_fields
        ]
        result[pk] = Entry(
            community_id=None,
            title=profile.user.display_name,
            body=" · ".join(parts),
            created_at=profile.user.date_joined,
            scope=Document.Scope.PROFILE,
            scope_id=pk,
        )
    return result


def person_keys() -> Iterable[tuple[datetime, int]]:
    return Profile.objects.filter(user__is_active=True).values_list(
        "user__date_joined", "user_id"
    )


def show_people(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load profiles through the policy (one query) and say how to show each."""
    profiles = policy.visible(
        user, Profile.objects.filter(user_id__in=ids, user__is_active=True)
    ).select_related("user")
    return {
        p.user_id: Shown(
            url=reverse("accounts:profile", kwargs={"handle": p.user.handle}),
            title=p.user.display_name,
            community_name="",
            author=None,
            context="Person",
        )
        for p in profiles
    }


def opportunity_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for opportunities: title, organisation, description, tags.
    They share their community's visibility, as their pages do."""
    found = {o.pk: o for o in Opportunity.objects.filter(pk__in=ids)}
    result: dict[int, Entry | None] = {}
    for pk in ids:
        item = found.get(pk)
        if item is None:
            result[pk] = None
            continue
        parts = (
            item.get_kind_display(),
            item.organisation,
            plain_text(item.description_html),
            item.tags,
        )
        result[pk] = Entry(
            community_id=item.community_id,
            title=item.title,
            body=" · ".join(part for part in parts if part),
            created_at=item.created_at,
            author_id=item.posted_by_id,
        )
    return result


def opportunity_keys() -> Iterable[tuple[datetime, int]]:
    return Opportunity.objects.values_list("created_at", "pk")


def show_opportunities(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load opportunities through the policy (one query) and say how to show each."""
    found = policy.visible(user, Opportunity.objects.filter(pk__in=ids)).select_related(
        "community"
    )
    return {
        o.pk: Shown(
            url=reverse("profiles:opportunity-detail", kwargs={"opportunity_id": o.pk}),
            title=o.title,
            community_name=o.community.name,
            author=None,
            context=f"{o.get_kind_display()} · apply by {o.deadline:%-d %b %Y}",
        )
        for o in found
    }


register(
    DocumentKind(
        name=PERSON,
        label="People",
        singular="Person",
        entries=person_entries,
        all_keys=person_keys,
        show=show_people,
    )
)
register(
    DocumentKind(
        name=OPPORTUNITY,
        label="Opportunities",
        singular="Opportunity",
        entries=opportunity_entries,
        all_keys=opportunity_keys,
        show=show_opportunities,
    )
)
