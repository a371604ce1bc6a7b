from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "studyhall.privacy"
    label = "privacy"
