from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "studyhall.core"
    label = "core"
