from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "studyhall.chat"
    label = "chat"

    def ready(self) -> None:
        from studyhall.chat import frames, selectors, services
        from studyhall.realtime.registry import register_stream

        register_stream(
            "room",
            selectors.can_follow_room,
            presence=frames.presence,
            conceal=services.conceal_signal,
        )
        frames.register()
