from typing import Any

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "studyhall.security"
    label = "security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_record_login, dispatch_uid="security.record_login")


def _record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Add the new session to the person's list as they log in (plumbing: the
    list mirrors Django's sessions)."""
    from studyhall.security.middleware import remember_session

    if request is not None and hasattr(request, "session"):
        remember_session(request, user)
