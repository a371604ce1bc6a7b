"""Writes for the resource library: each asks the policy, validates and
changes the data in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.communities.models import Community
from studyhall.core import uploads
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.groups.models import StudyGroup
from studyhall.library.bibtex import Reference, clean_doi, parse_bibtex
from studyhall.library.models import (
    LibraryComment,
    LibraryItem,
    ReadingListEntry,
    Recommendation,
    UsefulMark,
)
from studyhall.policy import Action


@dataclass
class ItemFields:
    title: str
    authors: str = ""
    year: int | None = None
    url: str = ""
    doi: str = ""
    kind: str = LibraryItem.Kind.PAPER
    tags: list[str] = field(default_factory=list)
    course: str = ""
    summary: str = ""
    bibtex_key: str = ""


def _clean(fields: ItemFields) -> ItemFields:
    errors: dict[str, str] = {}
    fields.title = clean_text(fields.title or "").strip()
    if not fields.title:
        errors["title"] = "Give the item a title."
    elif len(fields.title) > 300:
        errors["title"] = "Use at most 300 characters."
    this_year = timezone.localdate().year
    if fields.year is not None and not 1400 <= fields.year <= this_year + 1:
        errors["year"] = f"Give a year between 1400 and {this_year + 1}."
    fields.url = (fields.url or "").strip()
    if fields.url and not fields.url.startswith(("https://", "http://")):
        errors["url"] = "Links start with https:// or http://."
    if fields.doi:
        try:
            fields.doi = clean_doi(fields.doi)
        except ValidationError as error:
            errors["doi"] = error.messages[0]
    if fields.kind not in LibraryItem.Kind.values:
        errors["kind"] = "Choose what kind of resource this is."
    fields.authors = clean_text(fields.authors or "").strip()[:500]
    fields.course = clean_text(fields.course or "").strip()[:80]
    fields.summary = clean_text(fields.summary or "").strip()
    if len(fields.summary) > 5000:
        errors["summary"] = "Keep the summary under 5,000 characters."
    fields.tags = [clean_text(t).strip().lower()[:40] for t in fields.tags if t.strip()]
    if errors:
        raise ValidationError(errors)
    return fields


def _may_add(user: User, community: Community, group: StudyGroup | None) -> None:
    target = group if group is not None else community
    if not policy.can(user, Action.ADD_LIBRARY_ITEM, target):
        raise PermissionDenied("Only members can add to this library.")


def add_item(
    user: User,
    community: Community,
    fields: ItemFields,
    *,
    group: StudyGroup | None = None,
    upload: UploadedFile | None = None,
) -> LibraryItem:
    """Add an item to the community's library or to a group's shelf."""
    _may_add(user, community, group)
    fields = _clean(fields)
    item = LibraryItem(
        community=community,
        group=group,
        added_by=user,
        title=fields.title,
        authors=fields.authors,
        year=fields.year,
        url=fields.url,
        doi=fields.doi,
        kind=fields.kind,
        tags=",".join(dict.fromkeys(fields.tags))[:300],
        course=fields.course,
        summary=fields.summary,
        bibtex_key=fields.bibtex_key[:100],
    )
    if upload is not None:
        checked = uploads.check_upload(upload)
        item.file_name, item.content_type = checked.name, checked.content_type
        item.size = checked.size
        item.file.save(checked.content.name, checked.content, save=False)
    item.save()
    return item


def _from_reference(ref: Reference, course: str) -> ItemFields:
    return ItemFields(
        title=ref.title,
        authors=ref.authors,
        year=ref.year,
        url=ref.url,
        doi=ref.doi,
        kind=ref.kind,
        tags=ref.tags,
        course=course,
        summary=ref.summary,
        bibtex_key=ref.key,
    )


def import_bibtex(
    user: User,
    community: Community,
    text: str,
    *,
    group: StudyGroup | None = None,
    course: str = "",
) -> list[LibraryItem]:
    """Add every entry of a BibTeX text; all or nothing."""
    _may_add(user, community, group)
    if len(text) > 500_000:
        raise ValidationError({"bibtex": "Paste at most 500,000 characters."})
    try:
        refs = parse_bibtex(clean_text(text))
    except ValidationError as error:
        raise ValidationError({"bibtex": error.messages[0]}) from error
    if len(refs) > 500:
        raise ValidationError({"bibtex": "Import at most 500 entries at a time."})
    with transaction.atomic():
        return [
            add_item(user, community, _from_reference(r, course), group=group)
            for r in refs
        ]


def import_doi(
    user: User,
    community: Community,
    doi: str,
    *,
    title: str,
    group: StudyGroup | None = None,
) -> LibraryItem:
    """Add an item from a typed DOI; there is no lookup, so the title is typed too."""
    try:
        clean = clean_doi(doi)
    except ValidationError as error:
        raise ValidationError({"doi": error.messages[0]}) from error
    return add_item(
        user, community, ItemFields(title=title or clean, doi=clean), group=group
    )


def delete_item(user: User, item: LibraryItem) -> None:
    """Remove an item: whoever added it, or a moderator of the community."""
    if not policy.can(user, Action.DELETE, item):
        raise PermissionDenied("Only whoever added it or a moderator can remove it.")
    with transaction.atomic():
        if item.file:
            item.file.delete(save=False)
        item.delete()


def toggle_useful(user: User, item: LibraryItem) -> bool:
    """Mark the item useful, or take the mark back; return whether it is marked."""
    if not policy.can(user, Action.TAKE_PART, item):
        raise PermissionDenied("Join the community to rate resources.")
    with transaction.atomic():
        deleted, _ = UsefulMark.objects.filter(item=item, user=user).delete()
        if deleted:
            LibraryItem.objects.filter(pk=item.pk).update(
                useful_count=F("useful_count") - 1
            )
            return False
        try:
            with transaction.atomic():
                UsefulMark.objects.create(item=item, user=user)
        except IntegrityError:
            return True
        LibraryItem.objects.filter(pk=item.pk).update(
            useful_count=F("useful_count") + 1
        )
        return True


def comment_on_item(user: User, item: LibraryItem, *, body: str) -> LibraryComment:
    """Comment on a library item."""
    if not policy.can(user, Action.TAKE_PART, item):
        raise PermissionDenied("Join the community to comment.")
    body = clean_text(body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    if len(body) > 5000:
        raise ValidationError({"body": "Use at most 5,000 characters."})
    with transaction.atomic():
        comment = LibraryComment.objects.create(item=item, author=user, body=body)
        LibraryItem.objects.filter(pk=item.pk).update(
            comment_count=F("comment_count") + 1
        )
    return comment


def toggle_reading_list(user: User, item: LibraryItem) -> bool:
    """Save the item to the person's reading list, or take it off."""
    if not policy.can(user, Action.VIEW, item) or not user.is_authenticated:
        raise PermissionDenied("Log in to keep a reading list.")
    deleted, _ = ReadingListEntry.objects.filter(item=item, user=user).delete()
    if deleted:
        return False
    ReadingListEntry.objects.get_or_create(item=item, user=user)
    return True


def recommend(user: User, item: LibraryItem, *, course: str) -> Recommendation:
    """Mark the item recommended for a course (instructors and owners)."""
    if not policy.can(user, Action.RECOMMEND, item):
        raise PermissionDenied("Only instructors can recommend resources.")
    course = clean_text(course or item.course or "").strip()[:80]
    if not course:
        raise ValidationError({"course": "Name the course it is recommended for."})
    with transaction.atomic():
        rec, created = Recommendation.objects.get_or_create(
            item=item, course=course, defaults={"recommended_by": user}
        )
        if not created:
            raise DomainError(
                f"Already recommended for {course}.", code="already_recommended"
            )
        LibraryItem.objects.filter(pk=item.pk).update(
            recommended_count=F("recommended_count") + 1
        )
    return rec


def unrecommend(user: User, item: LibraryItem, *, course: str) -> None:
    """Take back a recommendation for a course."""
    if not policy.can(user, Action.RECOMMEND, item):
        raise PermissionDenied("Only instructors can recommend resources.")
    with transaction.atomic():
        deleted, _ = Recommendation.objects.filter(item=item, course=course).delete()
        if deleted:
            LibraryItem.objects.filter(pk=item.pk).update(
                recommended_count=F("recommended_count") - 1
            )
