"""Profiles, the network between people, mentorship and opportunities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community


class Visibility(models.TextChoices):
    """Who may see a field or an item. Each level includes the ones after it."""

    PUBLIC = "public", "Anyone (needs a public profile)"
    COMMUNITIES = "communities", "Members of my communities"
    CONNECTIONS = "connections", "My connections"
    ONLY_ME = "only_me", "Only me"


# Fields whose visibility the person chooses; display name and handle show
# to whoever may see the profile at all, and email to nobody else.
PROFILE_FIELDS = (
    "pronouns",
    "avatar",
    "headline",
    "bio",
    "interests",
    "skills",
    "objectives",
    "time_zone",
    "languages",
    "links",
    "achievements",
)


def _visibility_field() -> models.CharField[str, str]:
    return models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.COMMUNITIES
    )


class Profile(models.Model):
    """What a person tells others about themself, with who may see each part."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    is_public = models.BooleanField(
        default=False, help_text="Opt-in: fields set to Anyone show to visitors."
    )
    pronouns = models.CharField(max_length=40, blank=True)
    avatar = models.FileField(upload_to="avatars/", blank=True)
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True, max_length=5000)
    bio_html = models.TextField(blank=True)
    objectives = models.TextField(blank=True, max_length=2000)
    time_zone = models.CharField(max_length=60, blank=True)
    website = models.URLField(blank=True, max_length=300)
    linkedin = models.URLField(blank=True, max_length=300)
    github = models.CharField(blank=True, max_length=39)
    orcid = models.CharField(blank=True, max_length=19)
    pronouns_visibility = _visibility_field()
    avatar_visibility = _visibility_field()
    headline_visibility = _visibility_field()
    bio_visibility = _visibility_field()
    interests_visibility = _visibility_field()
    skills_visibility = _visibility_field()
    objectives_visibility = _visibility_field()
    time_zone_visibility = _visibility_field()
    languages_visibility = _visibility_field()
    links_visibility = _visibility_field()
    achievements_visibility = _visibility_field()
    # Mentoring, offered by people with a mentoring or teaching role.
    is_mentor = models.BooleanField(default=False)
    mentor_areas = models.CharField(max_length=300, blank=True)
    mentor_availability = models.CharField(max_length=300, blank=True)
    mentor_capacity = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    # Hidden pending review by moderators (moderation.registry): others see
    # the name only.
    is_hidden = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"

    def visibility_of(self, field: str) -> str:
        return str(getattr(self, f"{field}_visibility"))


class ProfileTag(models.Model):
    """One interest, skill or language on a profile; kept as rows so lists filter."""

    class Kind(models.TextChoices):
        INTEREST = "interest", "Interest"
        SKILL = "skill", "Skill"
        LANGUAGE = "language", "Language"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_tags"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=40)
    key = models.CharField(max_length=40)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="profile_tag_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"


class Follow(models.Model):
    """One person following another's activity; needs no consent."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "followed"], name="follow_once"
            ),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="follow_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class CommunityFollow(models.Model):
    """A person following a community's new threads in their feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], name="community_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows community {self.community_id}"


class ConnectionRequest(models.Model):
    """A request to connect; an accepted one is the connection itself."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Connected"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_connection_request",
            ),
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="connect_not_self"
            ),
        ]
        indexes = [models.Index(fields=["sender", "created_at"])]

    def __str__(self) -> str:
        return f"{self.sender_id} -> {self.recipient_id} ({self.status})"


class ShowcaseItem(models.Model):
    """A project, paper or talk on a person's portfolio, with its own visibility."""

    class Kind(models.TextChoices):
        PROJECT = "project", "Project"
        PAPER = "paper", "Paper"
        TALK = "talk", "Talk"
        OTHER = "other", "Other"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=5000)
    description_html = models.TextField(blank=True)
    link = models.URLField(blank=True, max_length=300)
    file = models.FileField(upload_to="showcase/", blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    visibility = _visibility_field()
    created_at = models.DateTimeField(default=timezone.now)
    # Hidden pending review by moderators (moderation.registry): only its
    # owner sees it.
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class FeedEntry(models.Model):
    """Something a person or community did, as shown in followers' feeds.

    Written once by a listener or a service; who may see it is decided by
    the policy when a feed is read, from the thread or item it points at.
    """

    class Kind(models.TextChoices):
        THREAD = "thread", "started a thread"
        ANSWER = "answer", "had an answer accepted"
        SHOWCASE = "showcase", "added to their portfolio"
        BADGE = "badge", "earned a badge"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "discussions.Thread",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    post = models.ForeignKey(
        "discussions.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    showcase = models.ForeignKey(
        ShowcaseItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    award = models.ForeignKey(
        "recognition.BadgeAward",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind}"


class MentorshipRequest(models.Model):
    """A learner asking a mentor for mentorship; accepted, it is the mentorship."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        ENDED = "ended", "Ended"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    goal = models.TextField(max_length=1000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_mentorship",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentor_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} mentored by {self.mentor_id} ({self.status})"


class Meeting(models.Model):
    """A meeting scheduled inside an accepted mentorship."""

    mentorship = models.ForeignKey(
        MentorshipRequest, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    topic = models.CharField(max_length=200)
    place = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.topic


class Opportunity(models.Model):
    """An internship, job, research position or event posted in a community."""

    class Kind(models.TextChoices):
        INTERNSHIP = "internship", "Internship"
        JOB = "job", "Job"
        RESEARCH = "research", "Research position"
        EVENT = "event", "Event"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True, max_length=5000)
    description_html = models.TextField(blank=True)
    apply_url = models.URLField(max_length=300)
    deadline = models.DateField()
    # "|python|data|": delimited keys, so one tag filters with a LIKE on any database.
    tags = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["community", "deadline"])]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("|") if t]


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "opportunity"], name="bookmark_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} bookmarked {self.opportunity_id}"


class Distinction(models.Model):
    """A person known in a community as an alum, an expert or a partner.

    Granted by the community's owners, or claimed by the person with a note
    (such as "class of 2021" or "recruiter at Acme Labs") and shown only once
    an owner verified it. Verified, it is a role badge and lets the person post
    openings; alumni and experts may also mentor (see policy).
    """

    class Kind(models.TextChoices):
        ALUM = "alum", "Alum"
        EXPERT = "expert", "Expert"
        PARTNER = "partner", "Partner"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Waiting for verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Not verified"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "kind"], name="distinction_once"
            )
        ]
        indexes = [models.Index(fields=["community", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} in {self.community_id} ({self.status})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def kind_phrase(self) -> str:
        """The kind with its article: "an alum", "an expert", "a partner"."""
        label = self.get_kind_display().lower()
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
