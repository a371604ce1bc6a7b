"""Flag the documents of posts hidden by moderation before the flag existed."""

from django.db import migrations
from django.db.models import Q


def flag(apps, schema_editor):
    Document = apps.get_model("search", "Document")
    Thread = apps.get_model("discussions", "Thread")
    Post = apps.get_model("discussions", "Post")
    hidden_threads = Thread.objects.filter(is_hidden=True).values("pk")
    Document.objects.filter(kind="thread", object_id__in=hidden_threads).update(
        is_hidden=True
    )
    hidden_replies = Post.objects.filter(
        Q(is_hidden=True) | Q(thread__is_hidden=True), number__gt=1
    ).values("pk")
    Document.objects.filter(kind="reply", object_id__in=hidden_replies).update(
        is_hidden=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_document_is_hidden"),
        ("discussions", "0003_moderation_state"),
    ]

    operations = [migrations.RunPython(flag, migrations.RunPython.noop)]
