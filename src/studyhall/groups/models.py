"""Study groups inside a community: members, shared resources, a project board,
study sessions and private calendar feeds."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community
from studyhall.discussions.models import Category


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class StudyGroup(models.Model):
    class Visibility(models.TextChoices):
        OPEN = "open", "Open: any member of the community can join"
        REQUEST = "request", "Request to join: organizers approve"
        INVITE = "invite", "Invite only"
        HIDDEN = "hidden", "Hidden: only members know it exists"

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="study_groups"
    )
    name = models.CharField(max_length=120)
    goal = models.TextField(max_length=2000, blank=True)
    course = models.CharField(max_length=80, blank=True)
    subject = models.CharField(max_length=120, blank=True)
    exam_date = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(default=8)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.OPEN
    )
    language = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Comma-separated slots from AVAILABILITY, e.g. "evenings,weekends".
    availability = models.CharField(max_length=100, blank=True)
    # The board category reserved for the group's discussions.
    board = models.OneToOneField(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="study_group",
    )
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Hidden pending review by the community's moderators (moderation.registry):
    # only its members and moderators know it exists.
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["community", "visibility"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=2, capacity__lte=500),
                name="group_capacity_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def open_seats(self) -> int:
        return max(self.capacity - self.member_count, 0)

    @property
    def availability_list(self) -> list[str]:
        return [a for a in self.availability.split(",") if a]


AVAILABILITY = [
    ("mornings", "Weekday mornings"),
    ("afternoons", "Weekday afternoons"),
    ("evenings", "Weekday evenings"),
    ("weekends", "Weekends"),
]


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", "Organizer"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        ACTIVE = "active", "Member"
        REQUESTED = "requested", "Asked to join"
        INVITED = "invited", "Invited"

    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_group_member")
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} in group {self.group_id} ({self.status})"


class StudyPreferences(models.Model):
    """What a person tells "find a group": their time zone, languages, free slots."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="study_preferences",
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    languages = models.CharField(max_length=120, blank=True)
    availability = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class Resource(models.Model):
    """A link or an uploaded file shared with a group."""

    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to="groups/resources/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DOING = "doing", "Doing"
        DONE = "done", "Done"

    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default="todo")
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment on task {self.task_id}"


class StudySession(models.Model):
    """A scheduled meeting of a group, one-off or weekly.

    `starts_at` is the first occurrence as an instant; `time_zone` is the zone
    the organizer scheduled it in, so a weekly session keeps its wall-clock
    time across daylight-saving changes.
    """

    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    time_zone = models.CharField(max_length=64, default="UTC")
    # An RFC 5545 recurrence rule without the "RRULE:" prefix, or "".
    rrule = models.CharField(max_length=200, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    notes = models.TextField(max_length=20_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)


class RSVP(models.Model):
    class Answer(models.TextChoices):
        GOING = "going", "Going"
        MAYBE = "maybe", "Maybe"
        NO = "no", "Not going"

    session = models.ForeignKey(
        StudySession, on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_rsvp")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} to {self.session_id}"


class CalendarFeed(models.Model):
    """A private, revocable token URL for an iCalendar feed: a person's own
    sessions (group empty) or one group's sessions seen by that person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        StudyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "group"])]

    def __str__(self) -> str:
        return f"feed of {self.user_id} for {self.group_id or 'all'}"
