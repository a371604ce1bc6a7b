"""Recognition: feedback, kudos, the points ledger, badges and certificates.

The points ledger is append-only: an award is one row, and taking it back
is a second row with the opposite points that names the first. The only
field that ever changes on an award is `open_key`, cleared when it is
reversed, so a unique index on it makes "one open award per source" hold
even when the same event is heard twice at once.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studyhall.communities.models import Community
from studyhall.discussions.models import Post
from studyhall.profiles.models import ShowcaseItem


class Kind(models.TextChoices):
    """What a point event recognises; each has a configurable rule per community."""

    ANSWER_ACCEPTED = "answer_accepted", "Answer accepted"
    REPLY_ENDORSED = "reply_endorsed", "Reply endorsed by an instructor"
    REACTION_RECEIVED = "reaction_received", "Reaction received"
    KUDOS_RECEIVED = "kudos_received", "Kudos received"
    FEEDBACK_GIVEN = "feedback_given", "Feedback given on a request"
    SESSION_ATTENDED = "session_attended", "Session attended"
    SESSION_HOSTED = "session_hosted", "Session hosted"
    GROUP_ORGANISED = "group_organised", "Group organised"


# Points and daily caps used until a community sets its own (None: no cap).
DEFAULT_RULES: dict[str, tuple[int, int | None]] = {
    Kind.ANSWER_ACCEPTED: (15, None),
    Kind.REPLY_ENDORSED: (10, None),
    Kind.REACTION_RECEIVED: (2, 20),
    Kind.KUDOS_RECEIVED: (5, 15),
    Kind.FEEDBACK_GIVEN: (3, 15),
    Kind.SESSION_ATTENDED: (5, 10),
    Kind.SESSION_HOSTED: (10, None),
    Kind.GROUP_ORGANISED: (10, None),
}


class PointRule(models.Model):
    """A community's points for one kind of event, and its daily cap per person."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="point_rules"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    points = models.PositiveIntegerField()
    daily_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most points a person earns a day; empty: none.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "kind"], name="one_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.points} in {self.community_id}"


class RecognitionSettings(models.Model):
    """A community's switches: leaderboards on or off, when the term began."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="recognition_settings"
    )
    leaderboards_enabled = models.BooleanField(default=True)
    term_started_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recognition settings of {self.community_id}"


class LeaderboardOptOut(models.Model):
    """A learner who chose not to appear on a community's leaderboards."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_opt_out"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hidden in {self.community_id}"


class WeeklyGoal(models.Model):
    """A person's own goal: how many people to help each week."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    target = models.PositiveSmallIntegerField(default=3)

    def __str__(self) -> str:
        return f"{self.user_id} aims to help {self.target}"


class PointEvent(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="point_events"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    points = models.IntegerField()
    source_key = models.CharField(max_length=120)
    # Set while the award stands; cleared (the one update) when it is reversed.
    open_key = models.CharField(max_length=120, null=True, blank=True)
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread_id_ref = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["open_key"],
                condition=Q(open_key__isnull=False),
                name="one_open_award_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "created_at"], name="points_by_time"),
            models.Index(fields=["user", "community", "kind"], name="points_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind} to {self.user_id}"


# --- feedback and kudos -----------------------------------------------------


class Feedback(models.Model):
    """An instructor's private note on a learner's post or portfolio item.

    The learner, the writer and the staff of the community it was given in
    see it. A portfolio item belongs to no community, so feedback on one
    records the community where the writer teaches the learner.
    """

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    showcase = models.ForeignKey(
        ShowcaseItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=5000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, showcase__isnull=True)
                    | Q(
                        post__isnull=True,
                        showcase__isnull=False,
                        community__isnull=False,
                    )
                ),
                name="feedback_on_a_post_or_a_portfolio_item",
            ),
        ]

    def __str__(self) -> str:
        if self.showcase_id is not None:
            return f"feedback on portfolio item {self.showcase_id}"
        return f"feedback on post {self.post_id}"


class Kudos(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(max_length=280)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("recipient")), name="kudos_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"kudos from {self.giver_id} to {self.recipient_id}"


class RubricCriterion(models.Model):
    """One criterion a community asks reviewers to score from 1 to 4."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="rubric"
    )
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class FeedbackRequest(models.Model):
    """A learner's "feedback wanted" mark on their own post or portfolio item.

    A portfolio item belongs to no community, so its request names the one,
    among the learner's own, whose rubric and members respond.
    """

    post = models.OneToOneField(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_request",
    )
    showcase = models.OneToOneField(
        ShowcaseItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_request",
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, showcase__isnull=True)
                    | Q(
                        post__isnull=True,
                        showcase__isnull=False,
                        community__isnull=False,
                    )
                ),
                name="feedback_request_on_a_post_or_a_portfolio_item",
            ),
        ]

    def __str__(self) -> str:
        if self.showcase_id is not None:
            return f"feedback wanted on portfolio item {self.showcase_id}"
        return f"feedback wanted on post {self.post_id}"

    @property
    def rubric_community_id(self) -> int:
        """The community whose rubric and members answer the request."""
        if self.showcase_id is not None:
            assert self.community_id is not None
            return self.community_id
        assert self.post is not None
        return self.post.community_id


class FeedbackResponse(models.Model):
    request = models.ForeignKey(
        FeedbackRequest, on_delete=models.CASCADE, related_name="responses"
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "responder"], name="one_response_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"response by {self.responder_id} to {self.request_id}"


class RubricScore(models.Model):
    response = models.ForeignKey(
        FeedbackResponse, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=4), name="score_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.criterion_id}"


# --- badges -------------------------------------------------------------------


class Badge(models.Model):
    """A badge: built in (no community) or defined by a community's owners.

    An automatic badge is awarded when a person's standing events of
    `rule_kind` in a community reach `rule_count`; a manual one only by staff.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="badges",
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300)
    criteria = models.TextField(max_length=2000)
    image = models.ImageField(upload_to="badges/", blank=True)
    rule_kind = models.CharField(
        max_length=30, choices=Kind.choices, blank=True, default=""
    )
    rule_count = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(community__isnull=True),
                name="builtin_badge_slug",
            ),
            models.UniqueConstraint(
                fields=["community", "slug"], name="community_badge_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.community_id is None

    @property
    def is_automatic(self) -> bool:
        return bool(self.rule_kind)


class Revocable(models.Model):
    """What badge awards and certificates share: a public id, and revocation.

    Verification pages and documents look a record up by `uid`, never by the
    sequential key, so the addresses cannot be guessed.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class BadgeAward(Revocable):
    """A badge earned by a person in a community; an Open Badges assertion."""

    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    # The address is hashed with this salt in the hosted assertion.
    salt = models.CharField(max_length=40)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "community", "recipient"], name="award_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id} to {self.recipient_id}"


# --- certificates -------------------------------------------------------------


class Certificate(Revocable):
    class Kind(models.TextChoices):
        COMPLETION = "completion", "Certificate of completion"
        PARTICIPATION = "participation", "Certificate of participation"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient_name = models.CharField(max_length=80)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "recipient", "kind"], name="certificate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} in {self.community_id}"


class CertificateBatch(models.Model):
    """Certificates an instructor asked for in one go; a task works through them."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Issuing"
        DONE = "done", "Done"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Certificate.Kind.choices)
    user_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"batch {self.pk}: {self.done_count}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done_count * 100 // self.total
