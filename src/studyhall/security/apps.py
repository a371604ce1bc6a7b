from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "studyhall.security"
    label = "security"
