"""Turn models into API output for one viewer, with a flat number of queries.

Authors always pass through `policy.author_for`; what a viewer may do comes
from `policy.can`, answered from the viewer's cached role snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from studyhall import policy
from studyhall.api import schemas
from studyhall.communities.models import Community, Membership
from studyhall.discussions.models import Category, Post, Reaction, ReadMark, Thread
from studyhall.discussions.selectors import post_extras
from studyhall.policy import Action, AuthorView


def author_out(view: AuthorView) -> schemas.AuthorOut:
    return schemas.AuthorOut(
        name=view.name,
        handle=view.handle,
        is_anonymous=view.is_anonymous,
        is_you=view.is_you,
        role=view.role,
    )


# --- communities -----------------------------------------------------------------


def community_out(user: Any, community: Community) -> schemas.CommunityOut:
    """Return a community with the viewer's role and what they may do there."""

    def may(action: Action) -> bool:
        return policy.can(user, action, community)

    role = policy.role_in(user, community)
    return schemas.CommunityOut(
        slug=community.slug,
        name=community.name,
        description=community.description,
        kind=community.kind,
        visibility=community.visibility,
        joining=community.joining,
        anonymity=community.anonymity,
        member_count=community.member_count,
        thread_count=community.thread_count,
        created_at=community.created_at,
        my_role=str(role) if role is not None else None,
        is_pending=policy.is_pending(user, community),
        permissions=schemas.CommunityPermissions(
            can_join=may(Action.JOIN),
            can_leave=may(Action.LEAVE),
            can_start_thread=may(Action.START_THREAD),
            can_start_announcement=may(Action.START_ANNOUNCEMENT),
            can_post_anonymously=may(Action.POST_ANONYMOUSLY),
            can_manage_categories=may(Action.MANAGE_CATEGORIES),
            can_manage_members=may(Action.MANAGE_MEMBERS),
            can_edit=may(Action.EDIT_COMMUNITY),
        ),
    )


def membership_out(membership: Membership) -> schemas.MembershipOut:
    """Return a membership; expects `membership.user` loaded with it."""
    return schemas.MembershipOut(
        id=membership.pk,
        member=schemas.MemberOut(
            handle=membership.user.handle, display_name=membership.user.display_name
        ),
        role=membership.role,
        status=membership.status,
        joined_at=membership.joined_at,
    )


def category_out(category: Category) -> schemas.CategoryOut:
    return schemas.CategoryOut(
        id=category.pk,
        slug=category.slug,
        name=category.name,
        description=category.description,
        anonymity=category.anonymity,
        position=category.position,
    )


# --- threads -----------------------------------------------------------------------


def thread_summary_out(user: Any, thread: Thread) -> schemas.ThreadSummaryOut:
    """Return a thread's list entry; expects author and category loaded with it.

    `is_unread` uses the `read_number` annotation of `selectors.threads_for`
    when present.
    """
    read_number = getattr(thread, "read_number", None)
    category = thread.category
    return schemas.ThreadSummaryOut(
        id=thread.pk,
        community=thread.community.slug,
        title=thread.title,
        kind=thread.kind,
        category=(
            schemas.CategoryRef(slug=category.slug, name=category.name)
            if category is not None
            else None
        ),
        author=author_out(policy.author_for(user, thread)),
        is_pinned=thread.is_pinned,
        is_deleted=thread.is_deleted,
        is_locked=thread.is_locked,
        is_answered=thread.is_answered,
        accepted_reply_id=thread.accepted_post_id,
        has_endorsed_reply=thread.has_endorsed_reply,
        reply_count=thread.reply_count,
        reaction_count=thread.reaction_count,
        last_post_number=thread.last_post_number,
        created_at=thread.created_at,
        last_activity_at=thread.last_activity_at,
        is_unread=(
            thread.last_post_number > read_number if read_number is not None else None
        ),
    )


def thread_out(user: Any, thread: Thread) -> schemas.ThreadOut:
    """Return a thread with its opening post and accepted answer for this viewer."""
    read_number = read_number_for(user, thread)
    if read_number is not None:
        thread.read_number = read_number  # type: ignore[attr-defined]
    wanted = Q(number=1)
    if thread.accepted_post_id:
        wanted |= Q(pk=thread.accepted_post_id)
    posts = list(
        Post.objects.filter(wanted, thread=thread)
        .select_related("author", "reply_to__author")
        .order_by("number")
    )
    outs = reply_outs(user, thread, posts, read_number=read_number)
    opening_post = posts[0]
    accepted = next(
        (out for out in outs[1:] if out.id == thread.accepted_post_id), None
    )

    def may(action: Action, obj: Thread | Post) -> bool:
        return policy.can(user, action, obj)

    return schemas.ThreadOut(
        **thread_summary_out(user, thread).model_dump(),
        opening_post=outs[0],
        accepted_reply=accepted,
        permissions=schemas.ThreadPermissions(
            can_reply=may(Action.REPLY, thread),
            can_edit=may(Action.EDIT, opening_post),
            can_delete=may(Action.DELETE, opening_post),
            can_pin=may(Action.PIN_THREAD, thread),
            can_post_anonymously=may(Action.POST_ANONYMOUSLY, thread),
            can_accept_answer=may(Action.ACCEPT_ANSWER, thread),
        ),
    )


# --- posts ------------------------------------------------------------------------


def read_number_for(user: Any, thread: Thread) -> int | None:
    """Return how far the person has read the thread, or None for anonymous readers."""
    if not user.is_authenticated:
        return None
    mark = (
        ReadMark.objects.filter(user_id=user.pk, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    )
    return mark or 0


def reply_outs(
    user: Any,
    thread: Thread,
    posts: Sequence[Post],
    *,
    read_number: int | None,
) -> list[schemas.ReplyOut]:
    """Return the posts of one thread as this viewer sees them.

    Expects each post's author and reply_to author loaded, and `read_number`
    from `read_number_for`. Costs at most three queries whatever the number
    of posts: reaction counts, the viewer's own reactions and staff roles
    for badges.
    """
    if not posts:
        return []
    extras = post_extras(user, thread.community_id, list(posts))
    can_accept_here = policy.can(user, Action.ACCEPT_ANSWER, thread)
    return [
        _reply_out(
            user,
            thread,
            post,
            counts=extras.counts.get(post.pk, {}),
            mine=extras.mine.get(post.pk, set()),
            role=extras.roles.get(post.author_id),
            can_accept_here=can_accept_here,
            read_number=read_number,
        )
        for post in posts
    ]


def _reply_out(
    user: Any,
    thread: Thread,
    post: Post,
    *,
    counts: dict[str, int],
    mine: set[str],
    role: str | None,
    can_accept_here: bool,
    read_number: int | None,
) -> schemas.ReplyOut:
    # Share the loaded thread so policy checks cost no query per post.
    post.thread = thread
    reply_to = post.reply_to
    if reply_to is not None:
        reply_to.thread = thread
    # A deleted or hidden post keeps its place in the thread; only moderators
    # (and, for a hidden post, its author) still read its text.
    shows_text = policy.can(user, Action.READ_TEXT, post)
    return schemas.ReplyOut(
        id=post.pk,
        thread_id=thread.pk,
        number=post.number,
        is_opening=post.is_opening,
        author=author_out(policy.author_for(user, post, role)),
        body=post.body if shows_text else "",
        body_html=post.body_html if shows_text else "",
        reply_to=(
            schemas.ReplyRef(
                id=reply_to.pk,
                number=reply_to.number,
                author=author_out(policy.author_for(user, reply_to)),
            )
            if reply_to is not None
            else None
        ),
        created_at=post.created_at,
        edited_at=post.edited_at,
        is_deleted=post.is_deleted,
        is_hidden=post.is_hidden,
        is_endorsed=post.is_endorsed,
        endorsed_at=post.endorsed_at,
        label=post.label,
        label_note=post.label_note,
        is_accepted=post.pk == thread.accepted_post_id,
        is_unread=None if read_number is None else post.number > read_number,
        reactions=[
            schemas.ReactionOut(
                kind=kind, count=counts.get(kind, 0), is_mine=kind in mine
            )
            for kind in Reaction.Kind.values
        ],
        permissions=schemas.ReplyPermissions(
            can_edit=policy.can(user, Action.EDIT, post),
            can_delete=policy.can(user, Action.DELETE, post),
            can_react=policy.can(user, Action.REACT, post),
            can_endorse=policy.can(user, Action.ENDORSE, post),
            can_accept=can_accept_here and policy.can(user, Action.ACCEPT_ANSWER, post),
        ),
    )
