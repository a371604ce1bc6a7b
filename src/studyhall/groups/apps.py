from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "studyhall.groups"
    label = "groups"
