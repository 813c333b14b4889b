from typing import Any

from django.contrib import admin

from tianping.web.core.models import Notification, ScheduledWork


@admin.register(ScheduledWork)
class ScheduledWorkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "every_seconds",
        "enabled",
        "next_run_at",
        "last_run_at",
        "last_outcome",
    )
    list_filter = ("enabled", "last_outcome")
    readonly_fields = ("name", "function", "last_run_at", "last_outcome", "last_error")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: notifications are written by the platform and read by their user."""

    list_display = ("user", "target_type", "target_id", "message", "created_at", "read_at")
    list_filter = ("target_type",)
    search_fields = ("user__username", "message")
    list_select_related = ("user", "target_type")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
