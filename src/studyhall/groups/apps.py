from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "studyhall.groups"
    label = "groups"

    def ready(self) -> None:
        from studyhall.groups.selectors import can_follow_group
        from studyhall.realtime.registry import register_stream

        register_stream("group", can_follow_group)
