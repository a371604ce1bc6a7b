"""Discussion boards: categories, threads, posts, reactions, read marks and drafts.

A thread's opening text is its post number 1; replies follow in order. Every
post stores its Markdown source and the sanitized HTML rendered once on save.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community


class Category(models.Model):
    class Anonymity(models.TextChoices):
        INHERIT = "inherit", "As the community"
        NAMED = "named", "Named posts only"
        ANONYMOUS_TO_PEERS = (
            "anonymous_to_peers",
            "Students may post anonymously to peers",
        )

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, allow_unicode=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    anonymity = models.CharField(
        max_length=30, choices=Anonymity.choices, default=Anonymity.INHERIT
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="category_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        DISCUSSION = "discussion", "Discussion"
        ANNOUNCEMENT = "announcement", "Announcement"

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="threads"
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
    )
    # PROTECT: deleting a person must not silently delete others' replies;
    # accounts are deactivated rather than deleted.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    title = models.CharField(max_length=200)
    is_anonymous = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    # Moderation: a hidden thread is seen only by its author and moderators;
    # a locked one takes no new replies except from moderators.
    is_hidden = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    # Slow mode: seconds each person waits between replies (0: off).
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    accepted_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    has_endorsed_reply = models.BooleanField(default=False)
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    last_post_number = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "-is_pinned", "-last_activity_at"],
                name="thread_list_active",
            ),
            models.Index(fields=["community", "-created_at"], name="thread_list_new"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.accepted_post_id is not None


class PostLabel(models.TextChoices):
    VERIFIED = "verified", "Verified by instructor"
    NEEDS_CORRECTION = "needs_correction", "Needs correction"


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    number = models.PositiveIntegerField()
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField(max_length=50_000)
    body_html = models.TextField()
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    # Moderation: a hidden post keeps its place; only its author and
    # moderators read its text until it is restored.
    is_hidden = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    # An instructor's label against misinformation, shown wherever the post
    # shows; set through moderation.services.label_post.
    label = models.CharField(max_length=20, choices=PostLabel.choices, blank=True)
    label_note = models.CharField(max_length=500, blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    labelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="post_number"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} in thread {self.thread_id}"

    @property
    def is_opening(self) -> bool:
        return self.number == 1

    @property
    def is_endorsed(self) -> bool:
        return self.endorsed_at is not None


class PostRevision(models.Model):
    """The text of a post before one edit; the newest text lives on the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", "Thanks"
        PLUS_ONE = "plus_one", "+1"
        INSIGHTFUL = "insightful", "Insightful"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="one_reaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class ReadMark(models.Model):
    """How far a person has read a thread, by post number."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="read_marks"
    )
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="one_read_mark"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to #{self.last_read_number}"


class Draft(models.Model):
    """A composer's unsent text, saved on the server so nothing typed is lost.

    `key` names the composer: "thread:<community id>" for a new thread,
    "reply:<thread id>" for a reply, "edit:<post id>" for an edit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=400, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="one_draft_per_composer"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="draft_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"draft {self.key} of {self.user_id}"
