"""Supervisors' read-only views of quarantined mail and of attachments (registered by
cases/admin.py). Nothing here is served inline: the raw mail is shown as escaped text."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from cases.models import Attachment, QuarantinedEmail

PREVIEW_BYTES = 100_000


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "sender", "subject", "reason", "size_display", "source"]
    list_filter = ["source", "received_at"]
    search_fields = ["sender", "subject", "reason", "message_id"]
    fields = [
        "received_at",
        "source",
        "sender",
        "subject",
        "message_id",
        "reason",
        "size_display",
        "truncated",
        "sha256",
        "raw_preview",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name == "cases_quarantinedemail_changelist":
            return queryset.defer("raw")  # the list never loads raw mail (megabytes each)
        return queryset

    @admin.display(description="size")
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description="raw mail (beginning)")
    def raw_preview(self, obj):
        data = bytes(obj.raw[:PREVIEW_BYTES])
        text = data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        more = "\n[…]" if len(obj.raw) > PREVIEW_BYTES else ""
        return format_html('<pre style="white-space: pre-wrap">{}{}</pre>', text, more)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "filename", "content_type", "size", "rejected", "message"]
    list_filter = ["content_type", "inline"]
    search_fields = ["filename", "sha256", "message__case__reference"]
    list_select_related = ["message"]
    fields = [
        "message",
        "filename",
        "declared_type",
        "content_type",
        "size",
        "sha256",
        "inline",
        "content_id",
        "rejected",
        "created_at",
    ]
    readonly_fields = fields
