"""Notifications, subscriptions, email preferences and the email outbox.

A notification belongs to one recipient. Board notifications point at the
community, thread and post they are about, so the policy can re-check them
with `visible` whenever they are shown; other apps' notifications point at
any row through (target_type, target_id) and carry their own text and URL.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community
from studyhall.discussions.models import Post, Thread
from studyhall.groups.models import StudySession


class Kind(models.TextChoices):
    """What a notification is about; each kind can be emailed or not."""

    REPLY = "reply", "Replies to my threads and posts"
    THREAD = "thread", "New threads where I watch"
    # New posts where the person tracks: a count that collapses, never emailed.
    ACTIVITY = "activity", "New posts where I track"
    MENTION = "mention", "@mentions"
    ACCEPTED = "accepted", "My answer accepted"
    ENDORSED = "endorsed", "My post endorsed"
    FEEDBACK = "feedback", "Private feedback"
    MESSAGE = "message", "Direct messages"
    GROUP_INVITATION = "group_invitation", "Group invitations"
    JOIN_REQUEST = "join_request", "Requests to join"
    SESSION_REMINDER = "session_reminder", "Study session reminders"
    BADGE = "badge", "Badges and certificates"
    MODERATION = "moderation", "Moderation notices"
    MENTORSHIP_REQUEST = "mentorship_request", "Mentorship requests"
    CONNECTION_REQUEST = "connection_request", "Connection requests"
    DISTINCTION = "distinction", "Alumni and expert claims"


# Kinds that can be emailed at once (the rest wait for the digest).
IMMEDIATE_EMAIL_KINDS = (Kind.MENTION, Kind.REPLY, Kind.MESSAGE, Kind.SESSION_REMINDER)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Who caused it. Never shown directly: board notifications name the
    # author through policy.author_for, which hides anonymous authors.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    text = models.CharField(max_length=300, blank=True)
    # Unread notifications with the same key collapse into one ("5 new replies").
    group_key = models.CharField(max_length=120, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-updated_at"], name="notification_list"),
            models.Index(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Level(models.TextChoices):
    WATCHING = "watching", "Watching: a notification for every new post"
    TRACKING = (
        "tracking",
        "Tracking: mentions and replies to me, and a quiet count of new posts",
    )
    NORMAL = "normal", "Normal: only mentions and replies to me"
    MUTED = "muted", "Muted: nothing at all"


class TargetType(models.TextChoices):
    """What a subscription follows. Groups and rooms belong to their apps, which
    pass their ids here; a muted person silences them everywhere."""

    COMMUNITY = "community", "Community"
    CATEGORY = "category", "Category"
    THREAD = "thread", "Thread"
    GROUP = "group", "Group"
    ROOM = "room", "Room"
    PERSON = "person", "Person"


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    target_type = models.CharField(max_length=20, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    level = models.CharField(max_length=20, choices=Level.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="one_subscription"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.target_type}.{self.target_id}"


class Digest(models.TextChoices):
    OFF = "off", "No digest"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"


class Preference(models.Model):
    """A person's notification and email settings; absent means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    time_zone = models.CharField(max_length=60, default="UTC")
    email_mention = models.BooleanField(default=True)
    email_reply = models.BooleanField(default=True)
    email_message = models.BooleanField(default=True)
    digest = models.CharField(max_length=10, choices=Digest.choices, default="daily")
    digest_hour = models.PositiveSmallIntegerField(default=8)
    triage_digest = models.BooleanField(default=True)
    # Reminders of study sessions of the person's groups; no lead time chosen
    # means the site's NOTIFICATIONS_SESSION_REMINDER_MINUTES.
    session_reminders = models.BooleanField(default=True)
    reminder_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    email_reminder = models.BooleanField(default=True)
    daily_email_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    last_triage_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="digest_hour_in_day"
            ),
            models.CheckConstraint(
                condition=Q(reminder_minutes__lte=10080), name="reminder_within_week"
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class EmailKind(models.TextChoices):
    MENTION = "mention", "Mentions"
    REPLY = "reply", "Replies to my posts"
    MESSAGE = "message", "Direct messages"
    DIGEST = "digest", "Digest"
    TRIAGE = "triage", "Instructor triage digest"
    REMINDER = "reminder", "Study session reminders"


class OutboundEmail(models.Model):
    """One email to send, kept until sent so a failure is retried, never lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed for good"
        SKIPPED = "skipped", "Not sent"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email to {self.recipient_id}: {self.status}"


class SuppressedAddress(models.Model):
    """An address that bounced or complained: no more mail goes to it."""

    email = models.EmailField(max_length=254, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.email


class SessionReminder(models.Model):
    """That a person was reminded of one occurrence of a study session.

    The unique constraint makes the reminder go out once per person and
    occurrence, however often the reminder run repeats or races itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        StudySession, on_delete=models.CASCADE, related_name="+"
    )
    occurrence_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session", "occurrence_at"], name="remind_once"
            ),
        ]
        indexes = [models.Index(fields=["session", "occurrence_at"])]

    def __str__(self) -> str:
        return f"reminded {self.user_id} of session {self.session_id}"
