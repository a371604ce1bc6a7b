from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "studyhall.analytics"
    label = "analytics"
