"""The resource library through the API, beyond the community listing in
api/groups.py: group shelves, BibTeX export, useful marks, comments, the
reading list and recommendations (removal sits beside GET /library/<id>).

Thin: the same services and selectors as the library pages; a group's shelf
answers 404 to everyone outside the group."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from studyhall.api.groups import ItemIn, ItemList, ItemOut, item_out
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions.selectors import visible_community
from studyhall.groups import selectors as groups
from studyhall.library import bibtex, selectors, services
from studyhall.library.models import ReadingListEntry, UsefulMark

router = Router(tags=["library"])


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: dt.datetime


class MarkOut(Schema):
    """Whether the mark (useful, on the reading list) is now on."""

    is_on: bool


class RecommendationOut(Schema):
    course: str


def _bibtex(rows: list[dict[str, object]], name: str) -> HttpResponse:
    response = HttpResponse(
        bibtex.to_bibtex(rows), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/groups/{group_id}/library", response={200: ItemList, **ERRORS}, auth=ANYONE
)
def list_shelf(
    request: HttpRequest,
    group_id: Id,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    tag: str = "",
    course: str = "",
) -> Any:
    """A group's shelf, newest first (members only)."""
    user = viewer(request)
    group = groups.group_space(user, group_id)
    items = selectors.shelf(
        user, group.community, group=group, sort="new", tag=tag, course=course
    )
    page = keyset_page(items, scope=f"shelf:{group.pk}", cursor=cursor, limit=limit)
    return {"items": [item_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/groups/{group_id}/library", response={201: ItemOut, **ERRORS}, auth=SIGNED_IN
)
def add_to_shelf(request: HttpRequest, group_id: Id, payload: ItemIn) -> Any:
    """Add an item to a group's shelf (members); a typed `doi` is kept as given."""
    user = viewer(request)
    group = groups.group_space(user, group_id)
    item = services.add_item(
        user, group.community, services.ItemFields(**payload.dict()), group=group
    )
    return Status(201, item_out(selectors.visible_item(user, item.pk)))


@router.get("/communities/{slug}/library/export.bib", auth=ANYONE)
def export_library(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's library as BibTeX."""
    user = viewer(request)
    community = visible_community(user, slug)
    rows = selectors.export_rows(selectors.shelf(user, community))
    return _bibtex(rows, f"{community.slug}-library.bib")


@router.get("/groups/{group_id}/library/export.bib", auth=ANYONE)
def export_shelf(request: HttpRequest, group_id: Id) -> HttpResponse:
    """A group's shelf as BibTeX (members only)."""
    user = viewer(request)
    group = groups.group_space(user, group_id)
    rows = selectors.export_rows(selectors.shelf(user, group.community, group=group))
    return _bibtex(rows, f"group-{group.pk}.bib")


def _set_mark(user: Any, item_id: int, model: Any, toggle: Any, on: bool) -> MarkOut:
    item = selectors.visible_item(user, item_id)
    is_on = model.objects.filter(item=item, user=user).exists()
    if is_on != on:
        is_on = toggle(user, item)
    return MarkOut(is_on=is_on)


@router.put(
    "/library/{item_id}/useful", response={200: MarkOut, **ERRORS}, auth=SIGNED_IN
)
def mark_useful(request: HttpRequest, item_id: Id) -> Any:
    """Mark the item useful (once per person)."""
    return _set_mark(viewer(request), item_id, UsefulMark, services.toggle_useful, True)


@router.delete(
    "/library/{item_id}/useful", response={200: MarkOut, **ERRORS}, auth=SIGNED_IN
)
def unmark_useful(request: HttpRequest, item_id: Id) -> Any:
    """Take back your useful mark."""
    return _set_mark(
        viewer(request), item_id, UsefulMark, services.toggle_useful, False
    )


@router.put(
    "/reading-list/{item_id}", response={200: MarkOut, **ERRORS}, auth=SIGNED_IN
)
def save_to_reading_list(request: HttpRequest, item_id: Id) -> Any:
    """Put the item on your reading list."""
    return _set_mark(
        viewer(request), item_id, ReadingListEntry, services.toggle_reading_list, True
    )


@router.delete(
    "/reading-list/{item_id}", response={200: MarkOut, **ERRORS}, auth=SIGNED_IN
)
def remove_from_reading_list(request: HttpRequest, item_id: Id) -> Any:
    """Take the item off your reading list."""
    return _set_mark(
        viewer(request), item_id, ReadingListEntry, services.toggle_reading_list, False
    )


@router.get("/reading-list", response={200: list[ItemOut], **ERRORS}, auth=SIGNED_IN)
def reading_list(request: HttpRequest) -> Any:
    """Your reading list: the saved items you may still see."""
    return [item_out(i) for i in selectors.reading_list(viewer(request))]


@router.get(
    "/library/{item_id}/comments",
    response={200: list[CommentOut], **ERRORS},
    auth=ANYONE,
)
def list_comments(request: HttpRequest, item_id: Id) -> Any:
    """The item's comments, oldest first."""
    item = selectors.visible_item(viewer(request), item_id)
    return [
        CommentOut(
            id=c.pk, author=c.author.display_name, body=c.body, created_at=c.created_at
        )
        for c in selectors.item_comments(item)[:500]
    ]


@router.post(
    "/library/{item_id}/comments", response={201: CommentOut, **ERRORS}, auth=SIGNED_IN
)
def comment(request: HttpRequest, item_id: Id, payload: CommentIn) -> Any:
    """Comment on an item."""
    user = viewer(request)
    made = services.comment_on_item(
        user, selectors.visible_item(user, item_id), body=payload.body
    )
    return Status(
        201,
        CommentOut(
            id=made.pk,
            author=user.display_name,
            body=made.body,
            created_at=made.created_at,
        ),
    )


@router.put(
    "/library/{item_id}/recommendations/{course}",
    response={200: RecommendationOut, **ERRORS},
    auth=SIGNED_IN,
)
def recommend(request: HttpRequest, item_id: Id, course: str) -> Any:
    """Mark the item recommended for a course (instructors and owners)."""
    user = viewer(request)
    rec = services.recommend(user, selectors.visible_item(user, item_id), course=course)
    return RecommendationOut(course=rec.course)


@router.delete(
    "/library/{item_id}/recommendations/{course}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
)
def unrecommend(request: HttpRequest, item_id: Id, course: str) -> Any:
    """Take back a recommendation for a course."""
    user = viewer(request)
    services.unrecommend(user, selectors.visible_item(user, item_id), course=course)
    return Status(204, None)
