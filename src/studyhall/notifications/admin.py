"""Admin views for operators: the email outbox and suppressed addresses."""

from __future__ import annotations

from django.contrib import admin

from studyhall.notifications.models import OutboundEmail, SuppressedAddress


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = [
        "pk",
        "kind",
        "to_address",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject"]
    readonly_fields = ["recipient", "notification", "message_id", "last_error"]


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin[SuppressedAddress]):
    list_display = ["email", "reason", "created_at"]
    search_fields = ["email"]
