from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "studyhall.live"
    label = "live"

    def ready(self) -> None:
        from studyhall.live.selectors import can_follow_live
        from studyhall.realtime.registry import register_stream

        register_stream("live", can_follow_live)
