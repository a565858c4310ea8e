from django.contrib import admin

from customers.models import ConfirmationRequest, Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "language", "created_at"]
    search_fields = ["email", "name"]


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "proposal_version", "status", "expires_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["case__reference"]
    exclude = ["token_hash"]
    readonly_fields = [
        "case",
        "proposal_version",
        "kind",
        "options",
        "adjustment",
        "status",
        "expires_at",
        "reminded_at",
        "decided_at",
        "outcome",
    ]

    def has_add_permission(self, request):
        return False
