"""Write a demo plan to the database.

Why rows in bulk rather than the services: the services stamp every write with
the current time, so content could not be spread over a fixed term and two
seeds would differ, and each post would also store events on its streams that
no page ever subscribed to. Measured on SQLite, `create_reply` costs about
8 ms a post against 2 ms for rendering alone. So the loader builds rows
directly, but keeps the two things the services guarantee that matter here:
every body is rendered by `discussions.services.render_body` (the stored HTML
is exactly what a real post would store), and every counter (reply, reaction
and thread counts, last post number, endorsed flag, accepted answer, member
count) is computed from the same plan as the rows it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from studyhall.accounts.models import User
from studyhall.communities.models import Community, Membership
from studyhall.core.demo.cast import DEMO_PASSWORD
from studyhall.core.demo.catalogue import COMMUNITIES
from studyhall.core.demo.plan import (
    COMMUNITIES_CREATED,
    TERM_START,
    DemoPlan,
    ThreadPlan,
)
from studyhall.discussions.models import (
    Category,
    Post,
    PostRevision,
    Reaction,
    ReadMark,
    Thread,
)
from studyhall.discussions.services import render_body

BATCH_SIZE = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LoadSummary:
    people: int
    communities: int
    memberships: int
    threads: int
    replies: int
    reactions: int


def load_plan(plan: DemoPlan, *, progress: Progress | None = None) -> LoadSummary:
    """Write every row of the plan; must run inside a transaction.

    progress(done, total) is called as post bodies are rendered, the slow part.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("load_plan() must run inside a transaction")
    users = _create_users(plan)
    communities, categories = _create_communities(plan)
    _create_memberships(plan, users, communities)
    threads = _create_threads(plan, users, communities, categories)
    posts = _create_posts(plan, users, threads, progress)
    _link_posts(plan, threads, posts)
    reactions = _create_reactions(plan, users, posts)
    _create_read_marks(plan, users, threads)
    return LoadSummary(
        people=len(users),
        communities=len(communities),
        memberships=sum(1 for m in plan.memberships if m.status == "active"),
        threads=len(threads),
        replies=len(posts) - len(threads),
        reactions=reactions,
    )


def _create_users(plan: DemoPlan) -> list[User]:
    # One hash for everyone: hashing the shared password sixty times with
    # Argon2 would take seconds and give the same login.
    password = make_password(DEMO_PASSWORD)
    first_joined: dict[int, datetime] = {}
    for membership in plan.memberships:
        known = first_joined.get(membership.person, membership.joined_at)
        first_joined[membership.person] = min(known, membership.joined_at)
    users = []
    for index, person in enumerate(plan.people):
        joined = first_joined.get(index, TERM_START - timedelta(days=7))
        joined -= timedelta(days=1 if person.is_admin else 0, hours=2)
        users.append(
            User(
                email=person.email,
                handle=person.handle,
                display_name=person.display_name,
                password=password,
                is_staff=person.is_admin,
                is_superuser=person.is_admin,
                date_joined=joined,
                email_verified_at=joined + timedelta(minutes=4),
            )
        )
    return User.objects.bulk_create(users)


def _create_communities(plan: DemoPlan) -> tuple[list[Community], list[list[Category]]]:
    active = [m for m in plan.memberships if m.status == Membership.Status.ACTIVE]
    communities = Community.objects.bulk_create(
        Community(
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            kind=spec.kind,
            visibility=spec.visibility,
            joining=spec.joining,
            anonymity=spec.anonymity,
            created_at=COMMUNITIES_CREATED + timedelta(days=c),
            member_count=sum(1 for m in active if m.community == c),
            thread_count=sum(1 for t in plan.threads if t.community == c),
        )
        for c, spec in enumerate(COMMUNITIES)
    )
    rows = Category.objects.bulk_create(
        Category(
            community=community,
            name=category.name,
            slug=category.slug,
            description=category.description,
            position=position,
            anonymity=category.anonymity,
        )
        for community, spec in zip(communities, COMMUNITIES, strict=True)
        for position, category in enumerate(spec.categories)
    )
    categories: list[list[Category]] = [[] for _ in communities]
    for row, community_index in zip(
        rows,
        [c for c, spec in enumerate(COMMUNITIES) for _ in spec.categories],
        strict=True,
    ):
        categories[community_index].append(row)
    return communities, categories


def _create_memberships(
    plan: DemoPlan, users: list[User], communities: list[Community]
) -> None:
    Membership.objects.bulk_create(
        Membership(
            community=communities[m.community],
            user=users[m.person],
            role=m.role,
            status=m.status,
            joined_at=m.joined_at,
        )
        for m in plan.memberships
    )


def _create_threads(
    plan: DemoPlan,
    users: list[User],
    communities: list[Community],
    categories: list[list[Category]],
) -> list[Thread]:
    rows = []
    for thread in plan.threads:
        live = thread.live_replies()
        rows.append(
            Thread(
                community=communities[thread.community],
                category=categories[thread.community][thread.category],
                author=users[thread.author],
                kind=thread.kind,
                title=thread.title,
                is_anonymous=thread.is_anonymous,
                is_pinned=thread.is_pinned,
                has_endorsed_reply=any(p.endorsed_at is not None for p in live),
                reply_count=len(live),
                reaction_count=sum(len(p.reactions) for p in thread.posts),
                last_post_number=len(thread.posts),
                created_at=thread.created_at,
                last_activity_at=thread.posts[-1].created_at,
            )
        )
    return Thread.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _create_posts(
    plan: DemoPlan,
    users: list[User],
    threads: list[Thread],
    progress: Progress | None,
) -> list[Post]:
    """Render and insert every post, and the revisions of edited ones."""
    total = plan.post_count + sum(
        1 for t in plan.threads for p in t.posts if p.previous_body is not None
    )
    done = 0
    rows: list[Post] = []
    revisions: list[tuple[int, ThreadPlan, str, datetime]] = []
    for thread, row in zip(plan.threads, threads, strict=True):
        for post in thread.posts:
            rows.append(
                Post(
                    thread=row,
                    community_id=row.community_id,
                    author=users[post.author],
                    number=post.number,
                    is_anonymous=post.is_anonymous,
                    body=post.text.body,
                    body_html=render_body(post.text.body),
                    created_at=post.created_at,
                    edited_at=post.edited_at,
                    is_deleted=post.is_deleted,
                    deleted_at=post.deleted_at,
                    deleted_by=None
                    if post.deleted_by is None
                    else users[post.deleted_by],
                    endorsed_by=(
                        None if post.endorsed_by is None else users[post.endorsed_by]
                    ),
                    endorsed_at=post.endorsed_at,
                )
            )
            done += 1
            if post.previous_body is not None and post.edited_at is not None:
                revisions.append(
                    (len(rows) - 1, thread, post.previous_body, post.edited_at)
                )
            if progress is not None:
                progress(done, total)
    rows = Post.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    revision_rows = []
    for index, thread, previous, edited_at in revisions:
        edited = rows[index]
        revision_rows.append(
            PostRevision(
                post=edited,
                editor_id=edited.author_id,
                title=thread.title if edited.number == 1 else "",
                body=previous,
                body_html=render_body(previous),
                created_at=edited_at,
            )
        )
        done += 1
        if progress is not None:
            progress(done, total)
    PostRevision.objects.bulk_create(revision_rows, batch_size=BATCH_SIZE)
    return rows


def _post_index(plan: DemoPlan) -> list[int]:
    """Return, for each thread, the index of its opening post in the post rows."""
    starts, position = [], 0
    for thread in plan.threads:
        starts.append(position)
        position += len(thread.posts)
    return starts


def _link_posts(plan: DemoPlan, threads: list[Thread], posts: list[Post]) -> None:
    """Point replies at the posts they answer and threads at accepted answers.

    Done after the insert because a post's target gets its id in the same batch.
    """
    replies, accepted = [], []
    for start, thread, row in zip(
        _post_index(plan), plan.threads, threads, strict=True
    ):
        for post in thread.posts:
            if post.reply_to is not None:
                reply = posts[start + post.number - 1]
                reply.reply_to = posts[start + post.reply_to - 1]
                replies.append(reply)
        if thread.accepted is not None:
            row.accepted_post = posts[start + thread.accepted - 1]
            accepted.append(row)
    Post.objects.bulk_update(replies, ["reply_to"], batch_size=BATCH_SIZE)
    Thread.objects.bulk_update(accepted, ["accepted_post"], batch_size=BATCH_SIZE)


def _create_reactions(plan: DemoPlan, users: list[User], posts: list[Post]) -> int:
    rows: list[Reaction] = []
    for start, thread in zip(_post_index(plan), plan.threads, strict=True):
        for post in thread.posts:
            row = posts[start + post.number - 1]
            rows.extend(
                Reaction(
                    post=row,
                    user=users[reaction.user],
                    kind=reaction.kind,
                    created_at=reaction.created_at,
                )
                for reaction in post.reactions
            )
    Reaction.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _create_read_marks(
    plan: DemoPlan, users: list[User], threads: list[Thread]
) -> None:
    """Mark each thread read up to the last post its author wrote, as posting does."""
    rows: list[ReadMark] = []
    for thread, row in zip(plan.threads, threads, strict=True):
        last: dict[int, tuple[int, datetime]] = {}
        for post in thread.posts:
            last[post.author] = (post.number, post.created_at)
        rows.extend(
            ReadMark(
                user=users[author],
                thread=row,
                last_read_number=number,
                updated_at=moment,
            )
            for author, (number, moment) in last.items()
        )
    ReadMark.objects.bulk_create(rows, batch_size=BATCH_SIZE)
