from django.contrib import admin

from tianping.web.operations.models import (
    IncidentPlaybook,
    LedgerCheckpoint,
    LedgerLog,
    PlatformAction,
    SystemApiKey,
    SystemSwitch,
)


class _ReadOnly(admin.ModelAdmin):
    """Ledger records are written by services only; the admin shows them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(LedgerLog)
class LedgerLogAdmin(_ReadOnly):
    list_display = ["origin", "kind", "system", "size", "created_at"]
    list_filter = ["kind"]


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(_ReadOnly):
    list_display = ["log", "size", "created_at"]


@admin.register(PlatformAction)
class PlatformActionAdmin(_ReadOnly):
    list_display = ["idx", "kind", "subject", "system", "actor", "at"]
    list_filter = ["kind"]


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
