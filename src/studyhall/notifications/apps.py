from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "studyhall.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Registers the listeners for board events (realtime.hooks).
        from studyhall.notifications import listeners  # noqa: F401
        from studyhall.notifications.selectors import can_follow_own_stream
        from studyhall.realtime.registry import register_stream

        register_stream("user", can_follow_own_stream)
