from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "studyhall.recognition"
    label = "recognition"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the listeners that turn board events into points and badges.
        from studyhall.recognition import listeners  # noqa: F401
