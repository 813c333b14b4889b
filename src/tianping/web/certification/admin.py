from django.contrib import admin

from tianping.web.certification.models import (
    Accreditation,
    Certificate,
    CertificationApplication,
    CertificationBody,
)


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "issues")
    inlines = [AccreditationInline]


@admin.register(CertificationApplication)
class CertificationApplicationAdmin(admin.ModelAdmin):
    list_display = ("system", "scheme", "issuer", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("decided_by", "decided_at", "submitted_by")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("credential_id", "system", "issuer", "state", "valid_until")
    list_filter = ("state",)
    readonly_fields = ("credential", "status_index", "credential_id")
