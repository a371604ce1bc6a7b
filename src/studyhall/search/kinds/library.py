"""Library resources as search documents; a group's shelf only for its members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse

from studyhall import policy
from studyhall.library.models import LibraryItem
from studyhall.search.models import Document
from studyhall.search.registry import DocumentKind, Entry, Shown, register

RESOURCE = "resource"


def resource_entries(ids: list[int]) -> dict[int, Entry | None]:
    """Return entries for library items: the title, then authors, summary,
    tags and course. policy.visible over library items decides who finds one."""
    items = {i.pk: i for i in LibraryItem.objects.filter(pk__in=ids)}
    result: dict[int, Entry | None] = {}
    for pk in ids:
        item = items.get(pk)
        if item is None:
            result[pk] = None
            continue
        parts = (
            item.authors,
            str(item.year or ""),
            item.summary,
            item.tags,
            item.course,
        )
        result[pk] = Entry(
            community_id=item.community_id,
            title=item.title,
            body=" · ".join(part for part in parts if part),
            created_at=item.created_at,
            author_id=item.added_by_id,
            scope=Document.Scope.LIBRARY,
            scope_id=item.pk,
        )
    return result


def resource_keys() -> Iterable[tuple[datetime, int]]:
    return LibraryItem.objects.values_list("created_at", "pk")


def show_resources(user: Any, ids: list[int]) -> dict[int, Shown]:
    """Load library items through the policy (one query) and say how to show each."""
    items = policy.visible(user, LibraryItem.objects.filter(pk__in=ids)).select_related(
        "community", "group"
    )
    return {
        i.pk: Shown(
            url=reverse("library:item-detail", kwargs={"pk": i.pk}),
            title=i.title,
            community_name=i.community.name,
            author=None,
            context=f"Resource on {i.group.name}'s shelf" if i.group else "Resource",
        )
        for i in items
    }


register(
    DocumentKind(
        name=RESOURCE,
        label="Library resources",
        singular="Resource",
        entries=resource_entries,
        all_keys=resource_keys,
        show=show_resources,
    )
)
