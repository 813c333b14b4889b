from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import ApiToken, Membership, Organisation
from tianping.web.accounts.services import organisation_rebuild_path


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_en",
            "kind",
            "parent",
            "region_code",
            "unified_social_credit_code",
            "time_zone",
        ]

    def clean_parent(self) -> Organisation | None:
        parent = self.cleaned_data.get("parent")
        moving_under_itself = (
            parent is not None
            and self.instance.pk is not None
            and parent.path.startswith(self.instance.path)
        )
        if moving_under_itself:
            raise forms.ValidationError(_("An organisation cannot be its own ancestor."))
        return parent


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "name_en", "kind", "parent", "region_code", "time_zone"]
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
