"""Read-only records: suggestions, review items, the audit trail, webhook deliveries."""

from django.contrib import admin

from backoffice.admin import ReadOnlyAdmin
from cases.models import WebhookDelivery
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


# The webhook delivery log (cases' outbox to downstream systems), read-only for supervisors.
# Registered here, after the cases app's admin has loaded, and only if nobody registered it
# there: the webhooks' own admin, when it comes, takes precedence.
if not admin.site.is_registered(WebhookDelivery):

    @admin.register(WebhookDelivery)
    class WebhookDeliveryAdmin(ReadOnlyAdmin):
        list_display = [
            "created_at",
            "event_type",
            "case",
            "endpoint",
            "status",
            "attempts",
            "last_status_code",
            "sent_at",
        ]
        list_filter = ["status", "event_type", "endpoint"]
        search_fields = ["=case__reference", "=event_id"]
        list_select_related = ["case", "endpoint"]
        date_hierarchy = "created_at"
        show_full_result_count = False
