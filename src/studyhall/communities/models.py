"""Communities (a course, programme or cohort space) and who belongs to them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def new_invite_token() -> str:
    return secrets.token_urlsafe(16)


class Community(models.Model):
    class Kind(models.TextChoices):
        SUPPORT = "support", "Support"
        INSIGHT = "insight", "Insight"
        SOCIAL = "social", "Social"
        ADVOCACY = "advocacy", "Advocacy"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: anyone can read"
        UNLISTED = "unlisted", "Unlisted: anyone with the link can read"
        PRIVATE = "private", "Private: members only"

    class Joining(models.TextChoices):
        OPEN = "open", "Open: anyone signed in can join"
        INVITE = "invite", "Invite link only"
        APPROVAL = "approval", "By request, approved by staff"

    class Anonymity(models.TextChoices):
        NAMED = "named", "Named posts only"
        ANONYMOUS_TO_PEERS = (
            "anonymous_to_peers",
            "Students may post anonymously to peers",
        )

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUPPORT)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    joining = models.CharField(
        max_length=20, choices=Joining.choices, default=Joining.OPEN
    )
    anonymity = models.CharField(
        max_length=30, choices=Anonymity.choices, default=Anonymity.NAMED
    )
    invite_token = models.CharField(
        max_length=40, default=new_invite_token, unique=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    member_count = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    # What the educator analytics show (issue 7): learners by name or only
    # as pseudonymous rows and counts, chat message counts (never content),
    # the smallest group a figure may describe, and whether moderators and
    # mentors may see analytics besides owners and instructors.
    analytics_show_names = models.BooleanField(default=False)
    analytics_include_chat = models.BooleanField(default=True)
    analytics_min_group = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    analytics_moderators = models.BooleanField(default=False)
    analytics_mentors = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """A member's role in one community. The policy decides what each may do."""

    OWNER = "owner", "Owner"
    INSTRUCTOR = "instructor", "Instructor"
    MODERATOR = "moderator", "Moderator"
    MENTOR = "mentor", "Mentor"
    STUDENT = "student", "Student"


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PENDING = "pending", "Waiting for approval"

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(default=timezone.now)
    # Moderation restrictions, set by moderation.services: a muted member
    # reads but cannot write; a suspended or banned one is treated as not a
    # member (and cannot rejoin) until the restriction ends.
    muted_until = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    # A trust level set by a moderator (0 new, 1 member, 2 trusted); None
    # means earned by participation (moderation.gates.trust_level).
    trust_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the member accepted the community's guidelines on joining.
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="one_membership"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} as {self.role}"
