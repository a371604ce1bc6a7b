"""The resource library: a community's shelf and each group's own shelf of
papers, articles, study materials, recordings and links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from studyhall.communities.models import Community
from studyhall.groups.models import StudyGroup


class LibraryItem(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        ARTICLE = "article", "Article"
        BOOK = "book", "Book"
        MATERIAL = "material", "Study material"
        RECORDING = "recording", "Recording"
        LINK = "link", "Link"

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="library_items"
    )
    # Empty for the community's library; set for a group's shelf.
    group = models.ForeignKey(
        StudyGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="library_items",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=500, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    doi = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="library/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    tags = models.CharField(max_length=300, blank=True)
    course = models.CharField(max_length=80, blank=True)
    summary = models.TextField(max_length=5000, blank=True)
    bibtex_key = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    useful_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    recommended_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "group", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return ""


class UsefulMark(models.Model):
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_useful_mark")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} finds {self.item_id} useful"


class LibraryComment(models.Model):
    item = models.ForeignKey(
        LibraryItem, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment on {self.item_id}"


class ReadingListEntry(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_reading_entry")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} on {self.user_id}'s list"


class Recommendation(models.Model):
    """An instructor's mark that an item is recommended for a course."""

    item = models.ForeignKey(
        LibraryItem, on_delete=models.CASCADE, related_name="recommendations"
    )
    course = models.CharField(max_length=80)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "course"], name="one_recommendation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} recommended for {self.course}"
