"""Django admin of ethics review: read-mostly; ledger-relevant fields are never edited here.

Every change to an application goes through the services (timeline + ledger);
the admin lists and searches, and edits only roster facts that no ledger entry
covers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tianping.web.reviews.models import (
    AgendaItem,
    Appeal,
    Application,
    Attachment,
    Attendance,
    DecisionLetterJob,
    Declaration,
    Entrustment,
    ExpertReview,
    Extension,
    FollowUp,
    Meeting,
    Member,
    PanelExpert,
    ReviewBody,
    ReviewEvent,
    SimplifiedOpinion,
    Vote,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows; no adding, changing or deleting (the services write these)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewBody)
class ReviewBodyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "rule_set", "established_on", "registered_on"]
    list_filter = ["rule_set"]
    search_fields = ["organisation__name"]
    readonly_fields = ["organisation", "rule_set", "established_on", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "role", "external", "term_start", "term_end", "active"]
    list_filter = ["role", "external", "active"]
    search_fields = ["name", "affiliation", "body__organisation__name"]
    readonly_fields = ["body", "user", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entrustment)
class EntrustmentAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "centre", "agreement_reference", "signed_on", "revoked_at"]
    search_fields = ["organisation__name", "agreement_reference"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "title",
        "organisation",
        "body",
        "status",
        "decision",
        "due_at",
        "decided_at",
    ]
    list_filter = ["status", "decision", "procedure", "kind", "listed_activity"]
    search_fields = ["reference", "title", "organisation__name", "system__name"]
    list_select_related = ["organisation", "body__organisation"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "name", "size", "sha256", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["application__reference", "name", "sha256"]
    exclude = ["data"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["application", "hours", "granted_at"]
    search_fields = ["application__reference"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["application", "member", "has_conflict", "recused", "declared_at"]
    list_filter = ["has_conflict", "recused"]
    search_fields = ["application__reference", "member__name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["body", "scheduled_for", "status"]
    list_filter = ["status"]
    search_fields = ["body__organisation__name"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "member", "present"]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "application", "position", "voting_open", "closed_at"]
    search_fields = ["application__reference"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["item", "member", "choice", "cast_at"]
    list_filter = ["choice"]


@admin.register(SimplifiedOpinion)
class SimplifiedOpinionAdmin(ReadOnlyAdmin):
    list_display = ["application", "member", "view", "doubt", "given_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "filed_at", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["application__reference"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "due_on", "reported_at", "reminded_at"]
    list_filter = ["kind"]
    search_fields = ["application__reference"]


@admin.register(ExpertReview)
class ExpertReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "authority", "status", "opinion", "due_at", "concluded_at"]
    list_filter = ["status", "opinion"]
    search_fields = ["application__reference", "authority__name"]


@admin.register(PanelExpert)
class PanelExpertAdmin(ReadOnlyAdmin):
    list_display = ["review", "name", "interests_declared", "view", "voted_at"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "actor", "ledger_index", "at"]
    list_filter = ["kind"]
    search_fields = ["application__reference", "kind"]


@admin.register(DecisionLetterJob)
class DecisionLetterJobAdmin(ReadOnlyAdmin):
    list_display = ["application", "language", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status", "language"]
    exclude = ["pdf"]
