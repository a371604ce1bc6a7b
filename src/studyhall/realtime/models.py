"""Event streams: every change that pages follow is stored with a sequence first."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Stream(models.Model):
    """One ordered stream of events, such as "thread.42"; holds its last sequence."""

    name = models.CharField(max_length=80, primary_key=True)
    last_sequence = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    stream = models.CharField(max_length=80)
    sequence = models.PositiveBigIntegerField()
    type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stream", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "sequence"], name="event_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.sequence} {self.type}"
