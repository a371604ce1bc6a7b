from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "studyhall.realtime"
    label = "realtime"
