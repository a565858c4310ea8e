"""Supervisors' read-only views of quarantined mail and of attachments (registered by
cases/admin.py). Nothing here is served inline: the raw mail is shown as escaped text.

The one write: a supervisor releases a quarantined mail, which runs it through intake again
past the rate limit (`cases.mail.intake.quarantined_email_release`).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.mail.intake import Release, quarantined_email_release
from cases.models import Attachment, QuarantinedEmail
from cases.readonly_admin import ReadOnlyAdmin

PREVIEW_BYTES = 100_000


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(ReadOnlyAdmin):
    """Read-only, but for the release action (the change permission allows it)."""

    actions = ["release"]
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

    def has_release_permission(self, request) -> bool:
        # The change permission, while `has_change_permission` stays False: the change form
        # never saves, nothing about a quarantined mail is edited.
        return request.user.has_perm("cases.change_quarantinedemail")

    def changelist_view(self, request, extra_context=None):
        # Django drops an action the user may not run as "No action selected"; a refusal is
        # a refusal (403), as for every other write a role does not have.
        wants_release = "release" in request.POST.getlist("action")
        if request.method == "POST" and wants_release and not self.has_release_permission(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    @admin.action(
        description=gettext_lazy("Release: ingest as a message now"), permissions=["release"]
    )
    def release(self, request, queryset):
        if request.POST.get("select_across") == "1":
            pks = list(queryset.values_list("pk", flat=True))
        else:
            # The rows asked for, also those released meanwhile (absent from `queryset`).
            pks = [
                int(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if pk.isdigit()
            ]
        for pk in pks:
            release = quarantined_email_release(pk=pk, user=request.user)
            self.message_user(request, *release_message(pk, release))

    @admin.display(description=gettext_lazy("size"))
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=gettext_lazy("raw mail (beginning)"))
    def raw_preview(self, obj):
        data = bytes(obj.raw[:PREVIEW_BYTES])
        text = data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        more = "\n[…]" if len(obj.raw) > PREVIEW_BYTES else ""
        return format_html('<pre style="white-space: pre-wrap">{}{}</pre>', text, more)


def release_message(pk: int, release: Release) -> tuple[str, int]:
    result = release.ingest
    if release.status == Release.RELEASED:
        text = _("Released quarantined email %(pk)d: it is message %(message)d on case %(case)s.")
        level = messages.SUCCESS
    elif release.status == Release.DUPLICATE:
        text = _(
            "Quarantined email %(pk)d was already ingested (message %(message)d on case "
            "%(case)s): no second message; its quarantine entry was removed."
        )
        level = messages.WARNING
    elif release.status == Release.GONE:
        text = _("Quarantined email %(pk)d was already released: nothing to do.")
        level = messages.WARNING
    elif release.status == Release.INCOMPLETE:
        text = _(
            "Quarantined email %(pk)d cannot be released: only its beginning was kept (it was "
            "over the size limit). Nothing was changed."
        )
        level = messages.ERROR
    else:
        text = _(
            "Quarantined email %(pk)d cannot be released: it still cannot become a message "
            "(%(reason)s). Only the rate limit can be overridden. Nothing was changed."
        )
        level = messages.ERROR
    values = {"pk": pk}
    if result is not None and result.message is not None:
        values |= {"message": result.message.pk, "case": result.case.reference}
    if result is not None:
        values["reason"] = result.reason
    return text % values, level


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
