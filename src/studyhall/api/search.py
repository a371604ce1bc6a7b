"""Search, similar questions, recommendations and merging duplicate threads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from studyhall.api import present
from studyhall.api.params import Id
from studyhall.api.schemas import ERRORS, AuthorOut
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions import selectors as discussions
from studyhall.search import recommend, selectors, services
from studyhall.search.forms import SearchForm

router = Router(tags=["search"])


class HitOut(Schema):
    kind: str = Field(
        description="The document kind: thread, reply, message, group, resource, "
        "person or opportunity."
    )
    id: int = Field(description="The id of the object (for a person, the user id).")
    url: str
    title: str
    title_html: str = Field(description="The title, escaped, matches in <mark>.")
    snippet_html: str = Field(description="Matching text, escaped, matches in <mark>.")
    community: str
    author: AuthorOut | None
    created_at: datetime
    is_question: bool
    is_answered: bool
    has_code: bool
    why: list[str] = Field(default_factory=list)


class SearchOut(Schema):
    items: list[HitOut]
    page: int
    page_count: int
    total: int = Field(description="Matches, counted up to 1,000.")
    total_is_capped: bool = Field(description="True when more than 1,000 match.")


class SimilarOut(Schema):
    items: list[HitOut]


class PersonOut(Schema):
    handle: str
    display_name: str
    why: str


class RecommendationsOut(Schema):
    threads: list[HitOut]
    groups: list[HitOut]
    resources: list[HitOut]
    people: list[PersonOut]


class MergeIn(Schema):
    into: int = Field(ge=1, description="The id of the thread that keeps the answers.")


class MergeOut(Schema):
    thread: int
    into: int
    moved_count: int


def _hit_out(hit: selectors.Hit) -> HitOut:
    return HitOut(
        kind=hit.kind,
        id=hit.object_id,
        url=hit.url,
        title=hit.title,
        title_html=str(hit.title_html),
        snippet_html=str(hit.snippet_html),
        community=hit.community_name,
        author=present.author_out(hit.author) if hit.author else None,
        created_at=hit.created_at,
        is_question=hit.is_question,
        is_answered=hit.is_answered,
        has_code=hit.has_code,
        why=hit.why,
    )


@router.get("/search", response={200: SearchOut, **ERRORS}, auth=ANYONE)
def search(
    request: HttpRequest,
    q: Annotated[
        str, Query(max_length=300, description='Words; "phrases" in quotes.')
    ] = "",
    community: Annotated[str, Query(description="A community slug.")] = "",
    kind: Annotated[
        str,
        Query(
            description="thread, reply, message, group, resource, person or "
            "opportunity."
        ),
    ] = "",
    author: Annotated[str, Query(description="An author's handle.")] = "",
    after: Annotated[date | None, Query(description="Written on or after.")] = None,
    before: Annotated[date | None, Query(description="Written on or before.")] = None,
    answered: Annotated[str, Query(description="answered or unanswered.")] = "",
    has_code: Annotated[bool, Query(description="Only posts with code.")] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Any:
    """Search what the caller may read, best match first, 20 to a page."""
    user = viewer(request)
    data = {
        "q": q,
        "community": community,
        "kind": kind,
        "author": author,
        "after": after.isoformat() if after else "",
        "before": before.isoformat() if before else "",
        "answered": answered,
        "has_code": "on" if has_code else "",
    }
    form = SearchForm(data, user=user)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in errors] for name, errors in form.errors.items()}
        )
    result = selectors.search(user, form.filters(), page=page)
    return {
        "items": [_hit_out(h) for h in result.items],
        "page": result.number,
        "page_count": result.page_count,
        "total": min(result.total, selectors.MAX_COUNTED),
        "total_is_capped": result.total > selectors.MAX_COUNTED,
    }


@router.get("/search/similar", response={200: SimilarOut, **ERRORS}, auth=ANYONE)
def similar(
    request: HttpRequest,
    title: Annotated[str, Query(max_length=300)] = "",
    body: Annotated[str, Query(max_length=2000)] = "",
    community: Annotated[str, Query(description="Limit to a community slug.")] = "",
) -> Any:
    """Up to five threads like a draft question, answered ones first (the composer
    asks while a question is typed)."""
    user = viewer(request)
    place = discussions.visible_community(user, community) if community else None
    hits = selectors.similar_threads(user, title=title, body=body, community=place)
    return {"items": [_hit_out(h) for h in hits]}


@router.get(
    "/recommendations", response={200: RecommendationsOut, **ERRORS}, auth=SIGNED_IN
)
def recommendations(request: HttpRequest) -> Any:
    """Questions the caller could answer, study groups to join, resources to read
    and people to meet, each with why."""
    found = recommend.recommendations_for(viewer(request))
    return {
        "threads": [_hit_out(h) for h in found.threads],
        "groups": [_hit_out(h) for h in found.groups],
        "resources": [_hit_out(h) for h in found.resources],
        "people": [
            PersonOut(
                handle=s.person.handle, display_name=s.person.display_name, why=s.why
            )
            for s in found.people
        ],
    }


@router.post(
    "/threads/{thread_id}/merge", response={200: MergeOut, **ERRORS}, auth=SIGNED_IN
)
def merge(request: HttpRequest, payload: MergeIn, thread_id: Id) -> Any:
    """Merge a duplicate thread into another of its community (moderators)."""
    user = viewer(request)
    thread = discussions.visible_thread(user, thread_id)
    try:
        into = discussions.visible_thread(user, payload.into)
    except Http404 as error:
        raise ValidationError({"into": "There is no such thread."}) from error
    merged = services.merge_thread(user, thread, into=into)
    return MergeOut(thread=thread.pk, into=into.pk, moved_count=merged.moved_count)
