from django.contrib import admin

from tianping.web.systems.models import AISystem, Intake, SystemEvent


@admin.register(AISystem)
class AISystemAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "sector", "lifecycle_stage", "updated_at"]
    list_filter = ["sector", "lifecycle_stage"]
    search_fields = ["name", "purpose", "owner"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["system", "tier", "computed_tier", "expert_review_required", "submitted_at"]
    list_filter = ["tier", "expert_review_required"]
    readonly_fields = ["result", "answers"]


@admin.register(SystemEvent)
class SystemEventAdmin(admin.ModelAdmin):
    list_display = ["system", "kind", "actor", "at"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
