"""Reads for the resource library, already narrowed by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from studyhall import policy
from studyhall.communities.models import Community
from studyhall.core.text import parse_id
from studyhall.groups.models import StudyGroup
from studyhall.library.models import (
    LibraryComment,
    LibraryItem,
    ReadingListEntry,
    Recommendation,
    UsefulMark,
)
from studyhall.policy import Action

SORTS = {
    "recommended": ("-recommended_count", "-useful_count", "-created_at", "-pk"),
    "useful": ("-useful_count", "-created_at", "-pk"),
    "new": ("-created_at", "-pk"),
}


def shelf(
    user: Any,
    community: Community,
    *,
    group: StudyGroup | None = None,
    sort: str = "recommended",
    tag: str = "",
    course: str = "",
) -> QuerySet[LibraryItem]:
    """Return the items of the community's library (or a group's shelf), sorted."""
    items = policy.visible(user, LibraryItem.objects.filter(community=community))
    items = (
        items.filter(group=group)
        if group is not None
        else items.filter(group__isnull=True)
    )
    if tag:
        items = items.filter(tags__icontains=tag)
    if course:
        items = items.filter(course__iexact=course)
    items = items.select_related("added_by").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("course"))
    )
    if user.is_authenticated:
        items = items.annotate(
            is_useful_to_me=Exists(
                UsefulMark.objects.filter(item=OuterRef("pk"), user=user)
            ),
            is_on_my_list=Exists(
                ReadingListEntry.objects.filter(item=OuterRef("pk"), user=user)
            ),
        )
    return items.order_by(*SORTS.get(sort, SORTS["recommended"]))


def visible_item(user: Any, pk: Any) -> LibraryItem:
    """Return the item if the person may see it, else raise Http404."""
    ident = parse_id(str(pk))
    item = (
        LibraryItem.objects.select_related("community", "group", "added_by")
        .filter(pk=ident)
        .first()
        if ident
        else None
    )
    if item is None or not policy.can(user, Action.VIEW, item):
        raise Http404("No such item.")
    return item


def item_comments(item: LibraryItem) -> QuerySet[LibraryComment]:
    return item.comments.select_related("author")


def reading_list(user: Any) -> list[LibraryItem]:
    """Return the items on the person's reading list that they may still see."""
    if not user.is_authenticated:
        return []
    return list(
        policy.visible(
            user,
            LibraryItem.objects.filter(
                pk__in=ReadingListEntry.objects.filter(user=user).values("item_id")
            ),
        ).select_related("community", "group")
    )


def export_rows(items: QuerySet[LibraryItem]) -> list[dict[str, object]]:
    return [
        dict(row)
        for row in items.values(
            "pk", "kind", "title", "authors", "year", "doi", "url", "tags", "bibtex_key"
        )
    ]


def citation_resolver(community_id: int | None) -> Any:
    """Return a function that maps a cited item id to (title, url) for link cards.

    Only items of the community's own library resolve: every reader of a post
    may see those, while group shelves stay private to their members."""
    cache: dict[int, tuple[str, str] | None] = {}

    def resolve(pk: int) -> tuple[str, str] | None:
        if community_id is None:
            return None
        if pk not in cache:
            item = (
                LibraryItem.objects.filter(
                    pk=pk, community_id=community_id, group__isnull=True
                )
                .only("title", "authors", "year")
                .first()
            )
            cache[pk] = (
                None
                if item is None
                else (
                    _card_title(item),
                    reverse("library:item-detail", kwargs={"pk": item.pk}),
                )
            )
        return cache[pk]

    return resolve


def _card_title(item: LibraryItem) -> str:
    extra = ", ".join(str(x) for x in (item.authors.split(";")[0], item.year) if x)
    return f"{item.title} ({extra})" if extra else item.title
