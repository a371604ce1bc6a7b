"""Writes for study groups: every function asks the policy, validates and
changes the data in one transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.chat import services as chat
from studyhall.communities.models import Community, Membership
from studyhall.core import uploads
from studyhall.core.errors import DomainError
from studyhall.core.text import clean_text
from studyhall.core.uploads import content_type_for as content_type_for
from studyhall.discussions.models import Category
from studyhall.groups.models import (
    AVAILABILITY,
    RSVP,
    CalendarFeed,
    GroupMembership,
    Resource,
    StudyGroup,
    StudyPreferences,
    StudySession,
    Task,
    TaskComment,
)
from studyhall.policy import Action
from studyhall.realtime.services import publish

MIN_CAPACITY = 2
MAX_CAPACITY = 500
AVAILABILITY_KEYS = frozenset(k for k, _ in AVAILABILITY)


def group_stream(group: StudyGroup | int) -> str:
    return f"group.{group if isinstance(group, int) else group.pk}"


# --- validation ---------------------------------------------------------------


def clean_time_zone(value: str, field: str = "time_zone") -> str:
    """Return a known IANA time zone name or raise ValidationError."""
    value = (value or "").strip()
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            {field: "Choose a time zone from the list, such as Europe/Berlin."}
        )
    return value


def clean_availability(values: list[str] | str) -> str:
    items = values.split(",") if isinstance(values, str) else list(values)
    items = [v.strip() for v in items if v.strip()]
    unknown = [v for v in items if v not in AVAILABILITY_KEYS]
    if unknown:
        raise ValidationError({"availability": f"Unknown time slot: {unknown[0]}."})
    return ",".join(k for k, _ in AVAILABILITY if k in items)


def _required(value: str, field: str, message: str, limit: int) -> str:
    value = clean_text(value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: f"Use at most {limit} characters."})
    return value


def _optional(value: str, field: str, limit: int) -> str:
    value = clean_text(value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"Use at most {limit} characters."})
    return value


@dataclass
class GroupFields:
    name: str
    goal: str = ""
    course: str = ""
    subject: str = ""
    exam_date: dt.date | None = None
    capacity: int = 8
    visibility: str = StudyGroup.Visibility.OPEN
    language: str = ""
    time_zone: str = "UTC"
    availability: str = ""


def _clean_group_fields(fields: GroupFields) -> GroupFields:
    errors: dict[str, str] = {}
    fields.name = _required(fields.name, "name", "Give the group a name.", 120)
    fields.goal = _optional(fields.goal, "goal", 2000)
    fields.course = _optional(fields.course, "course", 80)
    fields.subject = _optional(fields.subject, "subject", 120)
    fields.language = _optional(fields.language, "language", 40)
    fields.time_zone = clean_time_zone(fields.time_zone)
    fields.availability = clean_availability(fields.availability)
    if not MIN_CAPACITY <= fields.capacity <= MAX_CAPACITY:
        errors["capacity"] = (
            f"A group holds between {MIN_CAPACITY} and {MAX_CAPACITY} people."
        )
    if fields.exam_date is not None and fields.exam_date < timezone.localdate():
        errors["exam_date"] = "The exam date is in the past; pick a later date."
    if fields.visibility not in StudyGroup.Visibility.values:
        errors["visibility"] = "Choose who can find and join the group."
    if errors:
        raise ValidationError(errors)
    return fields


# --- groups ---------------------------------------------------------------------


def create_group(
    user: User,
    community: Community,
    fields: GroupFields,
    *,
    organizers: list[User] | None = None,
) -> StudyGroup:
    """Create a study group with its board category and chat room; the creator
    organizes it.

    Further organizers must be active members of the community."""
    if not policy.can(user, Action.CREATE_GROUP, community):
        raise PermissionDenied("Join this community to start a study group.")
    fields = _clean_group_fields(fields)
    extra = [o for o in organizers or [] if o.pk != user.pk]
    members = set(
        Membership.objects.filter(
            community=community,
            status=Membership.Status.ACTIVE,
            user__in=[o.pk for o in extra],
        ).values_list("user_id", flat=True)
    )
    if any(o.pk not in members for o in extra):
        raise ValidationError({"organizers": "Organizers must be community members."})
    if len(extra) + 1 > fields.capacity:
        raise ValidationError({"capacity": "The organizers alone exceed capacity."})
    with transaction.atomic():
        group = StudyGroup.objects.create(
            community=community,
            created_by=user,
            member_count=1 + len(extra),
            **fields.__dict__,
        )
        group.board = Category.objects.create(
            community=community,
            name=f"Group: {fields.name}"[:80],
            slug=f"group-{group.pk}",
            description="Discussions of the study group.",
            position=1000,
        )
        group.save(update_fields=["board"])
        chat.open_group_room(group, created_by=user)
        for person in [user, *extra]:
            GroupMembership.objects.create(
                group=group, user=person, role=GroupMembership.Role.ORGANIZER
            )
            chat.add_to_group_room(group, person.pk)
        publish(group_stream(group), "group.created", {"group": group.pk}, actor=user)
    policy.forget(user)
    return group


def update_group(user: User, group: StudyGroup, fields: GroupFields) -> StudyGroup:
    """Change a group's details; only its organizers and the community's teachers may."""
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can change it.")
    fields = _clean_group_fields(fields)
    if fields.capacity < group.member_count:
        raise ValidationError(
            {"capacity": f"The group already has {group.member_count} members."}
        )
    with transaction.atomic():
        for key, value in fields.__dict__.items():
            setattr(group, key, value)
        group.save()
        if group.board_id is not None:
            Category.objects.filter(pk=group.board_id).update(
                name=f"Group: {fields.name}"[:80]
            )
        chat.rename_group_room(group)
        publish(group_stream(group), "group.updated", {"group": group.pk}, actor=user)
    return group


def _lock(group: StudyGroup) -> StudyGroup:
    return StudyGroup.objects.select_for_update().get(pk=group.pk)


def _activate(group: StudyGroup, membership: GroupMembership) -> None:
    """Make a membership active if a seat is free and seat the person in the
    group's room. Expects the group row locked."""
    if group.member_count >= group.capacity:
        raise DomainError(
            f"The group is full ({group.capacity} of {group.capacity} seats taken).",
            code="group_full",
        )
    membership.status = GroupMembership.Status.ACTIVE
    membership.save(update_fields=["status"])
    StudyGroup.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    group.member_count += 1
    chat.add_to_group_room(group, membership.user_id)


def join_group(user: User, group: StudyGroup) -> GroupMembership:
    """Join an open group, ask to join a request-only one, or accept an invitation.

    A full group refuses; the group row is locked so two joiners cannot take
    the last seat together."""
    if not policy.can(user, Action.JOIN, group):
        if policy.group_status(user, group) is not None:
            raise DomainError("You are already in this group.", code="already_member")
        raise PermissionDenied("This group is by invitation only.")
    with transaction.atomic():
        locked = _lock(group)
        membership, _ = GroupMembership.objects.get_or_create(
            group=locked, user=user, defaults={"status": "requested"}
        )
        if (
            membership.status == GroupMembership.Status.INVITED
            or locked.visibility == StudyGroup.Visibility.OPEN
        ):
            _activate(locked, membership)
            publish(
                group_stream(group), "member.joined", {"group": group.pk}, actor=user
            )
        else:  # Organizers hear of the request (notifications).
            publish(
                group_stream(group), "member.requested", {"group": group.pk}, actor=user
            )
    group.member_count = locked.member_count
    policy.forget(user)
    return membership


def approve_request(user: User, membership: GroupMembership) -> GroupMembership:
    """Let a person who asked to join in; organizers only, within capacity."""
    group = membership.group
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can approve requests.")
    if membership.status != GroupMembership.Status.REQUESTED:
        raise DomainError("There is no request to approve.", code="not_requested")
    with transaction.atomic():
        _activate(_lock(group), membership)
        publish(group_stream(group), "member.joined", {"group": group.pk}, actor=user)
        publish(
            f"user.{membership.user_id}",
            "group.request_answered",
            {"group": group.pk, "status": "active"},
            actor=user,
        )
    policy.forget(membership.user)
    return membership


def invite_to_group(user: User, group: StudyGroup, invitee: User) -> GroupMembership:
    """Invite a member of the community; they join when they accept."""
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can invite people.")
    if policy.role_in(invitee, group.community) is None:
        raise ValidationError(
            {"handle": "Only members of the community can be invited."}
        )
    with transaction.atomic():
        membership, created = GroupMembership.objects.get_or_create(
            group=group, user=invitee, defaults={"status": "invited"}
        )
        if not created and membership.status == GroupMembership.Status.ACTIVE:
            raise DomainError("That person is already a member.", code="already_member")
        if membership.status == GroupMembership.Status.REQUESTED:
            _activate(_lock(group), membership)
        publish(
            f"user.{invitee.pk}",
            "group.invited",
            {"group": group.pk, "status": membership.status},
            actor=user,
        )
    policy.forget(invitee)
    return membership


def leave_group(user: User, group: StudyGroup, *, member: User | None = None) -> None:
    """Leave the group, or (organizers) remove someone or decline their request.

    The last organizer cannot leave while others remain. The person leaves the
    group's room too, and their open sockets re-check every subscription."""
    target = member or user
    if target.pk != user.pk and not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can remove people.")
    with transaction.atomic():
        locked = _lock(group)
        membership = GroupMembership.objects.filter(group=locked, user=target).first()
        if membership is None:
            raise DomainError("That person is not in this group.", code="not_member")
        organizers = GroupMembership.objects.filter(
            group=locked, role="organizer", status="active"
        )
        if (
            membership.role == GroupMembership.Role.ORGANIZER
            and organizers.count() == 1
            and locked.member_count > 1
        ):
            raise DomainError(
                "Name another organizer before you leave.", code="last_organizer"
            )
        if membership.status == GroupMembership.Status.ACTIVE:
            StudyGroup.objects.filter(pk=locked.pk).update(
                member_count=F("member_count") - 1
            )
            group.member_count = locked.member_count - 1
        membership.delete()
        # Also drops the group's stream and room from the person's open sockets.
        chat.remove_from_group_room(locked, target.pk)
        publish(group_stream(group), "member.left", {"group": group.pk}, actor=user)
        publish(
            f"user.{target.pk}",
            "group.membership_ended",
            {"group": group.pk, "status": membership.status},
            actor=user,
        )
    policy.forget(target)


def set_role(
    user: User, group: StudyGroup, member: User, *, role: str
) -> GroupMembership:
    """Make an active member an organizer, or an organizer a plain member
    (organizers and the community's teachers). The last organizer stays one."""
    if not policy.can(user, Action.MANAGE_GROUP, group):
        raise PermissionDenied("Only the group's organizers can name organizers.")
    if role not in GroupMembership.Role.values:
        raise ValidationError({"role": "Choose organizer or member."})
    with transaction.atomic():
        locked = _lock(group)
        membership = GroupMembership.objects.filter(
            group=locked, user=member, status=GroupMembership.Status.ACTIVE
        ).first()
        if membership is None:
            raise DomainError("That person is not in this group.", code="not_member")
        organizers = GroupMembership.objects.filter(
            group=locked, role="organizer", status="active"
        )
        if (
            role == GroupMembership.Role.MEMBER
            and membership.role == GroupMembership.Role.ORGANIZER
            and organizers.count() == 1
        ):
            raise DomainError(
                "A group needs an organizer; name another one first.",
                code="last_organizer",
            )
        membership.role = role
        membership.save(update_fields=["role"])
        publish(
            group_stream(group),
            "member.role_changed",
            {"group": group.pk, "user": member.pk, "role": role},
            actor=user,
        )
    policy.forget(member)
    return membership


def save_preferences(
    user: User, *, time_zone: str, languages: str, availability: list[str] | str
) -> StudyPreferences:
    """Store what "find a group" matches on for the person."""
    if not user.is_authenticated:
        raise PermissionDenied("Log in to save preferences.")
    prefs, _ = StudyPreferences.objects.update_or_create(
        user=user,
        defaults={
            "time_zone": clean_time_zone(time_zone),
            "languages": _optional(languages, "languages", 120),
            "availability": clean_availability(availability),
        },
    )
    return prefs


# --- resources --------------------------------------------------------------------


def add_resource(
    user: User,
    group: StudyGroup,
    *,
    title: str,
    url: str = "",
    upload: UploadedFile | None = None,
) -> Resource:
    """Share a link or a file with the group."""
    if not policy.can(user, Action.CONTRIBUTE, group):
        raise PermissionDenied("Only members of the group can share resources.")
    title = _required(title, "title", "Give the resource a title.", 200)
    url = (url or "").strip()
    if bool(url) == bool(upload):
        raise ValidationError({"url": "Give either a link or a file, not both."})
    if url and not url.startswith(("https://", "http://")):
        raise ValidationError({"url": "Links start with https:// or http://."})
    resource = Resource(group=group, title=title, url=url, added_by=user)
    if upload is not None:
        checked = uploads.check_upload(upload)
        resource.file_name = checked.name
        resource.content_type = checked.content_type
        resource.size = checked.size
        resource.file.save(checked.content.name, checked.content, save=False)
    with transaction.atomic():
        resource.save()
        publish(group_stream(group), "resource.added", {"group": group.pk}, actor=user)
    return resource


def delete_resource(user: User, resource: Resource) -> None:
    """Remove a shared resource: whoever shared it, or an organizer."""
    group = resource.group
    if resource.added_by_id != user.pk and not policy.can(
        user, Action.MANAGE_GROUP, group
    ):
        raise PermissionDenied("Only whoever shared it or an organizer can remove it.")
    with transaction.atomic():
        if resource.file:
            resource.file.delete(save=False)
        resource.delete()


# --- project board ----------------------------------------------------------------


def _active_member(group: StudyGroup, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(
        pk=user_id,
        group_memberships__group=group,
        group_memberships__status=GroupMembership.Status.ACTIVE,
    ).first()
    if found is None:
        raise ValidationError({"assignee": "Assign the task to a member of the group."})
    return found


def create_task(
    user: User,
    group: StudyGroup,
    *,
    title: str,
    assignee_id: int | None = None,
    due_date: dt.date | None = None,
) -> Task:
    """Add a task to the group's board."""
    if not policy.can(user, Action.CONTRIBUTE, group):
        raise PermissionDenied("Only members of the group can add tasks.")
    title = _required(title, "title", "Say what needs doing.", 200)
    assignee = _active_member(group, assignee_id)
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past."})
    with transaction.atomic():
        task = Task.objects.create(
            group=group,
            title=title,
            assignee=assignee,
            due_date=due_date,
            created_by=user,
        )
        publish(group_stream(group), "task.created", {"task": task.pk}, actor=user)
    return task


def update_task(
    user: User,
    task: Task,
    *,
    status: str,
    assignee_id: int | None,
    due_date: dt.date | None,
) -> Task:
    """Move a task between to do, doing and done, or reassign it."""
    group = task.group
    if not policy.can(user, Action.CONTRIBUTE, group):
        raise PermissionDenied("Only members of the group can change tasks.")
    if status not in Task.Status.values:
        raise ValidationError({"status": "Choose to do, doing or done."})
    task.assignee = _active_member(group, assignee_id)
    task.status = status
    task.due_date = due_date
    with transaction.atomic():
        task.save()
        publish(
            group_stream(group),
            "task.updated",
            {"task": task.pk, "status": status},
            actor=user,
        )
    return task


def comment_on_task(user: User, task: Task, *, body: str) -> TaskComment:
    """Comment on a task of the group's board."""
    if not policy.can(user, Action.CONTRIBUTE, task.group):
        raise PermissionDenied("Only members of the group can comment.")
    body = _required(body, "body", "Write a comment first.", 5000)
    with transaction.atomic():
        comment = TaskComment.objects.create(task=task, author=user, body=body)
        publish(
            group_stream(task.group_id),
            "task.commented",
            {"task": task.pk},
            actor=user,
        )
    return comment


# --- study sessions ---------------------------------------------------------------


def clean_rrule(rule: str, start: dt.datetime) -> str:
    """Return a weekly RFC 5545 recurrence rule, or raise ValidationError.

    Only weekly rules are accepted (sessions are one-off or weekly), with at
    most 104 occurrences so a feed stays finite."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if not rule:
        return ""
    try:
        parsed = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {"rrule": f"The repeat rule is not valid ({error})."}
        ) from error
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    if parts.get("FREQ") != "WEEKLY":
        raise ValidationError({"rrule": "Sessions repeat weekly (FREQ=WEEKLY)."})
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise ValidationError({"rrule": "Say how many weeks (COUNT) or until when."})
    occurrences = parsed.count() or 0  # type: ignore[union-attr]
    if occurrences > 104:
        raise ValidationError({"rrule": "A session repeats at most 104 times."})
    if "UNTIL" in parts and occurrences == 0:
        raise ValidationError({"rrule": "The repeat rule ends before it starts."})
    return rule.upper()


def weekly_rule(weeks: int) -> str:
    """Return the rule for a session held every week, `weeks` times."""
    return f"FREQ=WEEKLY;COUNT={weeks}" if weeks > 1 else ""


def schedule_session(
    user: User,
    group: StudyGroup,
    *,
    title: str,
    local_start: dt.datetime,
    time_zone: str,
    duration_minutes: int = 60,
    rrule: str = "",
    meeting_link: str = "",
) -> StudySession:
    """Schedule a session at a wall-clock time in a time zone, once or weekly."""
    if not policy.can(user, Action.CONTRIBUTE, group):
        raise PermissionDenied("Only members of the group can schedule sessions.")
    title = _required(title, "title", "Give the session a title.", 200)
    zone = zoneinfo.ZoneInfo(clean_time_zone(time_zone))
    if local_start.tzinfo is None:
        start = local_start.replace(tzinfo=zone)
    else:
        start = local_start.astimezone(zone)
    if start < timezone.now():
        raise ValidationError({"starts_at": "That time has passed; pick a later one."})
    if not 5 <= duration_minutes <= 12 * 60:
        raise ValidationError({"duration_minutes": "Use 5 minutes to 12 hours."})
    meeting_link = (meeting_link or "").strip()
    if meeting_link and not meeting_link.startswith("https://"):
        raise ValidationError({"meeting_link": "Meeting links start with https://."})
    rule = clean_rrule(rrule, start.replace(tzinfo=None))
    with transaction.atomic():
        session = StudySession.objects.create(
            group=group,
            title=title,
            starts_at=start,
            time_zone=str(zone),
            duration_minutes=duration_minutes,
            rrule=rule,
            meeting_link=meeting_link,
            created_by=user,
        )
        publish(
            group_stream(group),
            "session.scheduled",
            {"session": session.pk},
            actor=user,
        )
    return session


def save_session_notes(
    user: User, session: StudySession, *, notes: str
) -> StudySession:
    """Keep notes of what the session covered."""
    if not policy.can(user, Action.CONTRIBUTE, session.group):
        raise PermissionDenied("Only members of the group can write notes.")
    session.notes = _optional(notes, "notes", 20_000)
    session.updated_at = timezone.now()
    with transaction.atomic():
        session.save(update_fields=["notes", "updated_at"])
        publish(
            group_stream(session.group_id),
            "session.notes_saved",
            {"session": session.pk},
            actor=user,
        )
    return session


def rsvp(user: User, session: StudySession, *, answer: str) -> RSVP:
    """Answer going, maybe or no; answering again changes the one answer."""
    if not policy.can(user, Action.CONTRIBUTE, session.group):
        raise PermissionDenied("Only members of the group can answer.")
    if answer not in RSVP.Answer.values:
        raise ValidationError({"answer": "Answer going, maybe or no."})
    with transaction.atomic():
        try:
            with transaction.atomic():
                row, created = RSVP.objects.get_or_create(
                    session=session, user=user, defaults={"answer": answer}
                )
        except IntegrityError:
            # Two answers raced: the unique constraint kept one; update it.
            row, created = RSVP.objects.get(session=session, user=user), False
        if not created:
            row.answer = answer
            row.updated_at = timezone.now()
            row.save(update_fields=["answer", "updated_at"])
    return row


# --- calendar feeds ---------------------------------------------------------------


def create_feed(user: User, group: StudyGroup | None = None) -> CalendarFeed:
    """Make a private feed URL of the person's sessions (or one group's)."""
    if not user.is_authenticated:
        raise PermissionDenied("Log in to get a calendar feed.")
    if group is not None and not policy.can(user, Action.VIEW_GROUP_SPACE, group):
        raise Http404
    return CalendarFeed.objects.create(user=user, group=group)


def revoke_feed(user: User, feed: CalendarFeed) -> None:
    """Stop a feed URL from working; calendars using it get nothing more."""
    if feed.user_id != user.pk:
        raise Http404
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])


def parse_local_start(date: Any, time: Any) -> dt.datetime:
    return dt.datetime.combine(date, time)
