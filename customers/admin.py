from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.models import Case
from cases.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from customers.models import ConfirmationRequest, Customer, EmailOutbox
from customers.privacy import customer_erase, customer_export, export_json, is_erased


class CaseInline(ReadOnlyInline):
    model = Case
    fields = ["reference", "state", "subject", "created_at", "resolved_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customers are read here, exported and erased; never edited or deleted."""

    list_display = ["email", "name", "language", "case_count", "created_at"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "language", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CaseInline]
    actions = ["export_json", "erase"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(case_count=Count("cases"))

    @admin.display(description=gettext_lazy("cases"), ordering="case_count")
    def case_count(self, customer):
        return customer.case_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # erasure replaces deletion: cases keep history
        return actions

    def has_add_permission(self, request):
        return False  # customers come from intake

    def has_delete_permission(self, request, obj=None):
        return False  # see `erase`

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def has_erase_permission(self, request):
        # Erasure is this project's deletion of a customer: the delete permission allows it.
        return request.user.has_perm("customers.delete_customer")

    @admin.action(description=gettext_lazy("Export all their data (JSON)"), permissions=["export"])
    def export_json(self, request, queryset):
        documents = [customer_export(customer=c, user=request.user) for c in queryset]
        body = documents[0] if len(documents) == 1 else {"customers": documents}
        name = (
            f"customer-{documents[0]['customer']['id']}.json"
            if len(documents) == 1
            else f"customers-{timezone.now():%Y%m%d-%H%M%S}.json"
        )
        response = HttpResponse(export_json(body), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Erase their personal data…"), permissions=["erase"])
    def erase(self, request, queryset):
        customers = list(queryset)
        if request.POST.get("post") == "yes":
            erased = 0
            for customer in customers:
                if customer_erase(customer=customer, user=request.user) is not None:
                    erased += 1
            self.message_user(
                request,
                ngettext(
                    "Erased %(n)d customer: personal data removed, case references and "
                    "history kept, pending links revoked.",
                    "Erased %(n)d customers: personal data removed, case references and "
                    "history kept, pending links revoked.",
                    erased,
                )
                % {"n": erased},
                messages.SUCCESS,
            )
            return None
        rows = [
            {
                "customer": customer,
                "erased": is_erased(customer),
                "cases": customer.cases.count(),
                "open_cases": customer.cases.open().count(),
                "pending_links": ConfirmationRequest.objects.pending()
                .filter(case__customer=customer)
                .count(),
            }
            for customer in customers
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "opts": self.model._meta,
            "rows": rows,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/customers/customer/erase_confirmation.html", context
        )


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(ReadOnlyAdmin):
    """The customer links, read-only; neither the token's hash nor its salt is ever shown."""

    list_display = ["case", "kind", "proposal_version", "status", "expires_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["=case__reference"]
    list_select_related = ["case"]
    fields = [
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
        "created_at",
    ]
    readonly_fields = fields


@admin.register(EmailOutbox)
class EmailOutboxAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "case", "kind", "to_email", "status", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["=case__reference", "to_email"]
    list_select_related = ["case"]
    exclude = ["key"]
