"""Who may do what: the one place where access is decided.

Two forms of one rule live side by side: `can(user, action, obj)` for one
object and `visible(user, queryset)` for many. Roles and the matrix of what
each may do are defined here and nowhere else. A person's memberships are
loaded once and kept on the user object, so asking many questions about one
page costs one query.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from studyhall.communities.models import Community, Membership, Role
from studyhall.discussions.models import Category, Post, Thread

M = TypeVar("M", bound=Model)


class Action(enum.Enum):
    VIEW = "view"
    CREATE_COMMUNITY = "create_community"
    JOIN = "join"
    LEAVE = "leave"
    EDIT_COMMUNITY = "edit_community"
    MANAGE_MEMBERS = "manage_members"
    VIEW_MEMBERS = "view_members"
    MANAGE_CATEGORIES = "manage_categories"
    START_THREAD = "start_thread"
    START_ANNOUNCEMENT = "start_announcement"
    POST_ANONYMOUSLY = "post_anonymously"
    PIN_THREAD = "pin_thread"
    REPLY = "reply"
    EDIT = "edit"
    DELETE = "delete"
    VIEW_HISTORY = "view_history"
    ACCEPT_ANSWER = "accept_answer"
    ENDORSE = "endorse"
    REACT = "react"
    SEE_ANONYMOUS_AUTHOR = "see_anonymous_author"
    # Moderation (issue 7).
    READ_TEXT = "read_text"
    FLAG = "flag"
    MODERATE = "moderate"
    APPEAL = "appeal"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_MODERATION = "manage_moderation"
    LABEL = "label"


STAFF_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MODERATOR})
TEACHING_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR})
MODERATING_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MODERATOR})
ANONYMOUS_POSTER_ROLES = frozenset({Role.STUDENT})

# The role matrix: which community roles may take each community-level action.
ROLE_MATRIX: dict[Action, frozenset[Role]] = {
    Action.EDIT_COMMUNITY: frozenset({Role.OWNER}),
    Action.MANAGE_MEMBERS: frozenset({Role.OWNER}),
    Action.VIEW_MEMBERS: frozenset(Role),
    Action.MANAGE_CATEGORIES: frozenset({Role.OWNER, Role.INSTRUCTOR}),
    Action.START_THREAD: frozenset(Role),
    Action.START_ANNOUNCEMENT: TEACHING_ROLES,
    Action.PIN_THREAD: MODERATING_ROLES,
    Action.REPLY: frozenset(Role),
    Action.REACT: frozenset(Role),
    Action.ENDORSE: TEACHING_ROLES,
    Action.SEE_ANONYMOUS_AUTHOR: STAFF_ROLES,
    Action.VIEW_HISTORY: frozenset(Role),
    Action.FLAG: frozenset(Role),
    Action.MODERATE: MODERATING_ROLES,
    Action.VIEW_AUDIT_LOG: frozenset({Role.OWNER}),
    Action.MANAGE_MODERATION: frozenset({Role.OWNER}),
}

# What a muted member may still do; every other action is refused while muted.
MUTED_MAY = frozenset(
    {
        Action.VIEW,
        Action.VIEW_MEMBERS,
        Action.VIEW_HISTORY,
        Action.READ_TEXT,
        Action.SEE_ANONYMOUS_AUTHOR,
        Action.LEAVE,
        Action.APPEAL,
    }
)


@dataclass
class Snapshot:
    """A person's roles, loaded once: community id -> role for active memberships."""

    user_id: int | None
    is_superuser: bool = False
    is_verified: bool = False
    roles: dict[int, Role] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)
    # Communities where the person is muted (reads only), and where they are
    # suspended or banned (no role at all, and no rejoining).
    muted: set[int] = field(default_factory=set)
    barred: set[int] = field(default_factory=set)

    def role_in(self, community_id: int) -> Role | None:
        if self.is_superuser:
            return Role.OWNER
        return self.roles.get(community_id)


def snapshot(user: Any) -> Snapshot:
    """Return the person's role snapshot, loading it on first use (one query)."""
    cached = getattr(user, "_policy_snapshot", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        snap = Snapshot(user_id=None)
    else:
        snap = Snapshot(
            user_id=user.pk,
            is_superuser=user.is_superuser,
            is_verified=user.email_verified_at is not None,
        )
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "community_id",
            "role",
            "status",
            "muted_until",
            "suspended_until",
            "banned_at",
        )
        now = timezone.now()
        for community_id, role, status, muted, suspended, banned in rows:
            if banned is not None or (suspended is not None and suspended > now):
                snap.barred.add(community_id)
            elif status == Membership.Status.ACTIVE:
                snap.roles[community_id] = Role(role)
                if muted is not None and muted > now:
                    snap.muted.add(community_id)
            else:
                snap.pending.add(community_id)
    if user is not None:
        user._policy_snapshot = snap
    return snap


def forget(user: Any) -> None:
    """Drop a cached snapshot after the person's memberships changed."""
    if user is not None and hasattr(user, "_policy_snapshot"):
        del user._policy_snapshot


# --- one object ------------------------------------------------------------


def can(user: Any, action: Action, obj: Model | None = None) -> bool:
    """Return whether the person may take the action on the object.

    A muted member keeps only the reading actions in MUTED_MAY.
    """
    snap = snapshot(user)
    if snap.muted and action not in MUTED_MAY:
        community_id = _community_id_of(obj)
        if community_id in snap.muted:
            return False
    if isinstance(obj, Community):
        return _can_community(snap, action, obj)
    if isinstance(obj, Category):
        if action is Action.POST_ANONYMOUSLY:
            return _may_post_anonymously(snap, obj.community, obj)
        return _can_community(snap, action, obj.community)
    if isinstance(obj, Thread):
        return _can_thread(snap, action, obj)
    if isinstance(obj, Post):
        return _can_post(snap, action, obj)
    if obj is None and action is Action.CREATE_COMMUNITY:
        if snap.user_id is None or not snap.is_verified:
            return False
        return snap.is_superuser or bool(
            getattr(user, "is_staff", False)
            or settings.COMMUNITY_CREATORS == "verified"
        )
    raise TypeError(f"no rule for {action} on {type(obj).__name__}")


def _community_id_of(obj: Model | None) -> int | None:
    if isinstance(obj, Community):
        return obj.pk
    return getattr(obj, "community_id", None)


def _can_view_community(snap: Snapshot, community: Community) -> bool:
    if community.visibility != Community.Visibility.PRIVATE:
        return True
    return snap.role_in(community.pk) is not None


def _can_community(snap: Snapshot, action: Action, community: Community) -> bool:
    role = snap.role_in(community.pk)
    if action is Action.VIEW:
        return _can_view_community(snap, community)
    if action is Action.JOIN:
        return (
            snap.user_id is not None
            and snap.is_verified
            and community.pk not in snap.roles
            and community.pk not in snap.pending
            and community.pk not in snap.barred
            and _can_view_community(snap, community)
            and community.joining != Community.Joining.INVITE
        )
    if action is Action.LEAVE:
        return community.pk in snap.roles or community.pk in snap.pending
    if role is None or not snap.is_verified:
        return False
    if action is Action.POST_ANONYMOUSLY:
        return _may_post_anonymously(snap, community, None)
    allowed = ROLE_MATRIX.get(action)
    if allowed is None:
        raise TypeError(f"no rule for {action} on a community")
    return role in allowed


def _can_thread(snap: Snapshot, action: Action, thread: Thread) -> bool:
    community = thread.community
    if not _can_view_community(snap, community):
        return False
    role = snap.role_in(community.pk)
    if thread.is_deleted and (role not in MODERATING_ROLES):
        return False
    is_author = snap.user_id is not None and thread.author_id == snap.user_id
    if thread.is_hidden and role not in MODERATING_ROLES and not is_author:
        return False
    if action is Action.VIEW:
        return True
    if role is None or not snap.is_verified:
        return False
    if action is Action.REPLY:
        return not thread.is_deleted and (
            role in MODERATING_ROLES or not (thread.is_locked or thread.is_hidden)
        )
    if action is Action.MODERATE:
        return role in MODERATING_ROLES
    if action is Action.ACCEPT_ANSWER:
        return thread.is_question and (
            thread.author_id == snap.user_id or role in TEACHING_ROLES
        )
    if action is Action.PIN_THREAD:
        return role in MODERATING_ROLES
    if action is Action.POST_ANONYMOUSLY:
        return _may_post_anonymously(snap, community, thread.category)
    if action is Action.SEE_ANONYMOUS_AUTHOR:
        return role in STAFF_ROLES
    raise TypeError(f"no rule for {action} on a thread")


def _can_post(snap: Snapshot, action: Action, post: Post) -> bool:
    thread = post.thread
    if not _can_thread(snap, Action.VIEW, thread):
        return False
    role = snap.role_in(thread.community_id)
    if action is Action.VIEW:
        return True
    is_author = post.author_id == snap.user_id
    if action is Action.VIEW_HISTORY:
        return not post.is_deleted or role in MODERATING_ROLES
    if action is Action.READ_TEXT:
        if role in MODERATING_ROLES:
            return True
        return not post.is_deleted and (not post.is_hidden or is_author)
    if role is None or not snap.is_verified:
        return False
    if action is Action.MODERATE:
        return role in MODERATING_ROLES
    if action is Action.FLAG:
        return not (post.is_deleted or post.is_hidden or is_author)
    if action is Action.APPEAL:
        return post.is_hidden and not post.is_deleted and is_author
    if action is Action.EDIT:
        return not post.is_deleted and (is_author or role in MODERATING_ROLES)
    if action is Action.DELETE:
        return not post.is_deleted and (is_author or role in MODERATING_ROLES)
    if action is Action.REACT:
        return not (post.is_deleted or post.is_hidden or is_author)
    if action in (Action.ENDORSE, Action.LABEL):
        return not post.is_deleted and role in TEACHING_ROLES
    if action is Action.ACCEPT_ANSWER:
        return (
            not post.is_deleted
            and not post.is_opening
            and _can_thread(snap, Action.ACCEPT_ANSWER, thread)
        )
    if action is Action.SEE_ANONYMOUS_AUTHOR:
        return is_author or role in STAFF_ROLES
    raise TypeError(f"no rule for {action} on a post")


def _may_post_anonymously(
    snap: Snapshot, community: Community, category: Category | None
) -> bool:
    return (
        snap.is_verified
        and snap.role_in(community.pk) in ANONYMOUS_POSTER_ROLES
        and category_allows_anonymous(category, community)
    )


def category_allows_anonymous(category: Category | None, community: Community) -> bool:
    """Return whether posts in the category may be anonymous to peers."""
    mode = category.anonymity if category else Category.Anonymity.INHERIT
    if mode == Category.Anonymity.INHERIT:
        return community.anonymity == Community.Anonymity.ANONYMOUS_TO_PEERS
    return mode == Category.Anonymity.ANONYMOUS_TO_PEERS


TWO_FACTOR_ROLES = frozenset({Role.OWNER, Role.MODERATOR})


def requires_two_factor(user: Any) -> bool:
    """Return whether the person must use two-factor authentication: site
    administrators and every community's owners and moderators."""
    snap = snapshot(user)
    if snap.user_id is None:
        return False
    return snap.is_superuser or any(r in TWO_FACTOR_ROLES for r in snap.roles.values())


def role_in(user: Any, community: Community) -> Role | None:
    """Return the person's active role in the community, or None."""
    return snapshot(user).role_in(community.pk)


def is_pending(user: Any, community: Community) -> bool:
    """Return whether the person asked to join the community and waits for approval."""
    return community.pk in snapshot(user).pending


# --- many objects ----------------------------------------------------------


def _visible_communities_q(snap: Snapshot, prefix: str = "") -> Q:
    if snap.is_superuser:
        return Q()
    q = ~Q(**{f"{prefix}visibility": Community.Visibility.PRIVATE})
    if snap.roles:
        q |= Q(**{f"{prefix}pk__in": list(snap.roles)})
    return q


def visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow a queryset to what the person may see; the twin of can(..., VIEW)."""
    snap = snapshot(user)
    model = queryset.model
    if model is Community:
        return queryset.filter(_visible_communities_q(snap))
    if model is Category:
        return queryset.filter(_visible_communities_q(snap, "community__"))
    if model is Thread:
        return queryset.filter(_visible_threads_q(snap, ""))
    if model is Post:
        return queryset.filter(_visible_threads_q(snap, "thread__"))
    raise TypeError(f"no visibility rule for {model.__name__}")


def _visible_threads_q(snap: Snapshot, prefix: str) -> Q:
    q = _visible_communities_q(snap, f"{prefix}community__")
    if snap.is_superuser:
        return q
    moderated = [c for c, r in snap.roles.items() if r in MODERATING_ROLES]
    not_deleted = Q(**{f"{prefix}is_deleted": False})
    shown = Q(**{f"{prefix}is_hidden": False})
    if snap.user_id is not None:
        shown |= Q(**{f"{prefix}author_id": snap.user_id})
    if moderated:
        in_moderated = Q(**{f"{prefix}community_id__in": moderated})
        not_deleted |= in_moderated
        shown |= in_moderated
    return q & not_deleted & shown


def listed(user: Any, queryset: QuerySet[Community]) -> QuerySet[Community]:
    """Narrow communities to those shown in the directory: visible and not unlisted,
    plus every community the person belongs to."""
    snap = snapshot(user)
    q = Q(visibility=Community.Visibility.PUBLIC)
    if snap.roles or snap.pending:
        q |= Q(pk__in=[*snap.roles, *snap.pending])
    if snap.is_superuser:
        q = Q()
    return queryset.filter(q)


# --- who wrote it ------------------------------------------------------------


@dataclass(frozen=True)
class AuthorView:
    """How one viewer sees the author of a post."""

    name: str
    handle: str | None
    is_anonymous: bool
    is_you: bool = False
    role: str | None = None

    @property
    def label(self) -> str:
        return self.name


ANONYMOUS_NAME = "Anonymous"


def author_for(user: Any, post: Post | Thread, role: str | None = None) -> AuthorView:
    """Return the author as this viewer may see them.

    The one function that resolves anonymous authors: pages, the API, emails,
    exports and events all call it. Peers see only "Anonymous"; staff of the
    community and the author themself see the name. Expects `post.author`
    to be loaded with the post.
    """
    snap = snapshot(user)
    is_you = snap.user_id is not None and post.author_id == snap.user_id
    if post.is_anonymous:
        community_role = snap.role_in(post.community_id)
        if is_you or community_role in STAFF_ROLES:
            author = post.author
            return AuthorView(
                name=f"{author.display_name} (anonymous to peers)",
                handle=author.handle,
                is_anonymous=True,
                is_you=is_you,
            )
        return AuthorView(name=ANONYMOUS_NAME, handle=None, is_anonymous=True)
    author = post.author
    return AuthorView(
        name=author.display_name,
        handle=author.handle,
        is_anonymous=False,
        is_you=is_you,
        role=role,
    )


def anonymity_notice(user: Any, community: Community, category: Category | None) -> str:
    """Return the sentence a composer shows about who will see the author's name."""
    if not _may_post_anonymously(snapshot(user), community, category):
        return "Everyone who can read this community will see your name."
    return (
        "If you post anonymously, classmates see “Anonymous”; the community's "
        "instructors and moderators can still see your name."
    )
