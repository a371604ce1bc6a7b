"""Reads for the discussion boards, already filtered by the policy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404

from studyhall import policy
from studyhall.communities.models import Community, Membership, Role
from studyhall.core import sql
from studyhall.core.pagination import Page
from studyhall.discussions.models import (
    Category,
    Draft,
    Post,
    Reaction,
    ReadMark,
    Thread,
)
from studyhall.policy import Action, AuthorView

THREAD_FILTERS = {
    "all": "All",
    "questions": "Questions",
    "unanswered": "Unanswered",
    "answered": "Answered",
    "endorsed": "Endorsed",
    "discussions": "Discussions",
    "announcements": "Announcements",
    "unread": "Unread",
}
THREAD_SORTS = {
    "active": "Active",
    "new": "New",
    "top": "Top",
    "unanswered": "Unanswered",
}


# Every community page starts here: compiled once.
_community_by_slug = sql.Prepared(
    lambda slug: Community.objects.filter(slug=slug).order_by()[:1]
)


def visible_community(user: Any, slug: str) -> Community:
    """Return the community if the person may see it; otherwise raise Http404."""
    found = _community_by_slug(slug=slug) if slug else []
    community = found[0] if found else None
    if community is None or not policy.can(user, Action.VIEW, community):
        raise Http404("No community here.")
    return community


MAX_ID = 2**63 - 1  # no primary key is larger; bigger numbers in URLs find nothing

# Every thread page and thread action starts here: compiled once.
_thread_by_id = sql.Prepared(
    lambda pk: (
        Thread.objects.select_related("community", "category", "author")
        .filter(pk=pk)
        .order_by()[:1]
    )
)


def visible_thread(user: Any, thread_id: int) -> Thread:
    """Return a thread with its community and category if the person may see it."""
    found = _thread_by_id(pk=thread_id) if 0 < thread_id <= MAX_ID else []
    thread = found[0] if found else None
    if thread is None or not policy.can(user, Action.VIEW, thread):
        raise Http404("No thread here.")
    return thread


def visible_post(user: Any, post_id: int) -> Post:
    """Return a post with its thread, community and author if the person may see it."""
    post = (
        Post.objects.select_related("thread__community", "thread__category", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not policy.can(user, Action.VIEW, post):
        raise Http404("No post here.")
    return post


@dataclass
class ThreadRow:
    thread: Thread
    author: AuthorView
    is_unread: bool
    first_unread_number: int | None


def threads_for(
    user: Any,
    community: Community,
    *,
    filter: str = "all",
    sort: str = "active",
    category: Category | None = None,
) -> QuerySet[Thread]:
    """Return the community's threads the person may see, filtered and sorted."""
    return _threads(
        user,
        community.pk,
        filter=filter,
        sort=sort,
        category_id=category.pk if category is not None else None,
    )


def _threads(
    user: Any, community_id: int, *, filter: str, sort: str, category_id: int | None
) -> QuerySet[Thread]:
    threads = policy.visible(user, Thread.objects.filter(community_id=community_id))
    if category_id is not None:
        threads = threads.filter(category_id=category_id)
    question = Q(kind=Thread.Kind.QUESTION)
    if filter == "questions":
        threads = threads.filter(question)
    elif filter == "unanswered":
        threads = threads.filter(
            question, accepted_post__isnull=True, has_endorsed_reply=False
        )
    elif filter == "answered":
        threads = threads.filter(question, accepted_post__isnull=False)
    elif filter == "endorsed":
        threads = threads.filter(has_endorsed_reply=True)
    elif filter == "discussions":
        threads = threads.filter(kind=Thread.Kind.DISCUSSION)
    elif filter == "announcements":
        threads = threads.filter(kind=Thread.Kind.ANNOUNCEMENT)
    if user.is_authenticated:
        threads = threads.annotate(
            read_number=Coalesce(
                _read_number_subquery(user), Value(0), output_field=IntegerField()
            )
        )
        if filter == "unread":
            threads = threads.filter(last_post_number__gt=F("read_number"))
    order = {
        "active": ["-is_pinned", "-last_activity_at", "-pk"],
        "new": ["-is_pinned", "-created_at", "-pk"],
        "top": ["-reaction_count", "-reply_count", "-pk"],
        "unanswered": ["reply_count", "-created_at", "-pk"],
    }.get(sort, ["-is_pinned", "-last_activity_at", "-pk"])
    return threads.select_related("author", "category").order_by(*order)


def _read_number_subquery(user: Any) -> Subquery:
    return Subquery(
        ReadMark.objects.filter(user_id=user.pk, thread=OuterRef("pk")).values(
            "last_read_number"
        )[:1]
    )


def thread_list(
    user: Any,
    community: Community,
    *,
    filter: str = "all",
    sort: str = "active",
    category: Category | None = None,
    page: int = 1,
) -> Page[ThreadRow]:
    """Return one page of the thread list with authors resolved for this viewer.

    Both queries (the count and the page) are compiled once per viewer's
    policy snapshot, filter, sort and page (core.sql), then only run with the
    community and category: the list is the page every visit starts from.
    """
    fingerprint = policy.fingerprint(user)
    category_id = category.pk if category is not None else None
    values = {"community": community.pk}
    if category_id is not None:
        values["category"] = category_id

    def build(**given: int) -> QuerySet[Thread]:
        return _threads(
            user,
            given["community"],
            filter=filter,
            sort=sort,
            category_id=given.get("category"),
        )

    total = sql.count(
        ("thread-list-count", community.pk, category_id, filter, fingerprint),
        lambda: build(**values),
    )
    size = settings.PAGE_SIZE
    page_count = max(1, -(-total // size))
    number = min(max(page, 1), page_count)
    start = (number - 1) * size
    shape = (filter, sort, category_id is not None, fingerprint)
    threads: list[Thread] = sql.instances(
        ("thread-list", *shape, start, size),
        lambda **given: build(**given)[start : start + size],
        **values,
    )
    result = Page(items=threads, number=number, page_count=page_count, total=total)
    rows: list[ThreadRow] = []
    for thread in result.items:
        read_number = getattr(thread, "read_number", None)
        is_unread = read_number is not None and thread.last_post_number > read_number
        rows.append(
            ThreadRow(
                thread=thread,
                author=policy.author_for(user, thread),
                is_unread=is_unread,
                first_unread_number=(read_number + 1)
                if is_unread and read_number
                else None,
            )
        )
    return Page(
        items=rows,
        number=result.number,
        page_count=result.page_count,
        total=result.total,
    )


@dataclass(frozen=True)
class ReactionCount:
    kind: str
    label: str
    count: int
    is_mine: bool


def _reaction_counts(counts: dict[str, int], mine: set[str]) -> list[ReactionCount]:
    return [
        ReactionCount(kind, str(label), counts.get(kind, 0), kind in mine)
        for kind, label in Reaction.Kind.choices
    ]


@dataclass
class PostView:
    post: Post
    author: AuthorView
    reply_to_author: AuthorView | None
    reactions: list[ReactionCount] = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    can_react: bool = False
    can_endorse: bool = False
    can_accept: bool = False
    is_accepted: bool = False
    is_unread: bool = False
    can_read: bool = True
    can_flag: bool = False
    can_moderate: bool = False
    can_appeal: bool = False
    can_label: bool = False


# What a thread page shows each post's buttons for.
POST_PAGE_ACTIONS = (
    Action.EDIT,
    Action.DELETE,
    Action.REACT,
    Action.ENDORSE,
    Action.ACCEPT_ANSWER,
    Action.READ_TEXT,
    Action.FLAG,
    Action.APPEAL,
    Action.LABEL,
)


@dataclass
class ThreadPage:
    thread: Thread
    posts: Page[PostView]
    opening: PostView | None
    can_reply: bool
    can_pin: bool
    can_moderate: bool
    can_post_anonymously: bool
    first_unread_number: int | None
    draft: Draft | None
    accepted: PostView | None
    # The viewer's read mark before this view (None for visitors; 0 when never read).
    read_number: int | None = None


PAGE_POST_FIELDS = (
    "thread_id",
    "community_id",
    "author_id",
    "number",
    "is_anonymous",
    "body_html",
    "reply_to_id",
    "created_at",
    "edited_at",
    "is_deleted",
    "is_hidden",
    "endorsed_by_id",
    "endorsed_at",
    "label",
    "label_note",
    "author__display_name",
    "author__handle",
    "reply_to__number",
    "reply_to__is_anonymous",
    "reply_to__author_id",
    "reply_to__community_id",
    "reply_to__thread_id",
    "reply_to__author__display_name",
    "reply_to__author__handle",
    "endorsed_by__display_name",
)


# The page's posts and the accepted answer, wherever it is (no post has pk 0).
# Only the columns a post card shows: no Markdown source, no password hashes;
# a model instance per row still, for the policy's questions. Every thread
# page runs it, so it is compiled once (core.sql.Prepared).
_page_posts = sql.Prepared(
    lambda thread, start, end, accepted: (
        Post.objects.filter(thread_id=thread)
        .filter(Q(number__gt=start, number__lte=end) | Q(pk=accepted))
        .select_related("author", "reply_to__author", "endorsed_by")
        .only(*PAGE_POST_FIELDS)
        .order_by("number")
    )
)


_read_mark = sql.Prepared(
    lambda thread, user: (
        ReadMark.objects.filter(thread_id=thread, user_id=user)
        .order_by()
        .values_list("last_read_number", flat=True)[:1]
    )
)
# A reply composer's draft is keyed "reply:<thread id>".
_reply_draft = sql.Prepared(
    lambda user, thread: (
        Draft.objects.filter(user_id=user)
        .filter(key=Concat(Value("reply:"), Cast(Value(thread), CharField())))
        .order_by()[:1]
    )
)


def thread_page(user: Any, thread: Thread, *, page: int = 1) -> ThreadPage:
    """Return one page of a thread's posts with what this viewer may do to each.

    The query count does not depend on the number of posts, reactions or
    readers: one query for the page's posts with their authors, one for the
    reaction counts with the viewer's own reactions, one for staff badges.
    """
    size = settings.PAGE_SIZE
    total = thread.last_post_number
    page_count = max(1, -(-total // size))
    number = min(max(page, 1), page_count)
    # Posts are numbered 1..last_post_number without gaps (deletion is soft),
    # so a page is a range of numbers; the accepted answer, wherever it is,
    # comes in the same query.
    start = (number - 1) * size
    accepted_id = thread.accepted_post_id
    rows: list[Post] = _page_posts(
        thread=thread.pk, start=start, end=start + size, accepted=accepted_id or 0
    )
    items = [p for p in rows if start < p.number <= start + size]
    accepted_extra = [p for p in rows if not start < p.number <= start + size]
    result = Page(items=items, number=number, page_count=page_count, total=total)
    extras = _page_extras(user, thread, rows, start=start, end=start + size)
    read_number = None
    draft = None
    if user.is_authenticated:
        marks = _read_mark(thread=thread.pk, user=user.pk)
        read_number = marks[0] if marks else 0
        drafts = _reply_draft(user=user.pk, thread=thread.pk)
        draft = drafts[0] if drafts else None
    can_accept_thread = policy.can(user, Action.ACCEPT_ANSWER, thread)
    can_moderate = policy.can(user, Action.MODERATE, thread)
    for post in rows:
        post.thread = thread
        if post.reply_to is not None:
            post.reply_to.thread = thread
    allowed = dict(
        zip(
            [p.pk for p in rows],
            policy.post_permissions(user, rows, POST_PAGE_ACTIONS),
            strict=True,
        )
    )

    def view(post: Post) -> PostView:
        reply_to = post.reply_to
        may = allowed[post.pk]
        return PostView(
            post=post,
            author=policy.author_for(user, post, extras.roles.get(post.author_id)),
            reply_to_author=policy.author_for(user, reply_to) if reply_to else None,
            reactions=_reaction_counts(
                extras.counts.get(post.pk, {}), extras.mine.get(post.pk, set())
            ),
            can_edit=may[Action.EDIT],
            can_delete=may[Action.DELETE],
            can_react=may[Action.REACT],
            can_endorse=may[Action.ENDORSE],
            can_accept=can_accept_thread and may[Action.ACCEPT_ANSWER],
            is_accepted=post.pk == accepted_id,
            is_unread=read_number is not None and post.number > read_number,
            can_read=may[Action.READ_TEXT],
            can_flag=may[Action.FLAG],
            can_moderate=can_moderate,
            can_appeal=may[Action.APPEAL],
            can_label=may[Action.LABEL],
        )

    views = [view(p) for p in result.items]
    by_id = {v.post.pk: v for v in views}
    accepted = by_id.get(accepted_id) if accepted_id else None
    if accepted is None and accepted_extra:
        accepted = view(accepted_extra[0])
    opening = views[0] if views and views[0].post.number == 1 else None
    first_unread = None
    if (
        read_number is not None
        and read_number < thread.last_post_number
        and read_number
    ):
        first_unread = read_number + 1
    return ThreadPage(
        thread=thread,
        posts=Page(views, result.number, result.page_count, result.total),
        opening=opening,
        can_reply=policy.can(user, Action.REPLY, thread),
        can_pin=policy.can(user, Action.PIN_THREAD, thread),
        can_moderate=can_moderate,
        can_post_anonymously=policy.can(user, Action.POST_ANONYMOUSLY, thread),
        first_unread_number=first_unread,
        draft=draft,
        accepted=accepted if accepted and accepted.post.number != 1 else None,
        read_number=read_number,
    )


@dataclass
class PostExtras:
    """What a list of posts shows beside each post, loaded in at most two queries."""

    counts: dict[int, dict[str, int]]
    mine: dict[int, set[str]]
    roles: dict[int, str]


def post_extras(user: Any, community_id: int, posts: list[Post]) -> PostExtras:
    """Return reaction counts, the viewer's own reactions and the authors' staff
    roles (for badges) for posts of one community, in two queries; pages and
    the API share it."""
    ids = [p.pk for p in posts]
    if not ids:
        return PostExtras(defaultdict(dict), defaultdict(set), {})
    # One query for everyone's counts and the viewer's own reactions.
    rows = (
        Reaction.objects.filter(post_id__in=ids)
        .values_list("post_id", "kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=user.pk or 0)))
        .order_by()
    )
    staff = Membership.objects.filter(
        community_id=community_id,
        user_id__in={p.author_id for p in posts},
        status=Membership.Status.ACTIVE,
    ).exclude(role=Role.STUDENT)
    return _extras(rows, staff.values_list("user_id", "role"), posts)


def _extras(reactions: Any, staff: Any, posts: list[Post]) -> PostExtras:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    for post_id, kind, n, n_mine in reactions:
        counts[post_id][kind] = n
        if n_mine:
            mine[post_id].add(kind)
    authors = {p.author_id for p in posts}
    roles = {user_id: role for user_id, role in staff if user_id in authors}
    return PostExtras(counts, mine, roles)


# The same for a thread page, by the page's range of numbers and the accepted
# answer, so that the shape of the SQL is fixed and it compiles once.
_page_reactions = sql.Prepared(
    lambda thread, start, end, accepted, viewer: (
        Reaction.objects.filter(post__thread_id=thread)
        .filter(Q(post__number__gt=start, post__number__lte=end) | Q(post_id=accepted))
        .values_list("post_id", "kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=viewer)))
        .order_by()
    )
)
_community_staff = sql.Prepared(
    lambda community: (
        Membership.objects.filter(
            community_id=community, status=Membership.Status.ACTIVE
        )
        .exclude(role=Role.STUDENT)
        .values_list("user_id", "role")
    )
)


def _page_extras(
    user: Any, thread: Thread, posts: list[Post], *, start: int, end: int
) -> PostExtras:
    if not posts:
        return PostExtras(defaultdict(dict), defaultdict(set), {})
    reactions = _page_reactions(
        thread=thread.pk,
        start=start,
        end=end,
        accepted=thread.accepted_post_id or 0,
        viewer=user.pk or 0,
    )
    return _extras(reactions, _community_staff(community=thread.community_id), posts)


def page_of_post(number: int) -> int:
    """Return the page of a thread on which a post number appears."""
    return (max(number, 1) - 1) // settings.PAGE_SIZE + 1


def post_revisions(user: Any, post: Post) -> list[tuple[Any, AuthorView]]:
    """Return the post's earlier versions, newest first, with editors as this viewer sees them."""
    if not policy.can(user, Action.VIEW_HISTORY, post):
        raise Http404("No history here.")
    revisions = list(post.revisions.select_related("editor"))
    result = []
    for revision in revisions:
        if revision.editor_id == post.author_id:
            editor = policy.author_for(user, post)
        else:
            editor = AuthorView(name="A moderator", handle=None, is_anonymous=False)
            if policy.can(user, Action.SEE_ANONYMOUS_AUTHOR, post.thread):
                editor = AuthorView(
                    name=revision.editor.display_name,
                    handle=revision.editor.handle,
                    is_anonymous=False,
                )
        result.append((revision, editor))
    return result


def categories_for(user: Any, community: Community) -> list[Category]:
    """Return the community's categories the person may see (the community is
    already known visible; a hidden study group's board shows to its members only)."""
    categories: list[Category] = sql.instances(
        ("categories", policy.fingerprint(user)),
        lambda community: policy.visible(
            user, Category.objects.filter(community_id=community)
        ),
        community=community.pk,
    )
    return categories


def draft_for(user: Any, key: str) -> Draft | None:
    """Return the person's saved draft for a composer, if any."""
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(user_id=user.pk, key=key).first()
