"""Moderation: flags, the queue, moderator actions, restrictions, appeals, the log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from studyhall import policy
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import ID_MAX, Cursor, Id, Limit
from studyhall.api.schemas import ERRORS, ErrorOut
from studyhall.api.security import SIGNED_IN, viewer
from studyhall.communities.models import Membership
from studyhall.discussions import selectors as board
from studyhall.discussions.models import Category
from studyhall.moderation import direct, selectors, services
from studyhall.moderation.models import Case, Reason
from studyhall.moderation.registry import kind_named
from studyhall.policy import Action

router = Router(tags=["moderation"])

ContentType = Annotated[
    str,
    Field(
        max_length=30,
        description='Kind of content: "post", "message", "direct_message", "profile", '
        '"showcase" or "group".',
    ),
]
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]


class FlagIn(Schema):
    content_type: ContentType
    object_id: ObjectId
    reason: Reason
    note: str = Field("", description='Required for reason "other".')
    context_count: int = Field(
        0,
        description="Direct messages only: how many messages before it (0-5) to "
        "share with the site's administrators.",
    )
    block_author: bool = Field(
        False, description="Direct messages only: block the author as well."
    )


class FlagOut(Schema):
    case_id: int
    reason: str
    created_at: datetime


class ItemOut(Schema):
    title: str
    excerpt_html: str
    url: str
    author_name: str
    is_hidden: bool
    is_deleted: bool


class AppealOut(Schema):
    text: str
    outcome: str
    created_at: datetime


class CaseOut(Schema):
    id: int
    content_type: str
    object_id: int
    status: str
    resolution: str
    opened_at: datetime
    age_seconds: int
    flag_count: int
    is_auto_hidden: bool
    reasons: dict[str, int]
    notes: list[str]
    item: ItemOut | None
    appeal: AppealOut | None


class CaseList(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class ActionIn(Schema):
    action: Literal["hide", "restore", "dismiss", "delete", "deny_appeal"]
    reason: str = ""


class RestrictIn(Schema):
    action: Literal["warn", "mute", "suspend", "ban", "lift"]
    reason: str = ""
    days: int | None = Field(None, ge=1, le=365)


class RestrictOut(Schema):
    membership_id: int
    muted_until: datetime | None
    suspended_until: datetime | None
    banned_at: datetime | None


class AppealIn(Schema):
    text: str


class AuditOut(Schema):
    id: int
    kind: str
    actor: str | None = Field(description="Handle; null when automatic.")
    target: str | None
    content_type: str
    object_id: int | None
    reason: str
    until: datetime | None
    created_at: datetime


class AuditList(Schema):
    items: list[AuditOut]
    next_cursor: str | None


def _audit_page_out(page: Any) -> dict[str, Any]:
    """A page of audit entries as the API shows them (community or site log)."""
    return {
        "items": [
            AuditOut(
                id=e.pk,
                kind=e.kind,
                actor=e.actor.handle if e.actor else None,
                target=e.target.handle if e.target else None,
                content_type=e.content_type,
                object_id=e.object_id,
                reason=e.reason,
                until=e.until,
                created_at=e.created_at,
            )
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
    }


def _case_out(row: selectors.QueueItem) -> CaseOut:
    case, ctx, appeal = row.case, row.context, row.appeal
    return CaseOut(
        id=case.pk,
        content_type=case.content_type,
        object_id=case.object_id,
        status=case.status,
        resolution=case.resolution,
        opened_at=case.opened_at,
        age_seconds=int(row.age.total_seconds()),
        flag_count=case.flag_count,
        is_auto_hidden=case.is_auto_hidden,
        reasons=dict(row.reasons),
        notes=row.notes,
        item=_item_out(ctx),
        appeal=_appeal_out(appeal),
    )


def _item_out(ctx: Any) -> ItemOut | None:
    if ctx is None:
        return None
    return ItemOut(
        title=ctx.title,
        excerpt_html=ctx.excerpt_html,
        url=ctx.url,
        author_name=ctx.author_name,
        is_hidden=ctx.is_hidden,
        is_deleted=ctx.is_deleted,
    )


def _appeal_out(appeal: Any) -> AppealOut | None:
    if appeal is None:
        return None
    return AppealOut(
        text=appeal.text, outcome=appeal.outcome, created_at=appeal.created_at
    )


@router.post("/flags", response={201: FlagOut, 429: ErrorOut, **ERRORS}, auth=SIGNED_IN)
def create_flag(request: HttpRequest, payload: FlagIn) -> Any:
    """Flag content for the community's moderators, or report a direct message
    to the site's administrators (rate-limited: 429 with Retry-After)."""
    user = viewer(request)
    kind, item = selectors.flaggable(user, payload.content_type, payload.object_id)
    if kind.name == direct.KIND:
        flag = direct.report_direct_message(
            user,
            item,
            reason=payload.reason,
            note=payload.note,
            context_count=payload.context_count,
            block_author=payload.block_author,
        )
    else:
        flag = services.flag_content(
            user, kind, item, reason=payload.reason, note=payload.note
        )
    return Status(
        201,
        FlagOut(case_id=flag.case_id, reason=flag.reason, created_at=flag.created_at),
    )


@router.get(
    "/communities/{slug}/moderation/cases",
    response={200: CaseList, **ERRORS},
    auth=SIGNED_IN,
)
def list_cases(
    request: HttpRequest,
    slug: str,
    status: Annotated[Literal["open", "resolved"], Query()] = "open",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The moderation queue, oldest first (moderators)."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    cases = selectors.queue_cases(user, community, status=status)
    page = keyset_page(cases, scope=f"cases:{status}", cursor=cursor, limit=limit)
    rows = selectors.queue_items(user, page.items)
    return {"items": [_case_out(r) for r in rows], "next_cursor": page.next_cursor}


@router.post(
    "/communities/{slug}/moderation/items/{content_type}/{object_id}/actions",
    response={200: CaseOut, **ERRORS},
    auth=SIGNED_IN,
)
def act_on_item(
    request: HttpRequest,
    slug: str,
    content_type: str,
    object_id: Id,
    payload: ActionIn,
) -> Any:
    """Hide, restore, dismiss flags on, or delete an item; or deny its appeal."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    kind, item = selectors.flaggable(user, content_type, object_id)
    if kind.community_id(item) != community.pk:
        raise Case.DoesNotExist
    case = services.moderate_content(
        user, kind, item, action=payload.action, reason=payload.reason
    )
    return _case_out(selectors.case_detail(user, case.pk))


@router.post(
    "/communities/{slug}/moderation/members/{membership_id}",
    response={200: RestrictOut, **ERRORS},
    auth=SIGNED_IN,
)
def restrict_member(
    request: HttpRequest, slug: str, membership_id: Id, payload: RestrictIn
) -> Any:
    """Warn, mute, suspend, ban a member, or lift their restrictions."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    membership = Membership.objects.select_related("community").get(
        pk=membership_id, community=community
    )
    membership = services.restrict_member(
        user,
        membership,
        action=payload.action,
        reason=payload.reason,
        days=payload.days,
    )
    return RestrictOut(
        membership_id=membership.pk,
        muted_until=membership.muted_until,
        suspended_until=membership.suspended_until,
        banned_at=membership.banned_at,
    )


@router.post(
    "/appeals/{content_type}/{object_id}",
    response={201: AppealOut, **ERRORS},
    auth=SIGNED_IN,
)
def create_appeal(
    request: HttpRequest, content_type: str, object_id: Id, payload: AppealIn
) -> Any:
    """Appeal the hiding of your own content, once."""
    user = viewer(request)
    kind = kind_named(content_type)
    kind.get(user, object_id)
    case = Case.objects.get(content_type=kind.name, object_id=object_id)
    appeal = services.appeal(user, case, text=payload.text)
    return Status(
        201,
        AppealOut(
            text=appeal.text, outcome=appeal.outcome, created_at=appeal.created_at
        ),
    )


@router.get(
    "/communities/{slug}/moderation/log",
    response={200: AuditList, **ERRORS},
    auth=SIGNED_IN,
)
def list_audit_log(
    request: HttpRequest,
    slug: str,
    kind: str = "",
    actor: str = "",
    target: str = "",
    since: datetime | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The audit log, newest first, filtered by action, actor, target, time (owners)."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    entries = selectors.audit_entries(
        user, community, kind=kind, actor=actor, target=target, since=since
    )
    page = keyset_page(entries, scope="audit", cursor=cursor, limit=limit)
    return _audit_page_out(page)


class LabelIn(Schema):
    label: Literal["verified", "needs_correction", ""]
    note: str = ""


class LabelOut(Schema):
    reply_id: int
    label: str
    label_note: str


@router.post(
    "/replies/{reply_id}/label", response={200: LabelOut, **ERRORS}, auth=SIGNED_IN
)
def label_reply(request: HttpRequest, reply_id: Id, payload: LabelIn) -> Any:
    """Label a post "verified" or "needs_correction" with a note ("" clears it;
    instructors and owners)."""
    user = viewer(request)
    post = board.visible_post(user, reply_id)
    services.label_post(user, post, label=payload.label, note=payload.note)
    return LabelOut(reply_id=post.pk, label=post.label, label_note=post.label_note)


class ModeratorLoadOut(Schema):
    handle: str
    name: str
    total: int
    by_week: list[int]


class WorkloadOut(Schema):
    open_count: int
    oldest_open_seconds: int | None
    appeals_waiting: int
    weeks: list[datetime]
    moderators: list[ModeratorLoadOut]


@router.get(
    "/communities/{slug}/moderation/workload",
    response={200: WorkloadOut, **ERRORS},
    auth=SIGNED_IN,
)
def get_workload(request: HttpRequest, slug: str) -> Any:
    """Queue size and age, and each moderator's actions per week (owners)."""
    user = viewer(request)
    load = selectors.workload(user, board.visible_community(user, slug))
    age = load.oldest_open_age
    return WorkloadOut(
        open_count=load.open_count,
        oldest_open_seconds=int(age.total_seconds()) if age else None,
        appeals_waiting=load.appeals_waiting,
        weeks=load.weeks,
        moderators=[
            ModeratorLoadOut(
                handle=m.handle, name=m.name, total=m.total, by_week=m.by_week
            )
            for m in load.moderators
        ],
    )


class BlackoutIn(Schema):
    starts_at: datetime
    ends_at: datetime
    notice: str
    categories: list[str] = Field(
        default_factory=list, description="Category slugs; none closes everything."
    )


class BlackoutOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    notice: str
    categories: list[str]


def _blackout_out(blackout: Any) -> BlackoutOut:
    return BlackoutOut(
        id=blackout.pk,
        starts_at=blackout.starts_at,
        ends_at=blackout.ends_at,
        notice=blackout.notice,
        categories=[c.slug for c in blackout.categories.all()],
    )


@router.get(
    "/communities/{slug}/blackouts",
    response={200: list[BlackoutOut], **ERRORS},
    auth=SIGNED_IN,
)
def list_blackouts(request: HttpRequest, slug: str) -> Any:
    """Current and future blackouts (owners)."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    found = selectors.blackouts(user, community).prefetch_related("categories")
    return [_blackout_out(b) for b in found]


@router.post(
    "/communities/{slug}/blackouts",
    response={201: BlackoutOut, **ERRORS},
    auth=SIGNED_IN,
)
def create_blackout(request: HttpRequest, slug: str, payload: BlackoutIn) -> Any:
    """Close posting in chosen categories for a time, with a notice (owners)."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    categories = list(
        Category.objects.filter(community=community, slug__in=payload.categories)
    )
    blackout = services.schedule_blackout(
        user,
        community,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        notice=payload.notice,
        categories=categories,
    )
    return Status(201, _blackout_out(blackout))


class ThreadActionIn(Schema):
    action: Literal["lock", "unlock", "move", "slow"]
    reason: str = ""
    category: str = Field("", description="For move: a category slug; empty: none.")
    seconds: int = Field(0, ge=0, le=86_400, description="For slow: 0 turns it off.")


class ThreadStateOut(Schema):
    id: int
    is_locked: bool
    category: str | None
    slow_mode_seconds: int


@router.post(
    "/communities/{slug}/moderation/threads/{thread_id}",
    response={200: ThreadStateOut, **ERRORS},
    auth=SIGNED_IN,
)
def act_on_thread(
    request: HttpRequest, slug: str, thread_id: Id, payload: ThreadActionIn
) -> Any:
    """Lock, unlock or move a thread, or set its slow mode, with a reason."""
    user = viewer(request)
    thread = board.visible_thread(user, thread_id)
    if thread.community.slug != slug:
        raise Http404("No such thread.")
    if payload.action == "slow":
        services.set_slow_mode(
            user, thread, seconds=payload.seconds, reason=payload.reason
        )
    elif payload.action == "move":
        category = None
        if payload.category:
            category = next(
                (
                    c
                    for c in board.categories_for(user, thread.community)
                    if c.slug == payload.category
                ),
                None,
            )
            if category is None:
                raise Http404("No such category.")
        services.move_thread(user, thread, category=category, reason=payload.reason)
    else:
        services.lock_thread(
            user, thread, locked=payload.action == "lock", reason=payload.reason
        )
    thread.refresh_from_db()
    return ThreadStateOut(
        id=thread.pk,
        is_locked=thread.is_locked,
        category=thread.category.slug if thread.category else None,
        slow_mode_seconds=thread.slow_mode_seconds,
    )


class SettingsIn(Schema):
    auto_hide_threshold: int = Field(ge=0, le=100)
    guidelines: str = ""
    word_filter: str = Field("", description='Lines of "word = block|hold|replace: x".')


class SettingsOut(SettingsIn):
    guidelines_html: str


def _settings_out(found: Any) -> SettingsOut:
    return SettingsOut(
        auto_hide_threshold=found.auto_hide_threshold,
        guidelines=found.guidelines,
        word_filter=found.word_filter,
        guidelines_html=found.guidelines_html,
    )


@router.get(
    "/communities/{slug}/moderation/settings",
    response={200: SettingsOut, **ERRORS},
    auth=SIGNED_IN,
)
def get_settings(request: HttpRequest, slug: str) -> Any:
    """The automatic-hiding threshold, guidelines and word filter (owners)."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    if not policy.can(user, Action.MANAGE_MODERATION, community):
        raise PermissionDenied("Only the community's owners can see this.")
    return _settings_out(services.settings_for(community))


@router.put(
    "/communities/{slug}/moderation/settings",
    response={200: SettingsOut, **ERRORS},
    auth=SIGNED_IN,
)
def put_settings(request: HttpRequest, slug: str, payload: SettingsIn) -> Any:
    """Replace the moderation settings (owners); the change is audited."""
    user = viewer(request)
    community = board.visible_community(user, slug)
    found = services.update_settings(user, community, **payload.dict())
    return _settings_out(found)


class MyCaseOut(Schema):
    content_type: str
    object_id: int
    # None: a direct message, reviewed by the site's administrators.
    community: str | None
    reason: str
    item: ItemOut | None
    can_appeal: bool
    appeal: AppealOut | None


class NoticeOut(Schema):
    kind: str
    # None: from the site's administrators (a reported direct message).
    community: str | None
    reason: str
    until: datetime | None
    created_at: datetime


class MineOut(Schema):
    hidden: list[MyCaseOut]
    notices: list[NoticeOut]


@router.get("/me/moderation", response={200: MineOut, **ERRORS}, auth=SIGNED_IN)
def my_moderation(request: HttpRequest) -> Any:
    """Your hidden content, with what you may appeal, and the warnings and
    restrictions you received; moderators are not named."""
    cases, notices = selectors.my_moderation(viewer(request))
    return MineOut(
        hidden=[
            MyCaseOut(
                content_type=c.case.content_type,
                object_id=c.case.object_id,
                community=c.community.slug if c.community else None,
                reason=c.reason,
                item=_item_out(c.context),
                can_appeal=c.can_appeal,
                appeal=_appeal_out(c.appeal),
            )
            for c in cases
        ],
        notices=[
            NoticeOut(
                kind=n.kind,
                community=n.community.slug if n.community else None,
                reason=n.reason,
                until=n.until,
                created_at=n.created_at,
            )
            for n in notices
        ],
    )


# --- site-level cases: reported direct messages (site administrators) ----------------


class SnapshotEntryOut(Schema):
    id: int
    number: int
    author: str = Field(description="Display name of the message's author.")
    html: str
    created_at: datetime
    reported: bool


class ReportOut(Schema):
    reporter: str = Field(description="Handle of the reporter.")
    reason: str
    note: str
    created_at: datetime
    shared: list[SnapshotEntryOut]


class SiteCaseOut(Schema):
    id: int
    author: str = Field(description="Handle of the reported message's author.")
    status: str
    resolution: str
    opened_at: datetime
    report_count: int
    is_deleted: bool
    appeal: AppealOut | None
    reports: list[ReportOut]


class SiteCaseList(Schema):
    items: list[SiteCaseOut]
    next_cursor: str | None


class SiteActionIn(Schema):
    action: Literal[
        "dismiss", "delete", "warn", "mute", "suspend", "deny_appeal", "lift"
    ]
    reason: str = ""
    days: int | None = Field(None, ge=1, le=365)


def _site_case_out(item: direct.SiteCase) -> SiteCaseOut:
    case = item.case
    return SiteCaseOut(
        id=case.pk,
        author=case.author.handle,
        status=case.status,
        resolution=case.resolution,
        opened_at=case.opened_at,
        report_count=case.flag_count,
        is_deleted=bool(item.message is not None and item.message.is_deleted),
        appeal=_appeal_out(item.appeal),
        reports=[
            ReportOut(
                reporter=f.flagger.handle,
                reason=f.reason,
                note=f.note,
                created_at=f.created_at,
                shared=[
                    SnapshotEntryOut(
                        id=e["id"],
                        number=e["number"],
                        author=item.names.get(e["author_id"], ""),
                        html=e["html"],
                        created_at=e["created_at"],
                        reported=e["reported"],
                    )
                    for e in f.context
                ],
            )
            for f in item.flags
        ],
    )


@router.get(
    "/moderation/site/cases",
    response={200: SiteCaseList, **ERRORS},
    auth=SIGNED_IN,
)
def list_site_cases(
    request: HttpRequest,
    status: Annotated[Literal["open", "resolved"], Query()] = "open",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """Reported direct messages, oldest first (site administrators; 404 for
    anyone else)."""
    user = viewer(request)
    cases = direct.site_cases(user, status=status)
    page = keyset_page(cases, scope=f"site:{status}", cursor=cursor, limit=limit)
    return {
        "items": [_site_case_out(i) for i in direct.site_items(page.items)],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/moderation/site/cases/{case_id}",
    response={200: SiteCaseOut, **ERRORS},
    auth=SIGNED_IN,
)
def get_site_case(request: HttpRequest, case_id: Id) -> Any:
    """One reported direct message with what each reporter shared."""
    return _site_case_out(direct.site_case(viewer(request), case_id))


@router.post(
    "/moderation/site/cases/{case_id}/actions",
    response={200: SiteCaseOut, **ERRORS},
    auth=SIGNED_IN,
)
def act_on_site_case(request: HttpRequest, case_id: Id, payload: SiteActionIn) -> Any:
    """Dismiss, delete the message, warn, mute from direct messages or suspend
    its author for some days, deny the appeal, or lift the case's restriction."""
    user = viewer(request)
    item = direct.site_case(user, case_id)
    direct.moderate_site_case(
        user,
        item.case,
        action=payload.action,
        reason=payload.reason,
        days=payload.days,
    )
    return _site_case_out(direct.site_case(user, case_id))


@router.get(
    "/moderation/site/log",
    response={200: AuditList, **ERRORS},
    auth=SIGNED_IN,
)
def list_site_log(
    request: HttpRequest,
    kind: str = "",
    actor: str = "",
    target: str = "",
    since: datetime | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The site-level audit log, newest first, filtered like a community's."""
    user = viewer(request)
    entries = direct.site_log(user, kind=kind, actor=actor, target=target, since=since)
    page = keyset_page(entries, scope="site-audit", cursor=cursor, limit=limit)
    return _audit_page_out(page)
