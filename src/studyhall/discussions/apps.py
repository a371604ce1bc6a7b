from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "studyhall.discussions"
    label = "discussions"
