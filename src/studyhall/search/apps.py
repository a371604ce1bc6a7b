from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "studyhall.search"
    label = "search"

    def ready(self) -> None:
        # Register the document kinds and the listeners that keep them indexed.
        from studyhall.search import kinds, listeners  # noqa: F401

        listeners.connect_signals()
