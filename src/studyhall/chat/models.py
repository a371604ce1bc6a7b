"""Chat: rooms (of a community, a study group, or a direct conversation),
their members and messages.

Each message takes the room's next number before it is fanned out, so unread
counts, history and resume all speak of one order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community


class Room(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", "Community room"
        DIRECT = "direct", "Direct messages"
        # A study group's own room: its people are the group's active members.
        GROUP = "group", "Study group room"

    class Access(models.TextChoices):
        PUBLIC = "public", "Public: every member of the community"
        MEMBERS = "members", "Members only: people added to the room"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Null for direct conversations; a room belongs to at most one owner.
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rooms",
    )
    # Set for a study group's room only; the room lives and dies with the group.
    group = models.OneToOneField(
        "groups.StudyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="room",
    )
    name = models.CharField(max_length=80, blank=True)
    slug = models.SlugField(max_length=60, blank=True, allow_unicode=True)
    topic = models.CharField(max_length=300, blank=True)
    access = models.CharField(
        max_length=20, choices=Access.choices, default=Access.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_number = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    is_archived = models.BooleanField(default=False)
    # "<smaller id>:<larger id>" for a one-to-one conversation, so two people
    # share a single one; null for every other room.
    pair_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "slug"],
                condition=Q(kind="community"),
                name="room_slug_per_community",
            ),
            models.CheckConstraint(
                condition=Q(kind="direct", community__isnull=True)
                | ~Q(kind="direct") & Q(community__isnull=False),
                name="room_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False)
                | ~Q(kind="group") & Q(group__isnull=True),
                name="room_group_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"conversation {self.pk}"

    @property
    def is_direct(self) -> bool:
        return self.kind == self.Kind.DIRECT

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP

    @property
    def is_members_only(self) -> bool:
        return self.is_direct or self.is_group or self.access == self.Access.MEMBERS


class RoomMember(models.Model):
    """A person in a room: joined (public rooms), added (members-only) or a party
    to a direct conversation. Holds how far they have read and whether muted."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms"
    )
    last_read_number = models.PositiveBigIntegerField(default=0)
    is_muted = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="one_room_member"),
        ]
        indexes = [models.Index(fields=["user", "room"])]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveBigIntegerField()
    # Chosen by the sending client; a retried send with the same id is not stored twice.
    client_id = models.CharField(max_length=64, blank=True)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField()
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Hidden pending review by the community's moderators (moderation.registry):
    # only its author and moderators read its text.
    is_hidden = models.BooleanField(default=False)
    board_thread = models.ForeignKey(
        "discussions.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_messages",
    )

    class Meta:
        ordering = ["room", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "number"], name="message_number_per_room"
            ),
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="message_client_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} in room {self.room_id}"


class MessageMention(models.Model):
    """A person named with @handle in a message who was told about it."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in message {self.message_id}"


class MessageReaction(models.Model):
    class Kind(models.TextChoices):
        THUMBS_UP = "thumbs_up", "👍"
        HEART = "heart", "❤️"
        LAUGH = "laugh", "😄"
        THANKS = "thanks", "🙏"
        EYES = "eyes", "👀"

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "kind"], name="one_message_reaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on message {self.message_id}"
