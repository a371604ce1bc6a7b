from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "studyhall.realtime"
    label = "realtime"

    def ready(self) -> None:
        from studyhall.realtime import access, selectors
        from studyhall.realtime.registry import register_stream

        register_stream("thread", selectors.can_follow_thread)
        register_stream("community", selectors.can_follow_community)
        access.connect_signals()
