"""Sign in with an email address and password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from studyhall.accounts.models import User
from studyhall.core.sql import Prepared

# The signed-in person of every request, by id: compiled once (core/sql.py).
_by_id = Prepared(lambda pk: User._default_manager.filter(pk=pk))


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            # Hash anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """Return the active person with this id, as Django's backend does."""
        if isinstance(user_id, bool) or not isinstance(user_id, int):
            return super().get_user(user_id)  # type: ignore[no-any-return]
        found = _by_id(pk=user_id)
        if not found:
            return None
        user: User = found[0]
        return user if self.user_can_authenticate(user) else None
