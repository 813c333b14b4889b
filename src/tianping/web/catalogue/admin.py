from django.contrib import admin

from tianping.web.catalogue.models import (
    Article,
    CatalogueRelease,
    ListedActivity,
    Principle,
    RequirementItem,
)


@admin.register(CatalogueRelease)
class CatalogueReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_from", "imported_at"]


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["number", "code", "name_zh", "name_en"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["number", "title_zh", "title_en", "category"]
    search_fields = ["title_zh", "title_en", "text_zh", "text_en"]
    filter_horizontal = ["principles"]


@admin.register(RequirementItem)
class RequirementItemAdmin(admin.ModelAdmin):
    list_display = ["code", "article", "category", "stage", "evidence_type"]
    list_filter = ["stage", "category", "evidence_type", "principles"]
    search_fields = ["code", "question_zh", "question_en"]
    filter_horizontal = ["principles"]


@admin.register(ListedActivity)
class ListedActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "list_version", "active"]
    list_filter = ["active"]
