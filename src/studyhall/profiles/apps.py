from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "studyhall.profiles"
    label = "profiles"

    def ready(self) -> None:
        # Board events become feed entries through realtime's listeners.
        from studyhall.profiles import feed  # noqa: F401
