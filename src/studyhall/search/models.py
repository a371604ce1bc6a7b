"""The search index: one row per searchable thing, whatever app it comes from.

A document records what search needs to narrow candidates before the policy
sees them: its kind and object, the community whose visibility it shares, the
author (only ever matched through the policy), flags for the filters and the
text. The text index itself lives beside it: an FTS5 virtual table on SQLite
(created by a migration only there) or the `search_vector` column with a GIN
index on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from studyhall.communities.models import Community


class Document(models.Model):
    class Scope(models.TextChoices):
        """Whose visibility a document shares; policy.visible holds each rule."""

        # Whoever may see the community may find it (threads, replies,
        # opportunities).
        COMMUNITY = "community", "Readers of the community"
        # Whoever may read the chat room `scope_id` (messages).
        ROOM = "room", "Readers of the chat room"
        # Whoever may see the study group `scope_id` (hidden ones: members).
        GROUP = "group", "Those who may see the study group"
        # Whoever may see the library item `scope_id` (a group's shelf: members).
        LIBRARY = "library", "Those who may see the library item"
        # Whoever may see the profile of the person `scope_id`.
        PROFILE = "profile", "Those who may see the profile"

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The thread a discussion document belongs to, so a thread's documents can
    # be re-flagged or dropped together.
    thread_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_anonymous = models.BooleanField(default=False)
    # Hidden by moderation: found only by the author and the community's
    # moderators, as the post itself is shown (policy.visible).
    is_hidden = models.BooleanField(default=False)
    scope = models.CharField(
        max_length=20, choices=Scope.choices, default=Scope.COMMUNITY
    )
    # The room, group, library item or person whose visibility the document
    # shares; empty for the community scope.
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    is_question = models.BooleanField(default=False)
    is_answered = models.BooleanField(default=False)
    has_code = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    indexed_at = models.DateTimeField(default=timezone.now)
    # Filled and used on PostgreSQL only; SQLite keeps its text in FTS5.
    search_vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document"),
        ]
        indexes = [
            models.Index(fields=["thread_id"], name="document_thread"),
            models.Index(fields=["community", "kind"], name="document_community_kind"),
            models.Index(fields=["scope", "scope_id"], name="document_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Embedding(models.Model):
    """A document's sentence embedding (float32 bytes), for the optional semantic method."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, related_name="embedding"
    )
    model = models.CharField(max_length=100)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"embedding of {self.document_id}"


class ThreadMerge(models.Model):
    """A pointer left when a moderator merged a duplicate thread into another."""

    thread = models.OneToOneField(
        "discussions.Thread", on_delete=models.CASCADE, related_name="+"
    )
    into = models.ForeignKey(
        "discussions.Thread", on_delete=models.CASCADE, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_count = models.PositiveIntegerField(default=0)
    merged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"thread {self.thread_id} merged into {self.into_id}"
