from django.contrib import admin

from tianping.web.operations.models import IncidentPlaybook, SystemApiKey, SystemSwitch


class _ReadOnly(admin.ModelAdmin):
    """Operations records are written by services only; the admin shows them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SystemSwitch)
class SystemSwitchAdmin(_ReadOnly):
    list_display = ["system", "state", "version", "changed_by", "changed_at"]
    list_filter = ["state"]


@admin.register(IncidentPlaybook)
class IncidentPlaybookAdmin(_ReadOnly):
    list_display = ["system", "fail_safe", "updated_by", "updated_at"]


@admin.register(SystemApiKey)
class SystemApiKeyAdmin(_ReadOnly):
    list_display = ["system", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
