"""Read-only records: suggestions (also on the case's page), review items, the audit trail."""

from django.contrib import admin

from cases.admin import CaseAdmin
from cases.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from review.models import AuditEntry, ReviewItem, Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["case", "intent", "confidence", "action", "automatable", "created_at"]
    list_filter = ["automatable", "intent", "action"]
    search_fields = ["=case__reference"]
    list_select_related = ["case", "intent"]


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ["case", "status", "reason_codes", "claimed_by", "decision", "created_at"]
    list_filter = ["status", "decision"]
    search_fields = ["=case__reference"]
    list_select_related = ["case", "claimed_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["=object_id"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"


class SuggestionInline(ReadOnlyInline):
    model = Suggestion
    fk_name = "case"
    fields = [
        "created_at",
        "intent",
        "confidence",
        "action",
        "automatable",
        "reason_codes",
        "model_label",
        "policy_version",
        "draft_reply",
    ]
    readonly_fields = fields


# The case's page in the admin shows what the AI suggested for it, between messages and events.
CaseAdmin.extra_inlines.append(SuggestionInline)
