from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "studyhall.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Registers the listeners for board events (realtime.hooks).
        from studyhall.notifications import listeners  # noqa: F401
