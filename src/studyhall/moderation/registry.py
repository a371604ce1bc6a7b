"""The kinds of content that can be flagged, and how the queue shows each.

A flag names its content by kind and id. Each kind registers how to load its
items for a viewer, who wrote them, which community they belong to, how to
show them in the queue and how to hide, restore or delete them. Board posts
are registered here; chat messages, portfolio items and study groups in
moderation.kinds. Another app may register its own kind from its `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse

from studyhall import policy
from studyhall.policy import Action


@dataclass(frozen=True)
class ItemContext:
    """What the queue shows about one flagged item."""

    title: str
    excerpt_html: str
    url: str
    author_name: str
    is_hidden: bool
    is_deleted: bool
    where: str


@dataclass(frozen=True)
class ContentKind:
    name: str
    label: str
    # viewer, id -> the item if the viewer may see it, else raise Http404.
    get: Callable[[Any, int], Any]
    # ids -> {id: item}, loaded in a flat number of queries.
    load_many: Callable[[list[int]], dict[int, Any]]
    community_id: Callable[[Any], int]
    author_id: Callable[[Any], int]
    context: Callable[[Any, Any], ItemContext]
    # actor (None: automatic), item, hidden -> None; runs inside a transaction.
    set_hidden: Callable[[Any, Any, bool], None]
    delete: Callable[[Any, Any], None]
    is_hidden: Callable[[Any], bool]


KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    """Make a kind of content flaggable and moderatable."""
    KINDS[kind.name] = kind


def kind_named(name: str) -> ContentKind:
    """Return the registered kind, or raise Http404 for an unknown one."""
    kind = KINDS.get(name)
    if kind is None:
        raise Http404("No such kind of content.")
    return kind


# --- board posts ------------------------------------------------------------------


def _get_post(user: Any, pk: int) -> Any:
    from studyhall.discussions import selectors

    return selectors.visible_post(user, pk)


def _load_posts(ids: list[int]) -> dict[int, Any]:
    from studyhall.discussions.models import Post

    posts = Post.objects.filter(pk__in=ids).select_related(
        "author", "thread__community", "thread__category"
    )
    return {p.pk: p for p in posts}


def post_url(post: Any) -> str:
    """Return the address of a post on its thread's page."""
    from studyhall.discussions.selectors import page_of_post

    return (
        reverse("discussions:thread-detail", kwargs={"pk": post.thread_id})
        + f"?page={page_of_post(post.number)}#post-{post.number}"
    )


def _post_context(viewer: Any, post: Any) -> ItemContext:
    thread = post.thread
    where = "Opening post" if post.is_opening else f"Reply #{post.number - 1}"
    url = post_url(post)
    readable = policy.can(viewer, Action.READ_TEXT, post)
    return ItemContext(
        title=thread.title,
        excerpt_html=post.body_html if readable else "",
        url=url,
        author_name=policy.author_for(viewer, post).name,
        is_hidden=post.is_hidden,
        is_deleted=post.is_deleted,
        where=where,
    )


def _hide_post(actor: Any, post: Any, hidden: bool) -> None:
    from studyhall.discussions import services

    services.set_post_hidden(actor, post, hidden=hidden)


def _delete_post(actor: Any, post: Any) -> None:
    from studyhall.discussions import services

    services.delete_post(actor, post)


POST = ContentKind(
    name="post",
    label="Board post",
    get=_get_post,
    load_many=_load_posts,
    community_id=lambda post: post.community_id,
    author_id=lambda post: post.author_id,
    context=_post_context,
    set_hidden=_hide_post,
    delete=_delete_post,
    is_hidden=lambda post: post.is_hidden,
)


def register_builtin_kinds() -> None:
    """Register the kinds this project's own apps provide: board posts here,
    chat messages, portfolio items and study groups in moderation.kinds."""
    from studyhall.moderation import kinds

    for kind in (
        POST,
        kinds.MESSAGE,
        kinds.DIRECT_MESSAGE,
        kinds.PROFILE,
        kinds.SHOWCASE,
        kinds.GROUP,
    ):
        register(kind)
