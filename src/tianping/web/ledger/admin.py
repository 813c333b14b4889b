from django.contrib import admin

from tianping.web.ledger.models import LedgerCheckpoint, LedgerLog, PlatformAction


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
