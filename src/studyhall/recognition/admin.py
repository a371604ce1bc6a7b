"""Site administrators can inspect recognition data; changes go through the pages."""

from django.contrib import admin

from studyhall.recognition.models import (
    Badge,
    BadgeAward,
    Certificate,
    PointEvent,
    PointRule,
)


@admin.register(PointEvent)
class PointEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "community", "user", "kind", "points", "source_key"]
    list_filter = ["kind"]
    raw_id_fields = ["community", "user", "post", "actor", "reverses"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # The ledger is append-only.


admin.site.register(PointRule)
admin.site.register(Badge)
admin.site.register(BadgeAward, raw_id_fields=["recipient", "awarded_by", "community"])
admin.site.register(Certificate, raw_id_fields=["recipient", "issued_by", "community"])
