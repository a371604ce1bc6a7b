"""Study groups, their tasks and sessions, the library, and live sessions.

Thin: the same services and selectors as the pages; hidden groups and
private shelves answer 404 to everyone who may not know they exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.api.pagination import DEFAULT_LIMIT, keyset_page
from studyhall.api.params import Cursor, Id, Limit
from studyhall.api.schemas import ERRORS
from studyhall.api.security import ANYONE, SIGNED_IN, viewer
from studyhall.chat import selectors as chat_selectors
from studyhall.discussions.selectors import visible_community
from studyhall.groups import selectors as groups
from studyhall.groups import services as group_services
from studyhall.groups.models import (
    CalendarFeed,
    GroupMembership,
    Resource,
    StudyGroup,
    StudySession,
    Task,
)
from studyhall.library import selectors as library
from studyhall.library import services as library_services
from studyhall.library.models import LibraryItem
from studyhall.live import selectors as live_selectors
from studyhall.live import services as live_services
from studyhall.policy import Action

router = Router(tags=["groups"])


# --- schemas ----------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    community: str
    name: str
    goal: str
    course: str
    subject: str
    exam_date: dt.date | None
    capacity: int
    member_count: int
    open_seats: int
    visibility: str
    language: str
    time_zone: str
    availability: list[str]
    my_status: str | None
    # The group's chat room, for its members (GET /groups/<id> only).
    room: int | None = None


class GroupList(Schema):
    items: list[GroupOut]
    next_cursor: str | None


class GroupIn(Schema):
    name: str
    goal: str = ""
    course: str = ""
    subject: str = ""
    exam_date: dt.date | None = None
    capacity: int = 8
    visibility: str = "open"
    language: str = ""
    time_zone: str = "UTC"
    availability: list[str] = []
    # Handles of further organizers, members of the community.
    organizers: list[str] = []


class RoleIn(Schema):
    role: str


class GroupPatch(Schema):
    """Only the fields sent change; the others keep their values."""

    name: str | None = None
    goal: str | None = None
    course: str | None = None
    subject: str | None = None
    exam_date: dt.date | None = None
    capacity: int | None = None
    visibility: str | None = None
    language: str | None = None
    time_zone: str | None = None
    availability: list[str] | None = None


class MembershipOut(Schema):
    group: int
    status: str
    role: str


class MemberOut(Schema):
    user: int
    handle: str
    name: str
    role: str
    status: str


class InviteIn(Schema):
    handle: str


class ResourceOut(Schema):
    id: int
    title: str
    url: str
    file_name: str
    size: int
    added_by: int


class ResourceIn(Schema):
    title: str
    url: str


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    task: int
    author: int
    body: str
    created_at: dt.datetime


class NotesIn(Schema):
    notes: str


class TaskDetail(Schema):
    id: int
    title: str
    status: str
    assignee: int | None
    due_date: dt.date | None
    comments: list[CommentOut]


class FeedIn(Schema):
    # A group's sessions only; leave out for all your sessions.
    group: int | None = None


class FeedOut(Schema):
    id: int
    group: int | None
    url: str
    created_at: dt.datetime


class TaskOut(Schema):
    id: int
    title: str
    status: str
    assignee: int | None
    due_date: dt.date | None


class TaskIn(Schema):
    title: str
    assignee: int | None = None
    due_date: dt.date | None = None


class TaskPatch(Schema):
    status: str
    assignee: int | None = None
    due_date: dt.date | None = None


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    next_start: dt.datetime | None
    time_zone: str
    duration_minutes: int
    rrule: str
    meeting_link: str
    going_count: int
    maybe_count: int
    my_answer: str


class SessionIn(Schema):
    title: str
    local_start: dt.datetime
    time_zone: str
    duration_minutes: int = 60
    rrule: str = ""
    meeting_link: str = ""


class RSVPIn(Schema):
    answer: str


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    authors: str
    year: int | None
    url: str
    doi: str
    tags: list[str]
    course: str
    summary: str
    useful_count: int
    comment_count: int
    recommended_for: list[str]


class ItemList(Schema):
    items: list[ItemOut]
    next_cursor: str | None


class ItemIn(Schema):
    title: str
    kind: str = "paper"
    authors: str = ""
    year: int | None = None
    url: str = ""
    doi: str = ""
    tags: list[str] = []
    course: str = ""
    summary: str = ""


class BibtexIn(Schema):
    bibtex: str
    course: str = ""


class VoteIn(Schema):
    options: list[int]


class OptionOut(Schema):
    id: int
    text: str
    count: int


class PollOut(Schema):
    id: int
    question: str
    kind: str
    is_open: bool
    is_anonymous: bool
    total: int
    has_voted: bool
    options: list[OptionOut]


class QuestionOut(Schema):
    id: int
    body: str
    author: str
    upvote_count: int
    is_answered: bool
    is_pinned: bool


class LiveOut(Schema):
    id: int
    title: str
    is_open: bool
    attendance_count: int
    polls: list[PollOut]
    questions: list[QuestionOut]
    raised_hands: int


class QuestionIn(Schema):
    body: str
    is_anonymous: bool = False


# --- presenters -------------------------------------------------------------------


def _group_out(user: Any, group: StudyGroup) -> GroupOut:
    status = policy.group_status(user, group)
    return GroupOut(
        id=group.pk,
        community=group.community.slug,
        name=group.name,
        goal=group.goal,
        course=group.course,
        subject=group.subject,
        exam_date=group.exam_date,
        capacity=group.capacity,
        member_count=group.member_count,
        open_seats=group.open_seats,
        visibility=group.visibility,
        language=group.language,
        time_zone=group.time_zone,
        availability=group.availability_list,
        my_status=status[1] if status else None,
    )


def _resource_out(resource: Resource) -> ResourceOut:
    return ResourceOut(
        id=resource.pk,
        title=resource.title,
        url=resource.url,
        file_name=resource.file_name,
        size=resource.size,
        added_by=resource.added_by_id,
    )


def _task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        title=task.title,
        status=task.status,
        assignee=task.assignee_id,
        due_date=task.due_date,
    )


def _session_out(view: groups.SessionView) -> SessionOut:
    s = view.session
    return SessionOut(
        id=s.pk,
        title=s.title,
        starts_at=s.starts_at,
        next_start=view.next_start,
        time_zone=s.time_zone,
        duration_minutes=s.duration_minutes,
        rrule=s.rrule,
        meeting_link=s.meeting_link,
        going_count=view.going_count,
        maybe_count=view.maybe_count,
        my_answer=view.my_answer,
    )


def item_out(item: LibraryItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        kind=item.kind,
        title=item.title,
        authors=item.authors,
        year=item.year,
        url=item.url,
        doi=item.doi,
        tags=item.tag_list,
        course=item.course,
        summary=item.summary,
        useful_count=item.useful_count,
        comment_count=item.comment_count,
        recommended_for=[r.course for r in item.recommendations.all()],
    )


# --- groups -----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/groups", response={200: GroupList, **ERRORS}, auth=ANYONE
)
def list_groups(
    request: HttpRequest,
    slug: str,
    course: str = "",
    subject: str = "",
    language: str = "",
    availability: str = "",
    time_zone: str = "",
    open_seats: bool = False,
) -> Any:
    """Find groups of a community (hidden groups only for their members)."""
    user = viewer(request)
    community = visible_community(user, slug)
    rows = groups.groups_of(
        user,
        community,
        groups.GroupFilters(
            course=course,
            subject=subject,
            language=language,
            availability=availability,
            time_zone=time_zone,
            open_seats=open_seats,
        ),
    )
    return {"items": [_group_out(user, g) for g in rows], "next_cursor": None}


@router.post(
    "/communities/{slug}/groups", response={201: GroupOut, **ERRORS}, auth=SIGNED_IN
)
def create_group(request: HttpRequest, slug: str, payload: GroupIn) -> Any:
    """Start a study group; you become its organizer."""
    user = viewer(request)
    community = visible_community(user, slug)
    data = payload.dict()
    data["availability"] = ",".join(data["availability"])
    handles = [h.strip().lstrip("@") for h in data.pop("organizers") if h.strip()]
    organizers = list(User.objects.filter(handle__in=handles, is_active=True))
    if len(organizers) != len(set(handles)):
        raise ValidationError({"organizers": "Some handles are unknown."})
    group = group_services.create_group(
        user, community, group_services.GroupFields(**data), organizers=organizers
    )
    return Status(201, _group_out(user, group))


@router.get("/groups/{group_id}", response={200: GroupOut, **ERRORS}, auth=ANYONE)
def get_group(request: HttpRequest, group_id: Id) -> Any:
    """Show one group; its members also get the id of its chat room."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    out = _group_out(user, group)
    room = chat_selectors.group_room(user, group)
    out.room = room.pk if room is not None else None
    return out


@router.patch("/groups/{group_id}", response={200: GroupOut, **ERRORS}, auth=SIGNED_IN)
def update_group(request: HttpRequest, group_id: Id, payload: GroupPatch) -> Any:
    """Change a group's details (organizers and the community's teachers)."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    fields = group_services.GroupFields(
        name=group.name,
        goal=group.goal,
        course=group.course,
        subject=group.subject,
        exam_date=group.exam_date,
        capacity=group.capacity,
        visibility=group.visibility,
        language=group.language,
        time_zone=group.time_zone,
        availability=group.availability,
    )
    for key, value in payload.dict(exclude_unset=True).items():
        if value is None and key != "exam_date":
            continue  # null keeps the value; only the exam date can be cleared
        if key == "availability":
            value = ",".join(value)
        setattr(fields, key, value)
    group = group_services.update_group(user, group, fields)
    return _group_out(user, group)


@router.get(
    "/groups/{group_id}/members",
    response={200: list[MemberOut], **ERRORS},
    auth=ANYONE,
)
def list_members(request: HttpRequest, group_id: Id) -> Any:
    """The group's members; its members also see invitations and requests."""
    user = viewer(request)
    members, pending = groups.group_members(user, groups.visible_group(user, group_id))
    return [
        MemberOut(
            user=m.user_id,
            handle=m.user.handle,
            name=m.user.display_name,
            role=m.role,
            status=m.status,
        )
        for m in [*members, *pending]
    ]


def _membership_of(group: StudyGroup, user_id: int) -> GroupMembership:
    membership = (
        GroupMembership.objects.filter(group=group, user_id=user_id)
        .select_related("group__community", "user")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


@router.post(
    "/groups/{group_id}/requests/{user_id}/approval",
    response={200: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def approve_request(request: HttpRequest, group_id: Id, user_id: Id) -> Any:
    """Let a person who asked to join in (organizers, within capacity)."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can approve requests.")
    membership = group_services.approve_request(user, _membership_of(group, user_id))
    return MembershipOut(group=group.pk, status=membership.status, role=membership.role)


@router.delete(
    "/groups/{group_id}/members/{user_id}",
    response={204: None, **ERRORS},
    auth=SIGNED_IN,
)
def remove_member(request: HttpRequest, group_id: Id, user_id: Id) -> Any:
    """Remove a member, decline a request or withdraw an invitation (organizers);
    for yourself, the same as leaving."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    if user_id != user.pk and not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can remove people.")
    membership = _membership_of(group, user_id)
    group_services.leave_group(user, group, member=membership.user)
    return Status(204, None)


@router.put(
    "/groups/{group_id}/members/{user_id}",
    response={200: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def set_role(request: HttpRequest, group_id: Id, user_id: Id, payload: RoleIn) -> Any:
    """Make a member an organizer (`organizer`) or a plain member (`member`)."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can name organizers.")
    target = _membership_of(group, user_id).user
    membership = group_services.set_role(user, group, target, role=payload.role)
    return MembershipOut(group=group.pk, status=membership.status, role=membership.role)


@router.post(
    "/groups/{group_id}/invitations",
    response={201: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def invite(request: HttpRequest, group_id: Id, payload: InviteIn) -> Any:
    """Invite a member of the community by handle (organizers)."""
    user = viewer(request)
    group = groups.visible_group(user, group_id)
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can invite people.")
    invitee = User.objects.filter(
        handle__iexact=payload.handle.strip().lstrip("@"), is_active=True
    ).first()
    if invitee is None:
        raise ValidationError({"handle": "No member has that handle."})
    membership = group_services.invite_to_group(user, group, invitee)
    return Status(
        201,
        MembershipOut(group=group.pk, status=membership.status, role=membership.role),
    )


@router.get(
    "/communities/{slug}/groups/suggested",
    response={200: list[GroupOut], **ERRORS},
    auth=SIGNED_IN,
)
def suggested_groups(request: HttpRequest, slug: str) -> Any:
    """Groups of the community you might join, best match first."""
    user = viewer(request)
    community = visible_community(user, slug)
    return [_group_out(user, g) for g in groups.suggested_groups(user, community)]


@router.post(
    "/groups/{group_id}/membership",
    response={200: MembershipOut, **ERRORS},
    auth=SIGNED_IN,
)
def join_group(request: HttpRequest, group_id: Id) -> Any:
    """Join an open group, ask to join, or accept an invitation."""
    user = viewer(request)
    membership = group_services.join_group(user, groups.visible_group(user, group_id))
    return MembershipOut(group=group_id, status=membership.status, role=membership.role)


@router.delete(
    "/groups/{group_id}/membership", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def leave_group(request: HttpRequest, group_id: Id) -> Any:
    """Leave the group (or withdraw a request or decline an invitation)."""
    user = viewer(request)
    group_services.leave_group(user, groups.visible_group(user, group_id))
    return Status(204, None)


@router.get(
    "/groups/{group_id}/resources",
    response={200: list[ResourceOut], **ERRORS},
    auth=ANYONE,
)
def list_resources(request: HttpRequest, group_id: Id) -> Any:
    """The group's shared links and files (members only); files download from
    the page's address `/g/resources/<id>/`."""
    group = groups.group_space(viewer(request), group_id)
    return [_resource_out(r) for r in group.resources.all()[:100]]


@router.post(
    "/groups/{group_id}/resources",
    response={201: ResourceOut, **ERRORS},
    auth=SIGNED_IN,
)
def add_resource(request: HttpRequest, group_id: Id, payload: ResourceIn) -> Any:
    """Share a link with the group (files are uploaded from the group page)."""
    user = viewer(request)
    resource = group_services.add_resource(
        user, groups.group_space(user, group_id), title=payload.title, url=payload.url
    )
    return Status(201, _resource_out(resource))


@router.post(
    "/groups/{group_id}/resources/files",
    response={201: ResourceOut, **ERRORS},
    auth=SIGNED_IN,
)
def upload_resource(
    request: HttpRequest,
    group_id: Id,
    title: Form[str],
    file: File[UploadedFile],
) -> Any:
    """Share a file with the group (multipart form: `title`, `file`); the same
    size and type limits as the page, and it downloads as an attachment."""
    user = viewer(request)
    resource = group_services.add_resource(
        user, groups.group_space(user, group_id), title=title, upload=file
    )
    return Status(201, _resource_out(resource))


@router.get("/tasks/{task_id}", response={200: TaskDetail, **ERRORS}, auth=ANYONE)
def get_task(request: HttpRequest, task_id: Id) -> Any:
    """One task of a group's board with its comments (members only)."""
    task = groups.visible_task(viewer(request), task_id)
    comments = task.comments.all()[:500]
    return TaskDetail(
        **_task_out(task).dict(),
        comments=[
            CommentOut(
                id=c.pk,
                task=c.task_id,
                author=c.author_id,
                body=c.body,
                created_at=c.created_at,
            )
            for c in comments
        ],
    )


@router.post(
    "/tasks/{task_id}/comments", response={201: CommentOut, **ERRORS}, auth=SIGNED_IN
)
def comment_on_task(request: HttpRequest, task_id: Id, payload: CommentIn) -> Any:
    """Comment on a task of the group's board."""
    user = viewer(request)
    comment = group_services.comment_on_task(
        user, groups.visible_task(user, task_id), body=payload.body
    )
    return Status(
        201,
        CommentOut(
            id=comment.pk,
            task=comment.task_id,
            author=comment.author_id,
            body=comment.body,
            created_at=comment.created_at,
        ),
    )


@router.put(
    "/sessions/{session_id}/notes", response={200: NotesIn, **ERRORS}, auth=SIGNED_IN
)
def save_notes(request: HttpRequest, session_id: Id, payload: NotesIn) -> Any:
    """Keep notes of what a study session covered."""
    user = viewer(request)
    session = group_services.save_session_notes(
        user, groups.visible_session(user, session_id), notes=payload.notes
    )
    return NotesIn(notes=session.notes)


@router.get(
    "/groups/{group_id}/tasks", response={200: list[TaskOut], **ERRORS}, auth=ANYONE
)
def list_tasks(request: HttpRequest, group_id: Id) -> Any:
    """The group's project board (members only)."""
    group = groups.group_space(viewer(request), group_id)
    return [_task_out(t) for t in group.tasks.all()[:300]]


@router.post(
    "/groups/{group_id}/tasks", response={201: TaskOut, **ERRORS}, auth=SIGNED_IN
)
def create_task(request: HttpRequest, group_id: Id, payload: TaskIn) -> Any:
    """Add a task to the group's board."""
    user = viewer(request)
    task = group_services.create_task(
        user,
        groups.group_space(user, group_id),
        title=payload.title,
        assignee_id=payload.assignee,
        due_date=payload.due_date,
    )
    return Status(201, _task_out(task))


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, auth=SIGNED_IN)
def update_task(request: HttpRequest, task_id: Id, payload: TaskPatch) -> Any:
    """Move a task to another status or reassign it."""
    user = viewer(request)
    task = group_services.update_task(
        user,
        groups.visible_task(user, task_id),
        status=payload.status,
        assignee_id=payload.assignee,
        due_date=payload.due_date,
    )
    return _task_out(task)


@router.get(
    "/groups/{group_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    auth=ANYONE,
)
def list_sessions(request: HttpRequest, group_id: Id) -> Any:
    """The group's study sessions with their next start (members only)."""
    user = viewer(request)
    group = groups.group_space(user, group_id)
    views = groups.session_views(user, group.sessions.all(), groups.viewer_zone(user))
    return [_session_out(v) for v in views]


@router.post(
    "/groups/{group_id}/sessions",
    response={201: SessionOut, **ERRORS},
    auth=SIGNED_IN,
)
def schedule_session(request: HttpRequest, group_id: Id, payload: SessionIn) -> Any:
    """Schedule a session; `local_start` without an offset is read in `time_zone`."""
    user = viewer(request)
    group = groups.group_space(user, group_id)
    session = group_services.schedule_session(
        user,
        group,
        title=payload.title,
        local_start=payload.local_start,
        time_zone=payload.time_zone,
        duration_minutes=payload.duration_minutes,
        rrule=payload.rrule,
        meeting_link=payload.meeting_link,
    )
    (view,) = groups.session_views(
        user, StudySession.objects.filter(pk=session.pk), groups.viewer_zone(user)
    )
    return Status(201, _session_out(view))


@router.put(
    "/sessions/{session_id}/rsvp", response={200: RSVPIn, **ERRORS}, auth=SIGNED_IN
)
def rsvp(request: HttpRequest, session_id: Id, payload: RSVPIn) -> Any:
    """Answer going, maybe or no; answering again replaces the answer."""
    user = viewer(request)
    row = group_services.rsvp(
        user, groups.visible_session(user, session_id), answer=payload.answer
    )
    return RSVPIn(answer=row.answer)


# --- calendar feeds -------------------------------------------------------------


def _feed_out(request: HttpRequest, feed: CalendarFeed) -> FeedOut:
    path = reverse("groups:feed", kwargs={"token": feed.token})
    return FeedOut(
        id=feed.pk,
        group=feed.group_id,
        url=request.build_absolute_uri(path),
        created_at=feed.created_at,
    )


@router.get("/calendar-feeds", response={200: list[FeedOut], **ERRORS}, auth=SIGNED_IN)
def list_feeds(request: HttpRequest) -> Any:
    """Your private iCalendar addresses that still work."""
    return [_feed_out(request, f) for f in groups.feeds_of(viewer(request))]


@router.post("/calendar-feeds", response={201: FeedOut, **ERRORS}, auth=SIGNED_IN)
def create_feed(request: HttpRequest, payload: FeedIn) -> Any:
    """Make a private iCalendar address of all your sessions, or of one group's."""
    user = viewer(request)
    group = groups.group_space(user, payload.group) if payload.group else None
    return Status(201, _feed_out(request, group_services.create_feed(user, group)))


@router.delete(
    "/calendar-feeds/{feed_id}", response={204: None, **ERRORS}, auth=SIGNED_IN
)
def revoke_feed(request: HttpRequest, feed_id: Id) -> Any:
    """Stop an address from working; calendars using it get nothing more."""
    user = viewer(request)
    feed = CalendarFeed.objects.filter(pk=feed_id, user=user).first()
    if feed is None:
        raise Http404("No such feed.")
    group_services.revoke_feed(user, feed)
    return Status(204, None)


# --- library ----------------------------------------------------------------------


@router.get(
    "/communities/{slug}/library", response={200: ItemList, **ERRORS}, auth=ANYONE
)
def list_library(
    request: HttpRequest,
    slug: str,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    tag: str = "",
    course: str = "",
) -> Any:
    """The community's library, newest first."""
    user = viewer(request)
    community = visible_community(user, slug)
    items = library.shelf(user, community, sort="new", tag=tag, course=course)
    page = keyset_page(
        items, scope=f"library:{community.pk}", cursor=cursor, limit=limit
    )
    return {
        "items": [item_out(i) for i in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/communities/{slug}/library", response={201: ItemOut, **ERRORS}, auth=SIGNED_IN
)
def add_item(request: HttpRequest, slug: str, payload: ItemIn) -> Any:
    """Add an item to the community's library."""
    user = viewer(request)
    community = visible_community(user, slug)
    item = library_services.add_item(
        user, community, library_services.ItemFields(**payload.dict())
    )
    return Status(201, item_out(library.visible_item(user, item.pk)))


@router.post(
    "/communities/{slug}/library/bibtex",
    response={201: list[ItemOut], **ERRORS},
    auth=SIGNED_IN,
)
def import_bibtex(request: HttpRequest, slug: str, payload: BibtexIn) -> Any:
    """Import BibTeX entries into the community's library (all or none)."""
    user = viewer(request)
    community = visible_community(user, slug)
    made = library_services.import_bibtex(
        user, community, payload.bibtex, course=payload.course
    )
    return Status(201, [item_out(i) for i in made])


@router.get("/library/{item_id}", response={200: ItemOut, **ERRORS}, auth=ANYONE)
def get_item(request: HttpRequest, item_id: Id) -> Any:
    """Show one library item."""
    return item_out(library.visible_item(viewer(request), item_id))


# Beside GET: a path belongs to one router, or its other methods answer 405.
@router.delete("/library/{item_id}", response={204: None, **ERRORS}, auth=SIGNED_IN)
def delete_item(request: HttpRequest, item_id: Id) -> Any:
    """Remove an item: whoever added it, or a moderator."""
    user = viewer(request)
    library_services.delete_item(user, library.visible_item(user, item_id))
    return Status(204, None)


# --- live sessions ----------------------------------------------------------------


def live_out(user: Any, live_id: int) -> LiveOut:
    live = live_selectors.visible_live(user, live_id)
    page = live_selectors.live_page(user, live)
    return LiveOut(
        id=live.pk,
        title=live.title,
        is_open=live.is_open,
        attendance_count=page.attendance_count,
        polls=[
            PollOut(
                id=p.poll.pk,
                question=p.poll.question,
                kind=p.poll.kind,
                is_open=p.poll.is_open,
                is_anonymous=p.poll.is_anonymous,
                total=p.total,
                has_voted=p.has_voted,
                options=[
                    OptionOut(id=r.option.pk, text=r.option.text, count=r.count)
                    for r in p.results
                ],
            )
            for p in page.polls
        ],
        questions=[
            QuestionOut(
                id=q.question.pk,
                body=q.question.body,
                author=q.author.name,
                upvote_count=q.question.upvote_count,
                is_answered=q.question.is_answered,
                is_pinned=q.question.is_pinned,
            )
            for q in page.questions
        ],
        raised_hands=len(page.hands),
    )


@router.get("/live/{live_id}", response={200: LiveOut, **ERRORS}, auth=ANYONE)
def get_live(request: HttpRequest, live_id: Id) -> Any:
    """A live session's polls, questions and queue, as the person may see them."""
    return live_out(viewer(request), live_id)


@router.post(
    "/live/{live_id}/polls/{poll_id}/votes",
    response={201: LiveOut, **ERRORS},
    auth=SIGNED_IN,
)
def vote(request: HttpRequest, live_id: Id, poll_id: Id, payload: VoteIn) -> Any:
    """Vote in a poll; a second vote answers 409."""
    user = viewer(request)
    live = live_selectors.visible_live(user, live_id)
    live_services.vote(
        user, live_selectors.poll_of(live, poll_id), option_ids=payload.options
    )
    return Status(201, live_out(user, live_id))


@router.post(
    "/live/{live_id}/questions", response={201: LiveOut, **ERRORS}, auth=SIGNED_IN
)
def ask(request: HttpRequest, live_id: Id, payload: QuestionIn) -> Any:
    """Ask a question in a live session."""
    user = viewer(request)
    live = live_selectors.visible_live(user, live_id)
    live_services.ask_question(
        user, live, body=payload.body, is_anonymous=payload.is_anonymous
    )
    return Status(201, live_out(user, live_id))


@router.post(
    "/live/{live_id}/questions/{question_id}/upvote",
    response={200: LiveOut, **ERRORS},
    auth=SIGNED_IN,
)
def upvote(request: HttpRequest, live_id: Id, question_id: Id) -> Any:
    """Upvote a question, or take the upvote back."""
    user = viewer(request)
    live = live_selectors.visible_live(user, live_id)
    live_services.upvote_question(user, live_selectors.question_of(live, question_id))
    return live_out(user, live_id)
