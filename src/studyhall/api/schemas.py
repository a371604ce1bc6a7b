"""Input and output schemas of the REST API.

Outputs are built field by field from selectors' results; no schema reads a
model's `author` directly, so who wrote a post always comes from
`policy.author_for` for the person asking.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic.json_schema import JsonDict

from studyhall.communities.models import Community, Role
from studyhall.discussions.models import Category, Reaction, Thread
from studyhall.discussions.selectors import THREAD_FILTERS, THREAD_SORTS

if TYPE_CHECKING:
    ThreadFilter = str
    ThreadSort = str
else:
    ThreadFilter = Literal[tuple(THREAD_FILTERS)]
    ThreadSort = Literal[tuple(THREAD_SORTS)]

# The services enforce these limits with readable messages; the schemas only
# document them, so an over-long title reaches the service and its message.
TITLE_DOC: JsonDict = {"maxLength": settings.TITLE_MAX_LENGTH}
BODY_DOC: JsonDict = {"maxLength": settings.BODY_MAX_LENGTH, "format": "markdown"}


# --- errors -------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Stable, machine-readable reason.")
    message: str = Field(description="A sentence to show to a person.")
    fields: dict[str, list[str]] | None = Field(
        None, description="Messages by field name, for validation errors only."
    )


class ErrorOut(Schema):
    error: ErrorDetail


# Documented on every operation; the handlers in errors.py produce them.
ERRORS: dict[int, type[ErrorOut]] = {
    code: ErrorOut for code in (400, 401, 403, 404, 409, 422)
}


# --- people -----------------------------------------------------------------------


class AuthorOut(Schema):
    """An author as the person asking may see them (see policy.author_for)."""

    name: str
    handle: str | None = Field(description="Null when hidden from this viewer.")
    is_anonymous: bool
    is_you: bool
    role: str | None = Field(description="Staff role badge, when shown.")


class MeOut(Schema):
    handle: str
    display_name: str
    email: str
    is_email_verified: bool


class MemberOut(Schema):
    handle: str
    display_name: str


# --- communities, memberships and categories ---------------------------------------


class CommunityPermissions(Schema):
    can_join: bool
    can_leave: bool
    can_start_thread: bool
    can_start_announcement: bool
    can_post_anonymously: bool
    can_manage_categories: bool
    can_manage_members: bool
    can_edit: bool


class CommunityOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    visibility: str
    joining: str
    anonymity: str
    member_count: int
    thread_count: int
    created_at: datetime
    my_role: str | None = Field(description="Your active role; null if not a member.")
    is_pending: bool = Field(description="You asked to join and await approval.")
    permissions: CommunityPermissions


class CommunityIn(Schema):
    name: str = Field(json_schema_extra={"maxLength": 120})
    description: str = ""
    kind: Community.Kind = Community.Kind.SUPPORT
    visibility: Community.Visibility = Community.Visibility.PRIVATE
    joining: Community.Joining = Community.Joining.OPEN
    anonymity: Community.Anonymity = Community.Anonymity.NAMED


class CommunityList(Schema):
    items: list[CommunityOut]
    next_cursor: str | None


class MembershipOut(Schema):
    id: int
    member: MemberOut
    role: str
    status: str
    joined_at: datetime


class MembershipList(Schema):
    items: list[MembershipOut]
    next_cursor: str | None


class JoinIn(Schema):
    invite_token: str = Field(
        "", description="The token of an invite link, for invite-only communities."
    )
    accept_guidelines: bool = Field(
        False, description="Required when the community has written guidelines."
    )


class MembershipUpdateIn(Schema):
    role: Role | None = None
    status: Literal["active"] | None = Field(
        None, description="Set to `active` to approve a pending request."
    )


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    anonymity: str
    position: int


class CategoryList(Schema):
    items: list[CategoryOut]
    next_cursor: str | None = Field(description="Always null: categories are few.")


class CategoryIn(Schema):
    name: str = Field(json_schema_extra={"maxLength": 80})
    description: str = Field("", json_schema_extra={"maxLength": 300})
    anonymity: Category.Anonymity = Category.Anonymity.INHERIT


class CategoryRef(Schema):
    slug: str
    name: str


# --- threads and replies -------------------------------------------------------------


class ReactionOut(Schema):
    kind: str
    count: int
    is_mine: bool


class ReplyPermissions(Schema):
    can_edit: bool
    can_delete: bool
    can_react: bool
    can_endorse: bool
    can_accept: bool


class ReplyRef(Schema):
    id: int
    number: int
    author: AuthorOut


class ReplyOut(Schema):
    """A post: number 1 opens the thread, later numbers are replies."""

    id: int
    thread_id: int
    number: int
    is_opening: bool
    author: AuthorOut
    body: str = Field(description="Markdown source; empty when deleted.")
    body_html: str = Field(description="Sanitized HTML rendered from `body`.")
    reply_to: ReplyRef | None
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    is_hidden: bool = Field(
        description="Hidden by moderation pending review; `body` is empty "
        "except for the author and moderators."
    )
    is_endorsed: bool
    endorsed_at: datetime | None
    label: str = Field(
        description='An instructor\'s label: "verified", "needs_correction" or "".'
    )
    label_note: str
    is_accepted: bool
    is_unread: bool | None = Field(description="Null for anonymous readers.")
    reactions: list[ReactionOut]
    permissions: ReplyPermissions


class ReplyList(Schema):
    items: list[ReplyOut]
    next_cursor: str | None


class ReplyIn(Schema):
    body: str = Field(json_schema_extra=BODY_DOC)
    reply_to: int | None = Field(None, description="Id of a post in this thread.")
    is_anonymous: bool = False


class ReplyUpdateIn(Schema):
    body: str = Field(json_schema_extra=BODY_DOC)


class ThreadSummaryOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    title: str
    kind: str
    category: CategoryRef | None
    author: AuthorOut
    is_pinned: bool
    is_deleted: bool
    is_locked: bool = Field(description="Locked: only moderators may reply.")
    is_answered: bool
    accepted_reply_id: int | None
    has_endorsed_reply: bool
    reply_count: int
    reaction_count: int
    last_post_number: int
    created_at: datetime
    last_activity_at: datetime
    is_unread: bool | None = Field(description="Null for anonymous readers.")


class ThreadList(Schema):
    items: list[ThreadSummaryOut]
    next_cursor: str | None


class ThreadPermissions(Schema):
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_pin: bool
    can_post_anonymously: bool
    can_accept_answer: bool


class ThreadOut(ThreadSummaryOut):
    opening_post: ReplyOut
    accepted_reply: ReplyOut | None
    permissions: ThreadPermissions


class ThreadIn(Schema):
    title: str = Field(json_schema_extra=TITLE_DOC)
    body: str = Field(json_schema_extra=BODY_DOC)
    kind: Thread.Kind = Thread.Kind.QUESTION
    category: str | None = Field(None, description="A category slug.")
    is_anonymous: bool = False
    is_pinned: bool = False


class ThreadUpdateIn(Schema):
    title: str | None = Field(None, json_schema_extra=TITLE_DOC)
    body: str | None = Field(None, json_schema_extra=BODY_DOC)
    is_pinned: bool | None = None


REACTION_KINDS = tuple(Reaction.Kind.values)
