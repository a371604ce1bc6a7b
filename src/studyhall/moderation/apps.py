from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "studyhall.moderation"
    label = "moderation"

    def ready(self) -> None:
        from studyhall.moderation import registry

        registry.register_builtin_kinds()
