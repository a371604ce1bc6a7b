"""Threads, replies (posts), accepted answers, endorsements and reactions."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from studyhall import policy
from studyhall.api import present, schemas
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import ID_MAX, Cursor, Id, Limit
from studyhall.api.schemas import ERRORS, ThreadFilter, ThreadSort
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.discussions import selectors, services
from studyhall.discussions.models import Category, Post, Reaction, Thread
from studyhall.policy import Action

router = Router(tags=["threads"])


def _category(user: Any, community: Any, slug: str | None) -> Category | None:
    if not slug:
        return None
    category = policy.visible(
        user, Category.objects.filter(community=community, slug=slug)
    ).first()
    if category is None:
        raise ValidationError(
            {"category": "This community has no category by that slug."}
        )
    return category


def _opening_post(thread: Thread) -> Post:
    post = Post.objects.select_related("author").get(thread=thread, number=1)
    post.thread = thread
    return post


def _reply_out(user: Any, post: Post) -> schemas.ReplyOut:
    thread = post.thread
    read_number = present.read_number_for(user, thread)
    return present.reply_outs(user, thread, [post], read_number=read_number)[0]


def _visible_post(user: Any, post_id: int) -> Post:
    """Return the post like selectors.visible_post, with its reply_to author loaded."""
    post = selectors.visible_post(user, post_id)
    if post.reply_to_id is not None:
        post.reply_to = (
            Post.objects.select_related("author").filter(pk=post.reply_to_id).first()
        )
    return post


# --- threads ------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/threads",
    response={200: schemas.ThreadList, **ERRORS},
    auth=ANYONE,
)
def list_threads(
    request: HttpRequest,
    slug: str,
    filter: Annotated[ThreadFilter, Query(description="As on the page.")] = "all",
    sort: Annotated[ThreadSort, Query(description="As on the page.")] = "active",
    category: Annotated[str | None, Query(description="A category slug.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """List the community's threads, as the thread list page does."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    threads = selectors.threads_for(
        user,
        community,
        filter=filter,
        sort=sort,
        category=_category(user, community, category),
    )
    page = keyset_page(threads, scope=f"threads:{sort}", cursor=cursor, limit=limit)
    items = []
    for thread in page.items:
        thread.community = community
        items.append(present.thread_summary_out(user, thread))
    return {"items": items, "next_cursor": page.next_cursor}


@router.post(
    "/communities/{slug}/threads",
    response={201: schemas.ThreadOut, **ERRORS},
    auth=SIGNED_IN,
)
def create_thread(request: HttpRequest, slug: str, payload: schemas.ThreadIn) -> Any:
    """Start a question, discussion or announcement."""
    user = viewer(request)
    community = selectors.visible_community(user, slug)
    thread = services.create_thread(
        user,
        community,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        category=_category(user, community, payload.category),
        is_anonymous=payload.is_anonymous,
        is_pinned=payload.is_pinned,
    )
    return Status(
        201, present.thread_out(user, selectors.visible_thread(user, thread.pk))
    )


@router.get(
    "/threads/{thread_id}", response={200: schemas.ThreadOut, **ERRORS}, auth=ANYONE
)
def get_thread(request: HttpRequest, thread_id: Id) -> Any:
    """Show a thread with its opening post and accepted answer."""
    user = viewer(request)
    return present.thread_out(user, selectors.visible_thread(user, thread_id))


@router.patch(
    "/threads/{thread_id}", response={200: schemas.ThreadOut, **ERRORS}, auth=SIGNED_IN
)
def update_thread(
    request: HttpRequest, payload: schemas.ThreadUpdateIn, thread_id: Id
) -> Any:
    """Edit the title or opening post, or pin and unpin the thread (staff)."""
    user = viewer(request)
    thread = selectors.visible_thread(user, thread_id)
    if payload.title is not None or payload.body is not None:
        opening = _opening_post(thread)
        body = payload.body if payload.body is not None else opening.body
        services.edit_post(user, opening, body=body, title=payload.title)
    if payload.is_pinned is not None and payload.is_pinned != thread.is_pinned:
        services.set_pinned(user, thread, pinned=payload.is_pinned)
    return present.thread_out(user, selectors.visible_thread(user, thread_id))


@router.delete("/threads/{thread_id}", response={204: None, **ERRORS}, auth=SIGNED_IN)
def delete_thread(request: HttpRequest, thread_id: Id) -> Any:
    """Delete the thread (its author or a moderator)."""
    user = viewer(request)
    thread = selectors.visible_thread(user, thread_id)
    services.delete_post(user, _opening_post(thread))
    return Status(204, None)


@router.delete(
    "/threads/{thread_id}/accepted",
    response={200: schemas.ThreadOut, **ERRORS},
    auth=SIGNED_IN,
)
def clear_accepted_answer(request: HttpRequest, thread_id: Id) -> Any:
    """Clear the question's accepted answer."""
    user = viewer(request)
    thread = selectors.visible_thread(user, thread_id)
    services.unaccept_answer(user, thread)
    return present.thread_out(user, selectors.visible_thread(user, thread_id))


# --- replies ----------------------------------------------------------------------


@router.get(
    "/threads/{thread_id}/replies",
    response={200: schemas.ReplyList, **ERRORS},
    auth=ANYONE,
)
def list_replies(
    request: HttpRequest,
    thread_id: Id,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """List the thread's replies in order (post numbers 2 and up)."""
    user = viewer(request)
    thread = selectors.visible_thread(user, thread_id)
    posts = (
        Post.objects.filter(thread=thread, number__gt=1)
        .select_related("author", "reply_to__author")
        .order_by("number", "pk")
    )
    page = keyset_page(posts, scope="replies", cursor=cursor, limit=limit)
    read_number = present.read_number_for(user, thread)
    return {
        "items": present.reply_outs(user, thread, page.items, read_number=read_number),
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/threads/{thread_id}/replies",
    response={201: schemas.ReplyOut, **ERRORS},
    auth=SIGNED_IN,
)
def create_reply(request: HttpRequest, payload: schemas.ReplyIn, thread_id: Id) -> Any:
    """Reply at the end of the thread, optionally to an earlier post."""
    user = viewer(request)
    thread = selectors.visible_thread(user, thread_id)
    reply_to = None
    if payload.reply_to is not None:
        reply_to = (
            Post.objects.select_related("author")
            .filter(pk=payload.reply_to, thread=thread)
            .first()
            if 0 < payload.reply_to <= ID_MAX
            else None
        )
        if reply_to is None:
            raise ValidationError(
                {"reply_to": "You can only reply to a post in this thread."}
            )
    post = services.create_reply(
        user,
        thread,
        body=payload.body,
        reply_to=reply_to,
        is_anonymous=payload.is_anonymous,
    )
    post.author = user
    post.reply_to = reply_to
    return Status(201, _reply_out(user, post))


@router.get(
    "/replies/{reply_id}", response={200: schemas.ReplyOut, **ERRORS}, auth=ANYONE
)
def get_reply(request: HttpRequest, reply_id: Id) -> Any:
    """Show one post of a thread by id (number 1 is the opening post)."""
    user = viewer(request)
    return _reply_out(user, _visible_post(user, reply_id))


@router.patch(
    "/replies/{reply_id}", response={200: schemas.ReplyOut, **ERRORS}, auth=SIGNED_IN
)
def update_reply(
    request: HttpRequest, payload: schemas.ReplyUpdateIn, reply_id: Id
) -> Any:
    """Edit a post's text (its author or a moderator)."""
    user = viewer(request)
    post = services.edit_post(user, _visible_post(user, reply_id), body=payload.body)
    return _reply_out(user, post)


@router.delete("/replies/{reply_id}", response={204: None, **ERRORS}, auth=SIGNED_IN)
def delete_reply(request: HttpRequest, reply_id: Id) -> Any:
    """Delete a post; deleting the opening post deletes the thread."""
    user = viewer(request)
    services.delete_post(user, selectors.visible_post(user, reply_id))
    return Status(204, None)


@router.post(
    "/replies/{reply_id}/accept",
    response={200: schemas.ThreadOut, **ERRORS},
    auth=SIGNED_IN,
)
def accept_reply(request: HttpRequest, reply_id: Id) -> Any:
    """Accept the reply as the question's answer, replacing any earlier one."""
    user = viewer(request)
    post = selectors.visible_post(user, reply_id)
    services.accept_answer(user, post)
    return present.thread_out(user, selectors.visible_thread(user, post.thread_id))


@router.post(
    "/replies/{reply_id}/endorsement",
    response={200: schemas.ReplyOut, **ERRORS},
    auth=SIGNED_IN,
)
def endorse_reply(request: HttpRequest, reply_id: Id) -> Any:
    """Endorse the post (instructors and owners)."""
    user = viewer(request)
    post = services.endorse_post(user, _visible_post(user, reply_id), endorse=True)
    return _reply_out(user, post)


@router.delete(
    "/replies/{reply_id}/endorsement",
    response={200: schemas.ReplyOut, **ERRORS},
    auth=SIGNED_IN,
)
def withdraw_endorsement(request: HttpRequest, reply_id: Id) -> Any:
    """Withdraw an endorsement of the post."""
    user = viewer(request)
    post = services.endorse_post(user, _visible_post(user, reply_id), endorse=False)
    return _reply_out(user, post)


def _set_reaction(user: Any, post: Post, kind: str, *, on: bool) -> None:
    """Make the person's reaction of this kind be on or off, whatever it was."""
    if kind not in Reaction.Kind.values:
        raise ValidationError(
            {"kind": "Choose one of: " + ", ".join(Reaction.Kind.values)}
        )
    # Fail early, so taking back a reaction one may not give is refused too.
    if not policy.can(user, Action.REACT, post):
        raise PermissionDenied("You cannot react to this post.")
    is_on = Reaction.objects.filter(post=post, user=user, kind=kind).exists()
    # toggle_reaction flips the state; a concurrent flip between the check
    # and the call is undone by the second call.
    for _ in range(2):
        if is_on == on:
            return
        is_on = services.toggle_reaction(user, post, kind=kind)


@router.put(
    "/replies/{reply_id}/reactions/{kind}",
    response={200: schemas.ReplyOut, **ERRORS},
    auth=SIGNED_IN,
)
def add_reaction(request: HttpRequest, kind: str, reply_id: Id) -> Any:
    """Add your reaction of this kind (thanks, plus_one, insightful); idempotent."""
    user = viewer(request)
    post = _visible_post(user, reply_id)
    _set_reaction(user, post, kind, on=True)
    return _reply_out(user, post)


@router.delete(
    "/replies/{reply_id}/reactions/{kind}",
    response={200: schemas.ReplyOut, **ERRORS},
    auth=SIGNED_IN,
)
def remove_reaction(request: HttpRequest, kind: str, reply_id: Id) -> Any:
    """Take back your reaction of this kind; idempotent."""
    user = viewer(request)
    post = _visible_post(user, reply_id)
    _set_reaction(user, post, kind, on=False)
    return _reply_out(user, post)
