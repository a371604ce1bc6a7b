from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "studyhall.communities"
    label = "communities"
