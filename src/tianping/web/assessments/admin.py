from django.contrib import admin

from tianping.web.assessments.models import (
    BiasAssessment,
    Evidence,
    EvidenceLink,
    EvidenceLinkRemoval,
    PredictionsFile,
)


@admin.register(PredictionsFile)
class PredictionsFileAdmin(admin.ModelAdmin):
    list_display = ["name", "system", "source", "format", "size", "rows", "created_at"]
    list_filter = ["source", "format"]
    readonly_fields = ["columns", "sha256"]


@admin.register(BiasAssessment)
class BiasAssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "system", "status", "verdict", "created_at", "finished_at"]
    list_filter = ["status", "verdict"]
    readonly_fields = ["parameters", "error"]


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "system", "kind", "source_type", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["content", "sha256", "source_type", "source_id"]
    inlines = [EvidenceLinkInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Evidence is filed as it was found; it is not edited afterwards.
        return False


@admin.register(EvidenceLinkRemoval)
class EvidenceLinkRemovalAdmin(admin.ModelAdmin):
    """History: links the measurement mapping did not justify, as they were."""

    list_display = ["item", "evidence_title", "system", "reason", "removed_at"]
    list_filter = ["reason"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
