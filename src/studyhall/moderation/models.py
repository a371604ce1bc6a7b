"""Moderation: flags, the cases they open, appeals, the audit log and settings.

A flag points at any content by kind and id ("post", 42), so other apps plug
in by registering their kind in moderation.registry; the queue shows each
kind through it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from studyhall.communities.models import Community


class ModerationSettings(models.Model):
    """A community's moderation choices, written by its owners."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="moderation_settings"
    )
    # Flags from trusted members that hide content pending review; 0 turns
    # automatic hiding off.
    auto_hide_threshold = models.PositiveSmallIntegerField(default=3)
    guidelines = models.TextField(blank=True, max_length=20_000)
    guidelines_html = models.TextField(blank=True)
    # One rule a line: "word = block", "word = hold" or "word = replace: ***".
    word_filter = models.TextField(blank=True, max_length=20_000)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"moderation settings of {self.community_id}"


class Blackout(models.Model):
    """A time (an exam, say) when posting in chosen categories is closed."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="blackouts"
    )
    # No categories: the whole community.
    categories = models.ManyToManyField(
        "discussions.Category", blank=True, related_name="blackouts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    notice = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="blackout_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"blackout in {self.community_id} from {self.starts_at:%Y-%m-%d %H:%M}"


class Reason(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment or abuse"
    MISINFORMATION = "misinformation", "Misinformation"
    OFF_TOPIC = "off_topic", "Off-topic"
    OTHER = "other", "Something else"


class Case(models.Model):
    """One piece of content under review: its flags, its state and its appeal."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        RESOLVED = "resolved", "Resolved"

    # None: a site-level case (a reported direct message), reviewed by the
    # site's administrators rather than a community's moderators.
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_cases",
    )
    content_type = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    # Whose content it is: their page lists it, and erasing them erases it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_cases",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(default=timezone.now)
    flag_count = models.PositiveIntegerField(default=0)
    is_auto_hidden = models.BooleanField(default=False)
    resolution = models.CharField(max_length=30, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_case_per_content"
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "opened_at"])]

    def __str__(self) -> str:
        return f"case on {self.content_type} {self.object_id}"


class Flag(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    # Whether the flagger was trusted when flagging: only these count towards
    # hiding content automatically.
    is_trusted = models.BooleanField(default=False)
    # A reported direct message as the reporter shared it: the message and the
    # messages before it they chose to include, each {"id", "number",
    # "author_id", "html", "created_at", "reported"}. Names are looked up when
    # shown, so an erased account's name never stays here.
    context = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "flagger"], name="one_flag_each"),
        ]
        indexes = [models.Index(fields=["flagger", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reason} flag on case {self.case_id}"


class Appeal(models.Model):
    """The author's one request to review a moderation decision again."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        GRANTED = "granted", "Granted: the content is restored"
        DENIED = "denied", "Denied: the decision stands"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal on case {self.case_id}"


class AuditEntry(models.Model):
    """Who did what, when and why: every moderation action, kept for owners."""

    class Kind(models.TextChoices):
        AUTO_HIDE = "auto_hide", "Hidden automatically after flags"
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Flags dismissed"
        EDIT = "edit", "Edited"
        DELETE = "delete", "Deleted"
        LOCK = "lock", "Thread locked"
        UNLOCK = "unlock", "Thread unlocked"
        MOVE = "move", "Thread moved"
        APPEAL_DENIED = "appeal_denied", "Appeal denied"
        WARN = "warn", "Member warned"
        MUTE = "mute", "Member muted"
        SUSPEND = "suspend", "Member suspended"
        BAN = "ban", "Member banned"
        LIFT = "lift", "Restrictions lifted"
        SETTINGS = "settings", "Moderation settings changed"
        LABEL = "label", "Post labelled by an instructor"
        HOLD = "hold", "Held for review by the word filter"
        SLOW_MODE = "slow_mode", "Slow mode changed"
        BLACKOUT = "blackout", "Blackout scheduled or cancelled"
        TRUST = "trust", "Trust level set"
        DM_MUTE = "dm_mute", "Muted from direct messages"

    # None: an action of the site's administrators on a site-level case.
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    # None: the system acted (automatic hiding).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_type = models.CharField(max_length=30, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_notices",
    )
    reason = models.CharField(max_length=1000, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.kind} in {self.community_id} at {self.created_at:%Y-%m-%d %H:%M}"
