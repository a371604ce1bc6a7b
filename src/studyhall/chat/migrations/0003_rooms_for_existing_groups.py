"""Give every study group made before group rooms existed its room, with its
active members in it."""

from django.db import migrations


def open_rooms(apps, schema_editor):
    StudyGroup = apps.get_model("groups", "StudyGroup")
    GroupMembership = apps.get_model("groups", "GroupMembership")
    Room = apps.get_model("chat", "Room")
    RoomMember = apps.get_model("chat", "RoomMember")
    for group in StudyGroup.objects.filter(room__isnull=True).iterator():
        room = Room.objects.create(
            kind="group",
            community_id=group.community_id,
            group=group,
            name=group.name[:80],
            topic="The study group's own room.",
            access="members",
            created_by_id=group.created_by_id,
        )
        people = GroupMembership.objects.filter(
            group=group, status="active"
        ).values_list("user_id", flat=True)
        RoomMember.objects.bulk_create(
            [RoomMember(room=room, user_id=pk) for pk in people]
        )


def close_rooms(apps, schema_editor):
    apps.get_model("chat", "Room").objects.filter(kind="group").delete()


class Migration(migrations.Migration):
    dependencies = [("chat", "0002_room_group")]

    operations = [migrations.RunPython(open_rooms, close_rooms)]
