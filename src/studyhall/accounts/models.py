"""People, their login throttling records and personal access tokens."""

from __future__ import annotations

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

HANDLE_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,29}"

handle_validator = RegexValidator(
    rf"^{HANDLE_PATTERN}(?<!\.)$",
    "Use 1 to 30 letters, digits, dots, dashes or underscores; no dot at the end.",
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **fields: object
    ) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; shown by display name and @handle."""

    email = models.EmailField(max_length=254, unique=True)
    handle = models.CharField(max_length=30, unique=True, validators=[handle_validator])
    display_name = models.CharField(max_length=80)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set by the site's administrators after a reported direct message: until
    # then the person can neither start conversations nor send direct messages.
    dm_muted_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["handle", "display_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.handle})"

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None


class LoginFailure(models.Model):
    """One failed login, kept for the throttling window (per account and per address)."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.address} at {self.created_at:%Y-%m-%d %H:%M}"


class AccessToken(models.Model):
    """A personal access token for the REST API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Block(models.Model):
    """One person blocking another: no messages, mentions or connections from them."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")),
                name="block_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
