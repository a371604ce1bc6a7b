"""Two-factor authentication and the list of a person's signed-in sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TwoFactor(models.Model):
    """A person's TOTP secret; active once confirmed with a first code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step used, so a code cannot be replayed.
    last_step = models.BigIntegerField(default=0)
    # Hashes of unused recovery codes.
    recovery_hashes = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"two-factor of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None


class ActiveSession(models.Model):
    """One signed-in browser, so people can see where they are signed in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"session of {self.user_id}"
