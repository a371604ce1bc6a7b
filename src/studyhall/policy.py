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
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from studyhall.accounts.models import Block
from studyhall.chat.models import Message, Room, RoomMember
from studyhall.communities.models import Community, Membership, Role
from studyhall.core import sql
from studyhall.discussions.models import Category, Post, Thread
from studyhall.groups.models import GroupMembership, StudyGroup
from studyhall.library.models import LibraryItem
from studyhall.live.models import LiveSession, Question
from studyhall.profiles.models import (
    ConnectionRequest,
    Distinction,
    FeedEntry,
    MentorshipRequest,
    Opportunity,
    Profile,
    ShowcaseItem,
    Visibility,
)
from studyhall.recognition.models import Feedback, FeedbackRequest, FeedbackResponse
from studyhall.search.models import Document

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
    CREATE_ROOM = "create_room"
    MANAGE_ROOM = "manage_room"
    SEND_MESSAGE = "send_message"
    START_CONVERSATION = "start_conversation"
    MOVE_TO_BOARD = "move_to_board"
    CREATE_GROUP = "create_group"
    VIEW_GROUP_SPACE = "view_group_space"
    CONTRIBUTE = "contribute"
    MANAGE_GROUP = "manage_group"
    ADD_LIBRARY_ITEM = "add_library_item"
    RECOMMEND = "recommend"
    TAKE_PART = "take_part"
    HOST_LIVE = "host_live"
    # Recognition (issue 6).
    GIVE_FEEDBACK = "give_feedback"
    REQUEST_FEEDBACK = "request_feedback"
    RESPOND_FEEDBACK = "respond_feedback"
    GIVE_KUDOS = "give_kudos"
    VIEW_LEADERBOARD = "view_leaderboard"
    MANAGE_RECOGNITION = "manage_recognition"
    DEFINE_BADGES = "define_badges"
    AWARD_BADGES = "award_badges"
    ISSUE_CERTIFICATES = "issue_certificates"
    VIEW_PROFILE = "view_profile"
    FOLLOW = "follow"
    CONNECT = "connect"
    ANSWER_REQUEST = "answer_request"
    WITHDRAW_REQUEST = "withdraw_request"
    OFFER_MENTORSHIP = "offer_mentorship"
    REQUEST_MENTORSHIP = "request_mentorship"
    SCHEDULE_MEETING = "schedule_meeting"
    POST_OPPORTUNITY = "post_opportunity"
    BOOKMARK = "bookmark"
    CLAIM_DISTINCTION = "claim_distinction"
    GRANT_DISTINCTION = "grant_distinction"
    MERGE_THREAD = "merge_thread"
    # Moderation (issue 7).
    READ_TEXT = "read_text"
    FLAG = "flag"
    MODERATE = "moderate"
    APPEAL = "appeal"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_MODERATION = "manage_moderation"
    LABEL = "label"
    VIEW_ANALYTICS = "view_analytics"
    SEE_ANALYTICS_NAMES = "see_analytics_names"


STAFF_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MODERATOR})
TEACHING_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR})
MODERATING_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MODERATOR})
ANONYMOUS_POSTER_ROLES = frozenset({Role.STUDENT})
# Mentors, instructors and owners may mentor and post opportunities; so may
# people with a verified alum or expert distinction (see _distinctions). A
# verified partner (an employer's or lab's representative) may post
# opportunities but mentors only if a role or another distinction says so.
MENTOR_ROLES = frozenset({Role.OWNER, Role.INSTRUCTOR, Role.MENTOR})
MENTORING_DISTINCTIONS = frozenset({Distinction.Kind.ALUM, Distinction.Kind.EXPERT})
POSTING_DISTINCTIONS = MENTORING_DISTINCTIONS | {Distinction.Kind.PARTNER}

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
    Action.CREATE_ROOM: TEACHING_ROLES,
    Action.CREATE_GROUP: frozenset(Role),
    Action.ADD_LIBRARY_ITEM: frozenset(Role),
    Action.RECOMMEND: TEACHING_ROLES,
    Action.HOST_LIVE: TEACHING_ROLES,
    Action.TAKE_PART: frozenset(Role),
    Action.GIVE_KUDOS: frozenset(Role),
    Action.VIEW_LEADERBOARD: frozenset(Role),
    Action.MANAGE_RECOGNITION: TEACHING_ROLES,
    Action.DEFINE_BADGES: frozenset({Role.OWNER}),
    Action.AWARD_BADGES: TEACHING_ROLES,
    Action.ISSUE_CERTIFICATES: TEACHING_ROLES,
    Action.POST_OPPORTUNITY: MENTOR_ROLES,
    Action.BOOKMARK: frozenset(Role),
    Action.CLAIM_DISTINCTION: frozenset(Role),
    Action.GRANT_DISTINCTION: frozenset({Role.OWNER}),
    Action.MERGE_THREAD: MODERATING_ROLES,
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
    # Staff and superusers review site-level cases (reported direct messages);
    # a person muted from direct messages neither starts nor sends them.
    is_site_admin: bool = False
    is_dm_muted: bool = False
    roles: dict[int, Role] = field(default_factory=dict)
    pending: set[int] = field(default_factory=set)
    # Chat rooms the person belongs to, loaded on first chat question (one query).
    rooms: set[int] | None = None
    # Study-group memberships, loaded on first use: group id -> (role, status),
    # and the community of each of those groups.
    groups: dict[int, tuple[str, str]] | None = None
    group_communities: dict[int, int] = field(default_factory=dict)
    hidden_boards: frozenset[int] | None = None
    # Communities where the person is muted (reads only), and where they are
    # suspended or banned (no role at all, and no rejoining).
    muted: set[int] = field(default_factory=set)
    barred: set[int] = field(default_factory=set)
    # Person id -> communities where this person teaches them, loaded per person.
    taught: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Verified distinction kinds by community, loaded on first use.
    distinctions: dict[int, set[str]] | None = None

    def role_in(self, community_id: int) -> Role | None:
        if self.is_superuser:
            return Role.OWNER
        return self.roles.get(community_id)


# Every page asks these of every signed-in person, so they compile once.
_memberships = sql.Prepared(
    lambda user: (
        Membership.objects.filter(user_id=user)
        .order_by()
        .values_list(
            "community_id",
            "role",
            "status",
            "muted_until",
            "suspended_until",
            "banned_at",
        )
    )
)
_group_rows = sql.Prepared(
    lambda user: (
        GroupMembership.objects.filter(user_id=user)
        .order_by()
        .values_list("group_id", "role", "status", "group__community_id")
    )
)
_hidden_group_boards = sql.Prepared(
    lambda: (
        StudyGroup.objects.filter(
            visibility=StudyGroup.Visibility.HIDDEN, board__isnull=False
        )
        .order_by()
        .values_list("pk", "board_id")
    )
)


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
        now = timezone.now()
        snap.is_site_admin = bool(user.is_superuser or getattr(user, "is_staff", 0))
        muted_until = getattr(user, "dm_muted_until", None)
        snap.is_dm_muted = muted_until is not None and muted_until > now
        rows = _memberships(user=user.pk)
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


def fingerprint(user: Any) -> str:
    """Return a string that is equal for two requests only when `visible` builds
    the same filter for them: it holds the whole snapshot (`core.sql` keys
    compiled queries by it). Covers the models whose rules read only the
    snapshot: communities, categories, threads and posts."""
    return repr(snapshot(user))


def documents_fingerprint(user: Any) -> tuple[Any, ...]:
    """Return a key equal for two viewers only when `visible` builds the same
    filter on search documents for them (and `authored_by` the same author
    filter): the snapshot's roles, the person's rooms, study groups, connections
    and blocks, all loaded here (a compiled search query is keyed by it, see
    `core.sql.rows`). The person's id is part of it: their own hidden and
    anonymous posts are theirs alone."""
    snap = snapshot(user)
    groups = _group_memberships(snap)
    rel = relations(user)
    return (
        "documents",
        snap.user_id,
        snap.is_superuser,
        tuple(sorted((c, r.value) for c, r in snap.roles.items())),
        tuple(sorted(_room_ids(snap))),
        tuple(sorted(groups.items())),
        tuple(sorted(snap.group_communities.items())),
        tuple(sorted(rel.connections)),
        tuple(sorted(rel.blocked)),
    )


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
        if obj.pk is not None and obj.pk in _hidden_boards(snap):
            return False
        if action is Action.POST_ANONYMOUSLY:
            return _may_post_anonymously(snap, obj.community, obj)
        return _can_community(snap, action, obj.community)
    if isinstance(obj, Thread):
        return _can_thread(snap, action, obj)
    if isinstance(obj, StudyGroup):
        return _can_group(snap, action, obj)
    if isinstance(obj, LibraryItem):
        return _can_library_item(snap, action, obj)
    if isinstance(obj, LiveSession):
        return _can_live(snap, action, obj)
    if isinstance(obj, Post):
        return _can_post(snap, action, obj)
    if isinstance(obj, Room):
        return _can_room(snap, action, obj)
    if isinstance(obj, Message):
        return _can_message(snap, action, obj)
    if obj is None and action is Action.START_CONVERSATION:
        return snap.user_id is not None and snap.is_verified and not snap.is_dm_muted
    if isinstance(obj, Feedback | FeedbackResponse) and action is Action.VIEW:
        return _can_view_private_note(user, snap, obj)
    if isinstance(obj, FeedbackRequest) and action is Action.RESPOND_FEEDBACK:
        return _can_respond_to_request(user, snap, obj)
    if isinstance(obj, Profile):
        return _can_profile(user, snap, action, obj)
    if isinstance(obj, ShowcaseItem):
        return _can_showcase(user, snap, action, obj)
    if isinstance(obj, ConnectionRequest | MentorshipRequest):
        return _can_request(snap, action, obj)
    if isinstance(obj, Opportunity):
        return _can_opportunity(snap, action, obj)
    if isinstance(obj, Distinction):
        return _can_distinction(snap, action, obj)
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
    if action in (Action.VIEW_ANALYTICS, Action.SEE_ANALYTICS_NAMES):
        return _may_see_analytics(role, action, community)
    allowed = ROLE_MATRIX.get(action)
    if allowed is None:
        raise TypeError(f"no rule for {action} on a community")
    if action is Action.POST_OPPORTUNITY and community.pk in _distinctions(
        snap, POSTING_DISTINCTIONS
    ):
        return True
    return role in allowed


def analytics_roles(community: Community) -> frozenset[Role]:
    """Return the roles that may see the community's analytics: owners and
    instructors always, moderators and mentors where its settings allow."""
    return TEACHING_ROLES | {
        role
        for role, allowed in (
            (Role.MODERATOR, community.analytics_moderators),
            (Role.MENTOR, community.analytics_mentors),
        )
        if allowed
    }


def _may_see_analytics(role: Role, action: Action, community: Community) -> bool:
    """Answer the analytics actions (issue 7); learners' names only where the
    community shows them."""
    allowed = role in analytics_roles(community)
    if action is Action.SEE_ANALYTICS_NAMES:
        return allowed and community.analytics_show_names
    return allowed


def _distinctions(snap: Snapshot, kinds: frozenset[str]) -> set[int]:
    """Return the communities where the person holds a verified distinction of
    one of these kinds (one query, on first use)."""
    # Asked only about a signed-in member (a role or their own profile).
    if snap.distinctions is None:
        snap.distinctions = {}
        for community_id, kind in Distinction.objects.filter(
            user_id=snap.user_id or 0, status=Distinction.Status.VERIFIED
        ).values_list("community_id", "kind"):
            snap.distinctions.setdefault(community_id, set()).add(kind)
    return {c for c, held in snap.distinctions.items() if held & kinds}


def _can_thread(snap: Snapshot, action: Action, thread: Thread) -> bool:
    community = thread.community
    if not _can_view_community(snap, community):
        return False
    role = snap.role_in(community.pk)
    if thread.is_deleted and (role not in MODERATING_ROLES):
        return False
    if thread.category_id is not None and thread.category_id in _hidden_boards(snap):
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
    if action is Action.MERGE_THREAD:
        return not thread.is_deleted and role in ROLE_MATRIX[action]
    raise TypeError(f"no rule for {action} on a thread")


def post_permissions(
    user: Any, posts: list[Post], actions: tuple[Action, ...]
) -> list[dict[Action, bool]]:
    """Return, for each post, `can(user, action, post)` for every action.

    The same rules as `can`, with what the posts share (the snapshot, each
    thread's visibility) worked out once: a thread page asks about nine
    actions on twenty posts.
    """
    snap = snapshot(user)
    thread_visible: dict[int, bool] = {}
    result = []
    for post in posts:
        thread = post.thread
        if thread.pk not in thread_visible:
            thread_visible[thread.pk] = _can_thread(snap, Action.VIEW, thread)
        if not thread_visible[thread.pk]:
            result.append(dict.fromkeys(actions, False))
            continue
        muted = post.community_id in snap.muted
        role = snap.role_in(thread.community_id)
        result.append(
            {
                action: not (muted and action not in MUTED_MAY)
                and _post_rule(snap, action, post, role)
                for action in actions
            }
        )
    return result


def _can_post(snap: Snapshot, action: Action, post: Post) -> bool:
    thread = post.thread
    if not _can_thread(snap, Action.VIEW, thread):
        return False
    return _post_rule(snap, action, post, snap.role_in(thread.community_id))


def _post_rule(snap: Snapshot, action: Action, post: Post, role: Role | None) -> bool:
    """Decide an action on a post whose thread the person may see."""
    thread = post.thread
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
    if action is Action.GIVE_FEEDBACK:
        return not post.is_deleted and not is_author and role in TEACHING_ROLES
    if action is Action.REQUEST_FEEDBACK:
        return not post.is_deleted and is_author
    if action is Action.RESPOND_FEEDBACK:
        return not post.is_deleted and not is_author
    raise TypeError(f"no rule for {action} on a post")


_room_rows = sql.Prepared(
    lambda user: (
        RoomMember.objects.filter(user_id=user)
        .order_by()
        .values_list("room_id", flat=True)
    )
)


def _room_ids(snap: Snapshot) -> set[int]:
    if snap.rooms is None:
        snap.rooms = (
            set(_room_rows(user=snap.user_id)) if snap.user_id is not None else set()
        )
    return snap.rooms


def _can_view_room(snap: Snapshot, room: Room) -> bool:
    if snap.user_id is None:
        return False
    if room.kind == Room.Kind.DIRECT:
        # Direct conversations are private to their parties, administrators included.
        return room.pk in _room_ids(snap)
    if room.kind == Room.Kind.GROUP:
        # A study group's room follows the group: its active members, as long
        # as they still belong to the community, see it; nobody else does.
        return snap.is_superuser or room.group_id in _space_groups(snap)
    assert room.community_id is not None
    role = snap.role_in(room.community_id)
    if role is None:
        return False
    if room.access == Room.Access.PUBLIC or role in MODERATING_ROLES:
        return True
    return room.pk in _room_ids(snap)


def _can_room(snap: Snapshot, action: Action, room: Room) -> bool:
    if not _can_view_room(snap, room):
        return False
    if action is Action.VIEW:
        return True
    if not snap.is_verified:
        return False
    is_member = room.pk in _room_ids(snap)
    if action is Action.JOIN:
        # Nobody joins or leaves a group's room by itself: it follows the group.
        return (
            not room.is_direct
            and not room.is_group
            and not room.is_archived
            and room.access == Room.Access.PUBLIC
            and not is_member
        )
    if action is Action.LEAVE:
        return is_member and not room.is_group
    if action is Action.SEND_MESSAGE:
        return not room.is_archived and not (room.is_direct and snap.is_dm_muted)
    if action is Action.MANAGE_ROOM:
        if room.is_direct:
            return room.created_by_id == snap.user_id
        if room.is_group:
            return False
        assert room.community_id is not None
        return snap.role_in(room.community_id) in TEACHING_ROLES
    raise TypeError(f"no rule for {action} on a room")


def _can_message(snap: Snapshot, action: Action, message: Message) -> bool:
    room = message.room
    if room.is_direct and action is Action.MODERATE:
        # Reported direct messages go to the site's administrators, who see
        # only what the report shares (moderation.direct), never the room.
        return snap.is_site_admin and message.author_id != snap.user_id
    if not _can_view_room(snap, room):
        return False
    if action is Action.VIEW:
        return True
    is_author = message.author_id == snap.user_id
    if room.is_direct and action is Action.FLAG:
        # Its people report it to the site's administrators; not their own.
        return snap.is_verified and not (is_author or message.is_deleted)
    if room.is_direct and action is Action.APPEAL:
        # Its author may appeal a decision, even once it is deleted.
        return snap.is_verified and is_author
    role = snap.role_in(room.community_id) if room.community_id else None
    if action is Action.READ_TEXT:
        # Hidden pending review: its author and the community's moderators.
        return not message.is_deleted and (
            not message.is_hidden or is_author or role in MODERATING_ROLES
        )
    if not snap.is_verified or message.is_deleted:
        return False
    if action is Action.MODERATE:
        return role in MODERATING_ROLES
    if action is Action.FLAG:
        return role is not None and not (is_author or message.is_hidden)
    if action is Action.APPEAL:
        return is_author and message.is_hidden
    if action is Action.EDIT:
        return is_author and not room.is_archived
    if action is Action.DELETE:
        return is_author or role in MODERATING_ROLES
    if action is Action.REACT:
        return not room.is_archived
    if action is Action.MOVE_TO_BOARD:
        return (
            not room.is_direct
            and message.parent_id is None
            and message.board_thread_id is None
            and (is_author or role in STAFF_ROLES)
        )
    raise TypeError(f"no rule for {action} on a message")


def _can_view_private_note(
    user: Any, snap: Snapshot, note: Feedback | FeedbackResponse
) -> bool:
    """Private feedback and rubric responses: the learner, the writer and staff."""
    if isinstance(note, Feedback) and note.showcase_id is not None:
        return _can_view_showcase_note(
            user, snap, note.showcase, note.author_id, note.community_id
        )
    if isinstance(note, FeedbackResponse) and note.request.showcase_id is not None:
        request = note.request
        return _can_view_showcase_note(
            user, snap, request.showcase, note.responder_id, request.community_id
        )
    if isinstance(note, Feedback):
        assert note.post is not None
        post, writer_id = note.post, note.author_id
    else:
        assert note.request.post is not None
        post, writer_id = note.request.post, note.responder_id
    if not _can_post(snap, Action.VIEW, post):
        return False
    if snap.user_id is not None and snap.user_id in {post.author_id, writer_id}:
        return True
    return snap.role_in(post.community_id) in STAFF_ROLES


def _can_view_showcase_note(
    user: Any,
    snap: Snapshot,
    item: ShowcaseItem | None,
    writer_id: int,
    community_id: int | None,
) -> bool:
    """Feedback or a rubric response on a portfolio item: its owner, and while
    they may see the item, the writer and the staff of the community it is in."""
    assert item is not None and community_id is not None
    if snap.user_id is not None and snap.user_id == item.owner_id:
        return True
    if not _can_showcase(user, snap, Action.VIEW, item):
        return False
    if snap.user_id is not None and snap.user_id == writer_id:
        return True
    return snap.role_in(community_id) in STAFF_ROLES


def _can_respond_to_request(
    user: Any, snap: Snapshot, request: FeedbackRequest
) -> bool:
    """Score a "feedback wanted" request: on a post, those who may reply to it;
    on a portfolio item, members of the request's community who may see it."""
    if request.post is not None:
        post = request.post
        return _can_post(snap, Action.RESPOND_FEEDBACK, post) and _can_thread(
            snap, Action.REPLY, post.thread
        )
    item = request.showcase
    assert item is not None and request.community_id is not None
    return (
        snap.is_verified
        and snap.user_id != item.owner_id
        and snap.role_in(request.community_id) is not None
        and request.community_id not in snap.muted
        and _can_showcase(user, snap, Action.VIEW, item)
    )


def teaching_communities(user: Any, learner_id: int) -> tuple[int, ...]:
    """Return the communities, by name, where the person teaches the learner: owner
    or instructor there, and the learner an active member. One query per learner."""
    snap = snapshot(user)
    if snap.user_id is None or not snap.is_verified or snap.user_id == learner_id:
        return ()
    if learner_id not in snap.taught:
        rows = Membership.objects.filter(
            user_id=learner_id, status=Membership.Status.ACTIVE
        )
        if not snap.is_superuser:
            rows = rows.filter(
                community_id__in=[
                    c
                    for c, role in snap.roles.items()
                    if role in TEACHING_ROLES and c not in snap.muted
                ]
            )
        snap.taught[learner_id] = tuple(
            rows.order_by("community__name", "community_id").values_list(
                "community_id", flat=True
            )
        )
    return snap.taught[learner_id]


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
        return queryset.filter(
            _visible_communities_q(snap, "community__") & _not_hidden_board_q(snap, "")
        )
    if model is StudyGroup:
        return queryset.filter(_visible_groups_q(snap, ""))
    if model is LibraryItem:
        return queryset.filter(_visible_library_q(snap))
    if model is LiveSession:
        return queryset.filter(_visible_live_q(snap))
    if model is Thread:
        return queryset.filter(_visible_threads_q(snap, ""))
    if model is Post:
        return queryset.filter(_visible_threads_q(snap, "thread__"))
    if model is Room:
        return queryset.filter(_visible_rooms_q(snap, ""))
    if model is Message:
        return queryset.filter(_visible_rooms_q(snap, "room__"))
    if model is Feedback:
        # A superuser's filter on posts is empty, and would vanish from the OR.
        on_posts = (
            Q(post__isnull=False)
            if snap.is_superuser
            else _visible_private_notes_q(snap, "post__", "author_id")
        )
        return queryset.filter(
            on_posts
            | _visible_showcase_notes_q(user, snap, "", "author_id", "community_id")
        )
    if model is FeedbackResponse:
        on_posts = (
            Q(request__post__isnull=False)
            if snap.is_superuser
            else _visible_private_notes_q(snap, "request__post__", "responder_id")
        )
        return queryset.filter(
            on_posts
            | _visible_showcase_notes_q(
                user, snap, "request__", "responder_id", "request__community_id"
            )
        )
    if model is Profile:
        return queryset.filter(profile_q(user, owner="user_id", prefix=""))
    if model is ShowcaseItem:
        return queryset.filter(
            audience_q(
                user,
                owner="owner_id",
                visibility="visibility",
                is_public="owner__profile__is_public",
            )
            & (Q(is_hidden=False) | Q(owner_id=snap.user_id))
        )
    if model is FeedEntry:
        return queryset.filter(_visible_feed_q(user, snap))
    if model is Opportunity:
        return queryset.filter(_visible_communities_q(snap, "community__"))
    if model is Distinction:
        return queryset.filter(_visible_distinctions_q(snap))
    if model is MentorshipRequest:
        if snap.user_id is None:
            return queryset.none()
        return queryset.filter(Q(mentee_id=snap.user_id) | Q(mentor_id=snap.user_id))
    if model is Document:
        return queryset.filter(_visible_documents_q(user, snap))
    raise TypeError(f"no visibility rule for {model.__name__}")


def _visible_documents_q(user: Any, snap: Snapshot) -> Q:
    """Match search documents by the rule of what each one shares its audience
    with. Rooms, groups, library items and profiles are asked through their
    own `visible` rule (as subqueries), so search finds exactly what their
    pages show; deleted content is never indexed."""
    scopes = Document.Scope
    # Threads on the boards of hidden study groups are left out for
    # non-members here, so not even the count of results reveals them.
    q = (
        Q(scope=scopes.COMMUNITY, community__isnull=False)
        & _visible_communities_q(snap, "community__")
        & _not_in_hidden_board_q(snap, "thread_id")
    )
    if not snap.is_superuser:
        # Hidden posts: their author and the community's moderators, as
        # _visible_threads_q shows them.
        shown = Q(is_hidden=False)
        if snap.user_id is not None:
            shown |= Q(author_id=snap.user_id)
        moderated = [c for c, r in snap.roles.items() if r in MODERATING_ROLES]
        if moderated:
            shown |= Q(community_id__in=moderated)
        q &= shown
    shared: list[tuple[str, QuerySet[Any], str]] = [
        (scopes.ROOM, Room.objects.all(), "pk"),
        (scopes.GROUP, StudyGroup.objects.all(), "pk"),
        (scopes.LIBRARY, LibraryItem.objects.all(), "pk"),
        (scopes.PROFILE, Profile.objects.filter(user__is_active=True), "user_id"),
    ]
    for scope, rows, key in shared:
        q |= Q(scope=scope, scope_id__in=visible(user, rows).values(key))
    return q


def _visible_threads_q(snap: Snapshot, prefix: str) -> Q:
    q = _visible_communities_q(snap, f"{prefix}community__")
    if snap.is_superuser:
        return q
    q &= Q(**{f"{prefix}category__isnull": True}) | _not_hidden_board_q(
        snap, f"{prefix}category__"
    )
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


def _visible_rooms_q(snap: Snapshot, prefix: str) -> Q:
    if snap.user_id is None:
        return Q(pk__in=[])
    mine = list(_room_ids(snap))
    direct = Q(**{f"{prefix}kind": Room.Kind.DIRECT, f"{prefix}pk__in": mine})
    in_community = Q(**{f"{prefix}kind": Room.Kind.COMMUNITY})
    of_group = Q(**{f"{prefix}kind": Room.Kind.GROUP})
    if snap.is_superuser:
        return direct | in_community | of_group
    of_group &= Q(**{f"{prefix}group_id__in": _space_groups(snap)})
    moderated = [c for c, r in snap.roles.items() if r in MODERATING_ROLES]
    open_to_me = Q(**{f"{prefix}access": Room.Access.PUBLIC}) | Q(
        **{f"{prefix}pk__in": mine}
    )
    if moderated:
        open_to_me |= Q(**{f"{prefix}community_id__in": moderated})
    return (
        direct
        | of_group
        | (
            in_community
            & Q(**{f"{prefix}community_id__in": list(snap.roles)})
            & open_to_me
        )
    )


def _visible_private_notes_q(snap: Snapshot, post: str, writer: str) -> Q:
    # Not for superusers: their callers match every note on a post instead.
    q = _visible_threads_q(snap, f"{post}thread__")
    staff = [c for c, r in snap.roles.items() if r in STAFF_ROLES]
    mine = Q(**{f"{post}author_id": snap.user_id}) | Q(**{writer: snap.user_id})
    if snap.user_id is None:
        mine = Q(pk__in=[])
    return q & (mine | Q(**{f"{post}community_id__in": staff}))


def _visible_showcase_notes_q(
    user: Any, snap: Snapshot, prefix: str, writer: str, community: str
) -> Q:
    """The twin of _can_view_showcase_note, for many feedback or response rows."""
    item = f"{prefix}showcase__"
    on_item = Q(**{f"{prefix}showcase__isnull": False})
    if snap.user_id is None:
        return Q(pk__in=[])
    staff = [c for c, r in snap.roles.items() if r in STAFF_ROLES]
    in_staff = (
        Q(pk__isnull=False) if snap.is_superuser else Q(**{f"{community}__in": staff})
    )
    seen = audience_q(
        user,
        owner=f"{item}owner_id",
        visibility=f"{item}visibility",
        is_public=f"{item}owner__profile__is_public",
    ) & Q(**{f"{item}is_hidden": False})
    return on_item & (
        Q(**{f"{item}owner_id": snap.user_id})
        | (seen & (Q(**{writer: snap.user_id}) | in_staff))
    )


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


# --- study groups, the library and live sessions -----------------------------


def _group_memberships(snap: Snapshot) -> dict[int, tuple[str, str]]:
    """Return the person's study-group memberships, loading them once (one query)."""
    if snap.groups is None:
        snap.groups = {}
        if snap.user_id is not None:
            rows = _group_rows(user=snap.user_id)
            snap.groups = {g: (role, status) for g, role, status, _c in rows}
            snap.group_communities = {g: c for g, _r, _s, c in rows}
    return snap.groups


def _active_groups(snap: Snapshot) -> list[int]:
    return [
        g
        for g, (_role, status) in _group_memberships(snap).items()
        if status == GroupMembership.Status.ACTIVE
    ]


def _space_groups(snap: Snapshot) -> list[int]:
    """Return the groups whose members-only space the person sees: active
    memberships in communities where they still hold a role (not banned,
    suspended or gone). Site administrators are let through by the callers."""
    return [
        g for g in _active_groups(snap) if snap.group_communities.get(g) in snap.roles
    ]


def _hidden_boards(snap: Snapshot) -> frozenset[int]:
    """Return the board categories of hidden groups the person is not in (one query)."""
    if snap.hidden_boards is None:
        if snap.is_superuser:
            snap.hidden_boards = frozenset()
        else:
            mine = _group_memberships(snap)
            snap.hidden_boards = frozenset(
                board for group, board in _hidden_group_boards() if group not in mine
            )
    return snap.hidden_boards


def _not_hidden_board_q(snap: Snapshot, prefix: str) -> Q:
    """Match categories that are not the board of a hidden group the person is not in."""
    if snap.is_superuser:
        return Q()
    hidden = StudyGroup.objects.filter(visibility=StudyGroup.Visibility.HIDDEN)
    if snap.groups is not None:
        if snap.groups:
            hidden = hidden.exclude(pk__in=list(snap.groups))
    elif snap.user_id is not None:
        # A subquery, so asking for a list costs no query of its own.
        hidden = hidden.exclude(memberships__user_id=snap.user_id)
    return ~Q(**{f"{prefix}study_group__in": hidden})


def _not_in_hidden_board_q(snap: Snapshot, thread_field: str) -> Q:
    """Match rows whose thread (by id) is not on the board of a hidden group the
    person is not in; rows without a thread match."""
    if snap.is_superuser:
        return Q()
    hidden = Thread.objects.filter(~_not_hidden_board_q(snap, "category__")).values(
        "pk"
    )
    return Q(**{f"{thread_field}__isnull": True}) | ~Q(
        **{f"{thread_field}__in": hidden}
    )


def group_status(user: Any, group: StudyGroup) -> tuple[str, str] | None:
    """Return the person's (role, status) in the group, or None."""
    return _group_memberships(snapshot(user)).get(group.pk)


def _is_organizer(snap: Snapshot, group: StudyGroup) -> bool:
    entry = _group_memberships(snap).get(group.pk)
    return entry == (
        GroupMembership.Role.ORGANIZER,
        GroupMembership.Status.ACTIVE,
    )


def _can_view_group(snap: Snapshot, group: StudyGroup) -> bool:
    if not _can_view_community(snap, group.community):
        return False
    listed = group.visibility != StudyGroup.Visibility.HIDDEN
    if snap.is_superuser or (listed and not group.is_hidden):
        return True
    if group.pk in _group_memberships(snap):
        return True
    # Hidden pending review: members and the community's moderators.
    return group.is_hidden and snap.role_in(group.community_id) in MODERATING_ROLES


def _can_group(snap: Snapshot, action: Action, group: StudyGroup) -> bool:
    if not _can_view_group(snap, group):
        return False
    if action in (Action.VIEW, Action.READ_TEXT):
        return True
    entry = _group_memberships(snap).get(group.pk)
    is_active = entry is not None and entry[1] == GroupMembership.Status.ACTIVE
    role = snap.role_in(group.community_id)
    if action is Action.VIEW_GROUP_SPACE:
        # A ban or suspension in the community also closes its groups' spaces.
        return snap.is_superuser or (is_active and role is not None)
    if action is Action.LEAVE:
        return entry is not None
    if role is None or not snap.is_verified:
        return False
    is_creator = group.created_by_id == snap.user_id
    if action is Action.MODERATE:
        return role in MODERATING_ROLES
    if action is Action.FLAG:
        return not (is_creator or group.is_hidden)
    if action is Action.APPEAL:
        return is_creator and group.is_hidden
    if action is Action.JOIN:
        if entry is not None:
            return entry[1] == GroupMembership.Status.INVITED
        return group.visibility in (
            StudyGroup.Visibility.OPEN,
            StudyGroup.Visibility.REQUEST,
        )
    if action in (Action.CONTRIBUTE, Action.ADD_LIBRARY_ITEM):
        return is_active
    if action in (Action.MANAGE_GROUP, Action.HOST_LIVE):
        return _is_organizer(snap, group) or role in TEACHING_ROLES
    raise TypeError(f"no rule for {action} on a study group")


def _can_library_item(snap: Snapshot, action: Action, item: LibraryItem) -> bool:
    if item.group is not None:
        if not _can_group(snap, Action.VIEW_GROUP_SPACE, item.group):
            return False
    elif not _can_view_community(snap, item.community):
        return False
    if action is Action.VIEW:
        return True
    role = snap.role_in(item.community_id)
    if role is None or not snap.is_verified:
        return False
    if action is Action.TAKE_PART:
        return True
    if action is Action.RECOMMEND:
        return role in TEACHING_ROLES
    if action in (Action.EDIT, Action.DELETE):
        return item.added_by_id == snap.user_id or role in MODERATING_ROLES
    raise TypeError(f"no rule for {action} on a library item")


def _can_live(snap: Snapshot, action: Action, live: LiveSession) -> bool:
    if live.group is not None:
        if not _can_group(snap, Action.VIEW, live.group):
            return False
        takes_part = _can_group(snap, Action.CONTRIBUTE, live.group)
    else:
        if not _can_view_community(snap, live.community):
            return False
        takes_part = snap.is_verified and snap.role_in(live.community_id) is not None
    if action is Action.VIEW:
        return True
    if action is Action.TAKE_PART:
        return takes_part and live.is_open
    if action is Action.HOST_LIVE:
        if snap.user_id is None or not snap.is_verified:
            return False
        return live.host_id == snap.user_id or (
            snap.role_in(live.community_id) in TEACHING_ROLES
        )
    raise TypeError(f"no rule for {action} on a live session")


def _visible_groups_q(snap: Snapshot, prefix: str) -> Q:
    q = _visible_communities_q(snap, f"{prefix}community__")
    if snap.is_superuser:
        return q
    shown = ~Q(**{f"{prefix}visibility": StudyGroup.Visibility.HIDDEN}) & Q(
        **{f"{prefix}is_hidden": False}
    )
    moderated = [c for c, r in snap.roles.items() if r in MODERATING_ROLES]
    if moderated:
        shown |= Q(**{f"{prefix}is_hidden": True}) & Q(
            **{f"{prefix}community_id__in": moderated}
        )
    mine = list(_group_memberships(snap))
    if mine:
        shown |= Q(**{f"{prefix}pk__in": mine})
    return q & shown


def _visible_library_q(snap: Snapshot) -> Q:
    q = _visible_communities_q(snap, "community__")
    if snap.is_superuser:
        return q
    return q & (Q(group__isnull=True) | Q(group_id__in=_space_groups(snap)))


def _visible_live_q(snap: Snapshot) -> Q:
    q = _visible_communities_q(snap, "community__")
    if snap.is_superuser:
        return q
    return q & (Q(group__isnull=True) | _visible_groups_q(snap, "group__"))


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


def author_for(
    user: Any, post: Post | Thread | Question, role: str | None = None
) -> AuthorView:
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


def authored_by(
    user: Any, queryset: QuerySet[Document], author: Any
) -> QuerySet[Document]:
    """Narrow search documents to those by the author as this viewer may know them.

    Anonymous documents count only where the viewer could see the name beside
    the post (author_for): their own, or as staff of the community. So a
    search by an anonymous poster's name never finds their anonymous posts
    for peers.
    """
    snap = snapshot(user)
    named = Q(author_id=author.pk, is_anonymous=False)
    if snap.is_superuser or (snap.user_id is not None and snap.user_id == author.pk):
        return queryset.filter(author_id=author.pk)
    staff = [c for c, r in snap.roles.items() if r in STAFF_ROLES]
    if staff:
        named |= Q(author_id=author.pk, is_anonymous=True, community_id__in=staff)
    return queryset.filter(named)


def anonymity_notice(user: Any, community: Community, category: Category | None) -> str:
    """Return the sentence a composer shows about who will see the author's name."""
    if not _may_post_anonymously(snapshot(user), community, category):
        return "Everyone who can read this community will see your name."
    return (
        "If you post anonymously, classmates see “Anonymous”; the community's "
        "instructors and moderators can still see your name."
    )


# --- profiles and the network -------------------------------------------------


class Audience(enum.IntEnum):
    """How close a viewer is to a person; each level also sees what lower ones do."""

    ANYONE = 0
    COMMUNITY = 1
    CONNECTION = 2
    SELF = 3


NEEDED_AUDIENCE = {
    Visibility.PUBLIC: Audience.ANYONE,
    Visibility.COMMUNITIES: Audience.COMMUNITY,
    Visibility.CONNECTIONS: Audience.CONNECTION,
    Visibility.ONLY_ME: Audience.SELF,
}


@dataclass
class Relations:
    """A person's connections and blocks (either direction), loaded once."""

    connections: set[int] = field(default_factory=set)
    blocked: set[int] = field(default_factory=set)


# Asked on every profile, feed and search page, so they compile once.
_connection_rows = sql.Prepared(
    lambda user: (
        ConnectionRequest.objects.filter(
            Q(sender_id=user) | Q(recipient_id=user),
            status=ConnectionRequest.Status.ACCEPTED,
        )
        .order_by()
        .values_list("sender_id", "recipient_id")
    )
)
_block_rows = sql.Prepared(
    lambda user: (
        Block.objects.filter(Q(blocker_id=user) | Q(blocked_id=user))
        .order_by()
        .values_list("blocker_id", "blocked_id")
    )
)


def relations(user: Any) -> Relations:
    """Return the person's connections and blocks, loading them on first use."""
    cached = getattr(user, "_policy_relations", None)
    if cached is not None:
        return cached
    rel = Relations()
    user_id = snapshot(user).user_id
    if user_id is not None:
        for sender_id, recipient_id in _connection_rows(user=user_id):
            rel.connections.add(recipient_id if sender_id == user_id else sender_id)
        for blocker_id, blocked_id in _block_rows(user=user_id):
            rel.blocked.add(blocked_id if blocker_id == user_id else blocker_id)
        rel.connections -= rel.blocked
    if user is not None:
        user._policy_relations = rel
    return rel


def forget_relations(user: Any) -> None:
    """Drop cached relations after the person's connections or blocks changed."""
    if user is not None and hasattr(user, "_policy_relations"):
        del user._policy_relations


def needed_audience(visibility: str, is_public: bool) -> Audience:
    """Return who may see something set to `visibility` on a (non-)public profile.

    "Anyone" counts only when the person opted in to a public profile; until
    then it means members of their communities.
    """
    floor = Audience.ANYONE if is_public else Audience.COMMUNITY
    return max(NEEDED_AUDIENCE[Visibility(visibility)], floor)


def audience(user: Any, person_id: int, person_communities: Any) -> Audience:
    """Return how close the viewer is to the person, given the person's community ids.

    Blocks in either direction leave the viewer a stranger: blocked people see
    only what is public.
    """
    snap = snapshot(user)
    if snap.user_id is not None and snap.user_id == person_id:
        return Audience.SELF
    rel = relations(user)
    if person_id in rel.blocked:
        return Audience.ANYONE
    if person_id in rel.connections:
        return Audience.CONNECTION
    if set(snap.roles) & set(person_communities):
        return Audience.COMMUNITY
    return Audience.ANYONE


def person_communities(person_id: int) -> set[int]:
    """Return the ids of the communities a person is an active member of."""
    return set(
        Membership.objects.filter(
            user_id=person_id, status=Membership.Status.ACTIVE
        ).values_list("community_id", flat=True)
    )


def profile_audience(user: Any, profile: Profile) -> Audience:
    """Return the viewer's audience for a profile (one query for the person's
    communities unless the answer needs none); cached on the profile per viewer."""
    cache: dict[int | None, Audience] = profile.__dict__.setdefault("_audiences", {})
    key = snapshot(user).user_id
    if key not in cache:
        snap = snapshot(user)
        if (
            snap.user_id == profile.user_id
            or profile.user_id in relations(user).blocked
        ):
            communities: set[int] = set()
        else:
            communities = person_communities(profile.user_id)
        cache[key] = audience(user, profile.user_id, communities)
    return cache[key]


def visible_fields(profile: Profile, seen_by: Audience) -> frozenset[str]:
    """Return the names of the profile's fields this audience may see."""
    from studyhall.profiles.models import PROFILE_FIELDS

    if profile.is_hidden and seen_by is not Audience.SELF:
        # Hidden pending review: the name only (moderators use the queue).
        return frozenset()
    return frozenset(
        name
        for name in PROFILE_FIELDS
        if seen_by >= needed_audience(profile.visibility_of(name), profile.is_public)
    )


def may_see(seen_by: Audience, visibility: str, is_public: bool) -> bool:
    """Return whether this audience may see something with this visibility."""
    return seen_by >= needed_audience(visibility, is_public)


def _can_profile(user: Any, snap: Snapshot, action: Action, profile: Profile) -> bool:
    seen_by = profile_audience(user, profile)
    may_view = may_see(seen_by, Visibility.PUBLIC, profile.is_public)
    if action is Action.VIEW_PROFILE:
        return may_view
    if action is Action.OFFER_MENTORSHIP:
        return (
            seen_by is Audience.SELF
            and snap.is_verified
            and (
                any(role in MENTOR_ROLES for role in snap.roles.values())
                or bool(_distinctions(snap, MENTORING_DISTINCTIONS) & set(snap.roles))
            )
        )
    is_other = seen_by is not Audience.SELF and snap.user_id is not None
    reachable = (
        is_other
        and snap.is_verified
        and may_view
        and profile.user_id not in relations(user).blocked
    )
    if action in (Action.FOLLOW, Action.CONNECT):
        return reachable
    if action is Action.FLAG:
        return reachable and not profile.is_hidden
    if action is Action.MODERATE:
        return moderates_person(snap, profile.user_id)
    if action is Action.READ_TEXT:
        return (
            seen_by is Audience.SELF
            or not profile.is_hidden
            or moderates_person(snap, profile.user_id)
        )
    if action is Action.APPEAL:
        return seen_by is Audience.SELF and profile.is_hidden
    if action is Action.REQUEST_MENTORSHIP:
        return reachable and profile.is_mentor and profile.mentor_capacity > 0
    raise TypeError(f"no rule for {action} on a profile")


def _can_showcase(
    user: Any, snap: Snapshot, action: Action, item: ShowcaseItem
) -> bool:
    profile = getattr(item.owner, "profile", None) or Profile(user=item.owner)
    seen_by = profile_audience(user, profile)
    is_owner = seen_by is Audience.SELF
    may_view = may_see(seen_by, item.visibility, profile.is_public)
    if action is Action.VIEW:
        # Hidden pending review: only its owner (moderators use the queue).
        return may_view and (is_owner or not item.is_hidden)
    if action in (Action.EDIT, Action.DELETE):
        return is_owner
    if action is Action.GIVE_FEEDBACK:
        return (
            may_view
            and not item.is_hidden
            and bool(teaching_communities(user, item.owner_id))
        )
    if action is Action.REQUEST_FEEDBACK:
        return is_owner and snap.is_verified and not item.is_hidden
    if action is Action.MODERATE:
        return moderates_person(snap, item.owner_id)
    if action is Action.READ_TEXT:
        return (
            is_owner
            or moderates_person(snap, item.owner_id)
            or (may_view and not item.is_hidden)
        )
    if action is Action.FLAG:
        return snap.is_verified and not is_owner and may_view and not item.is_hidden
    if action is Action.APPEAL:
        return is_owner and item.is_hidden
    raise TypeError(f"no rule for {action} on a showcase item")


def is_dm_muted(user: Any) -> bool:
    """Return whether the site's administrators muted the person from direct
    messages (User.dm_muted_until is still ahead)."""
    return snapshot(user).is_dm_muted


def home_community_id(person_id: int) -> int | None:
    """Return the community whose moderators review what a person shows outside
    any community (their portfolio): the one they joined first (one query)."""
    return (
        Membership.objects.filter(user_id=person_id, status=Membership.Status.ACTIVE)
        .order_by("joined_at", "pk")
        .values_list("community_id", flat=True)
        .first()
    )


def moderates_person(snap: Snapshot, person_id: int) -> bool:
    """Return whether the viewer moderates the person's home community."""
    if snap.is_superuser:
        return True
    community_id = home_community_id(person_id)
    return community_id is not None and snap.role_in(community_id) in MODERATING_ROLES


def _can_request(
    snap: Snapshot, action: Action, request: ConnectionRequest | MentorshipRequest
) -> bool:
    if isinstance(request, ConnectionRequest):
        asker, answerer = request.sender_id, request.recipient_id
    else:
        asker, answerer = request.mentee_id, request.mentor_id
    is_asker = snap.user_id is not None and snap.user_id == asker
    is_answerer = snap.user_id is not None and snap.user_id == answerer
    pending = request.status == "pending"
    if action is Action.VIEW:
        return is_asker or is_answerer
    if action is Action.ANSWER_REQUEST:
        return is_answerer and pending
    if action is Action.WITHDRAW_REQUEST:
        return is_asker and pending
    if action is Action.SCHEDULE_MEETING:
        return (is_asker or is_answerer) and request.status == "accepted"
    if action is Action.SEND_MESSAGE:
        # Only a mentorship opens a conversation; a connection uses chat's own.
        return (
            isinstance(request, MentorshipRequest)
            and (is_asker or is_answerer)
            and snap.is_verified
            and request.status == "accepted"
        )
    raise TypeError(f"no rule for {action} on a request")


def _can_opportunity(snap: Snapshot, action: Action, opportunity: Opportunity) -> bool:
    community = opportunity.community
    if action is Action.VIEW:
        return _can_view_community(snap, community)
    if action is Action.BOOKMARK:
        return _can_community(snap, Action.BOOKMARK, community)
    if action in (Action.EDIT, Action.DELETE):
        role = snap.role_in(community.pk)
        return snap.is_verified and (
            opportunity.posted_by_id == snap.user_id or role in MODERATING_ROLES
        )
    raise TypeError(f"no rule for {action} on an opportunity")


def _can_distinction(snap: Snapshot, action: Action, found: Distinction) -> bool:
    is_own = snap.user_id is not None and found.user_id == snap.user_id
    grants = (
        snap.is_verified
        and snap.role_in(found.community_id) in ROLE_MATRIX[Action.GRANT_DISTINCTION]
    )
    if action is Action.VIEW:
        # Verified ones are role badges: seen wherever the community is.
        return (
            is_own
            or grants
            or (
                found.status == Distinction.Status.VERIFIED
                and _can_view_community(snap, found.community)
            )
        )
    if action is Action.GRANT_DISTINCTION:
        return grants
    if action is Action.DELETE:
        return is_own or grants
    raise TypeError(f"no rule for {action} on a distinction")


def _visible_distinctions_q(snap: Snapshot) -> Q:
    """Verified ones in communities the person may see, their own, and every one
    where they grant them; the twin of can(..., VIEW)."""
    if snap.is_superuser:
        return Q()
    q = Q(status=Distinction.Status.VERIFIED) & _visible_communities_q(
        snap, "community__"
    )
    if snap.user_id is None:
        return q
    q |= Q(user_id=snap.user_id)
    granting = [
        c
        for c, role in snap.roles.items()
        if role in ROLE_MATRIX[Action.GRANT_DISTINCTION]
    ]
    if granting and snap.is_verified:
        q |= Q(community_id__in=granting)
    return q


def audience_q(
    user: Any, *, owner: str, visibility: str, is_public: str, on_profile: bool = False
) -> Q:
    """Return a filter for rows the viewer may see, given the names of the owner's id,
    the row's visibility and the owner's public opt-in; the twin of `may_see`.

    A row whose owner has no profile yet counts as not public. With
    `on_profile` the visibility is a profile field, so an owner without a
    profile row has its default: members of their communities.
    """
    snap = snapshot(user)
    public = Q(**{is_public: True, visibility: Visibility.PUBLIC})
    if snap.user_id is None:
        return public
    rel = relations(user)
    q = public | Q(**{owner: snap.user_id})
    not_blocked = ~Q(**{f"{owner}__in": sorted(rel.blocked)}) if rel.blocked else Q()
    wide = [Visibility.PUBLIC, Visibility.COMMUNITIES]

    def level(levels: list[Visibility]) -> Q:
        found = Q(**{f"{visibility}__in": levels})
        return found | Q(**{f"{visibility}__isnull": True}) if on_profile else found

    if snap.roles:
        peers = Exists(
            Membership.objects.filter(
                user_id=OuterRef(owner),
                status=Membership.Status.ACTIVE,
                community_id__in=sorted(snap.roles),
            )
        )
        q |= not_blocked & Q(peers) & level(wide)
    if rel.connections:
        q |= Q(**{f"{owner}__in": sorted(rel.connections)}) & level(
            [*wide, Visibility.CONNECTIONS]
        )
    return q


def profile_q(user: Any, *, owner: str, prefix: str) -> Q:
    """Return a filter for people whose profile the viewer may see; the twin of
    can(..., VIEW_PROFILE). `prefix` leads from the row to the profile."""
    snap = snapshot(user)
    public = Q(**{f"{prefix}is_public": True})
    if snap.user_id is None:
        return public
    rel = relations(user)
    q = public | Q(**{owner: snap.user_id})
    if snap.roles:
        peers = Exists(
            Membership.objects.filter(
                user_id=OuterRef(owner),
                status=Membership.Status.ACTIVE,
                community_id__in=sorted(snap.roles),
            )
        )
        blocked = sorted(rel.blocked)
        q |= Q(peers) & ~Q(**{f"{owner}__in": blocked}) if blocked else Q(peers)
    if rel.connections:
        q |= Q(**{f"{owner}__in": sorted(rel.connections)})
    return q


def _visible_feed_q(user: Any, snap: Snapshot) -> Q:
    threads = _visible_threads_q(snap, "thread__") & Q(thread__is_anonymous=False)
    answers = threads & Q(post__is_deleted=False, post__is_anonymous=False)
    showcase = audience_q(
        user,
        owner="actor_id",
        visibility="showcase__visibility",
        is_public="actor__profile__is_public",
    )
    # A badge belongs to its earner's achievements: it shows where that field
    # does, in a community the reader may see, until it is revoked.
    badges = (
        _visible_communities_q(snap, "community__")
        & Q(award__revoked_at__isnull=True)
        & audience_q(
            user,
            owner="actor_id",
            visibility="actor__profile__achievements_visibility",
            is_public="actor__profile__is_public",
            on_profile=True,
        )
    )
    q = (
        (Q(kind=FeedEntry.Kind.THREAD) & threads)
        | (Q(kind=FeedEntry.Kind.ANSWER) & answers)
        | (Q(kind=FeedEntry.Kind.SHOWCASE) & showcase)
        | (Q(kind=FeedEntry.Kind.BADGE) & badges)
    )
    blocked = relations(user).blocked
    if blocked:
        q &= ~Q(actor_id__in=sorted(blocked))
    return q
