"""Portfolio showcase items."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.core.markdown import render_markdown
from studyhall.core.text import clean_text
from studyhall.policy import Action
from studyhall.profiles.feed import record
from studyhall.profiles.images import showcase_file
from studyhall.profiles.models import FeedEntry, ShowcaseItem, Visibility
from studyhall.profiles.services.profile import _clean_link


def add_showcase_item(
    user: User,
    *,
    title: str,
    kind: str = ShowcaseItem.Kind.PROJECT,
    description: str = "",
    link: str = "",
    visibility: str = Visibility.COMMUNITIES,
    upload: UploadedFile | None = None,
) -> ShowcaseItem:
    """Add an item to the person's portfolio and tell their followers' feeds."""
    errors: dict[str, list[str]] = {}
    title = " ".join(clean_text(title or "").split())
    if not title:
        errors["title"] = ["Give the item a title."]
    elif len(title) > 120:
        errors["title"] = ["Use at most 120 characters."]
    description = clean_text(description or "").strip()
    if len(description) > 5000:
        errors["description"] = ["Use at most 5,000 characters."]
    if kind not in ShowcaseItem.Kind.values:
        errors["kind"] = ["Choose a kind of item."]
    if visibility not in Visibility.values:
        errors["visibility"] = ["Choose who may see this."]
    try:
        link = _clean_link(link, "link", None)
    except ValidationError as error:
        errors.update(error.message_dict)
    stored = None
    if upload is not None:
        try:
            stored, _ = showcase_file(upload)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = ShowcaseItem(
            owner=user,
            kind=kind,
            title=title,
            description=description,
            description_html=render_markdown(description) if description else "",
            link=link,
            visibility=visibility,
        )
        if stored is not None and upload is not None:
            item.file.save(stored.name or "file", stored, save=False)
            item.file_name = (upload.name or "file")[:120]
        item.save()
        record(FeedEntry.Kind.SHOWCASE, actor_id=user.pk, showcase=item)
    return item


def delete_showcase_item(user: User, item: ShowcaseItem) -> None:
    """Delete one of the person's own portfolio items and its file."""
    if not policy.can(user, Action.DELETE, item):
        raise PermissionDenied("You can only remove your own items.")
    name = item.file.name
    item.delete()
    if name:
        item.file.storage.delete(name)
