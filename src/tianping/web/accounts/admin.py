from django.contrib import admin

from tianping.web.accounts.models import ApiToken, Membership, Organisation
from tianping.web.accounts.services import organisation_rebuild_path


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "parent", "region_code"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en", "region_code"]
    readonly_fields = ["path"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        organisation_rebuild_path(organisation=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
