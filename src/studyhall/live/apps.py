from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "studyhall.live"
    label = "live"
