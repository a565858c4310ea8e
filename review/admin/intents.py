"""The intents' admin: the policy fields, its versions, and the what-if beside the threshold."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.readonly_admin import ReadOnlyInline
from review.admin.intent_form import IntentAdminForm, draft_preview
from review.evidence import DEFAULT_THRESHOLDS, what_if
from review.models import Intent, PolicyVersion


class PolicyVersionInline(ReadOnlyInline):
    model = PolicyVersion
    fields = ["version", "snapshot", "changed_by", "created_at"]
    readonly_fields = fields


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "action", "mode", "threshold", "risk_class", "policy_version"]
    list_filter = ["mode", "action", "risk_class"]
    search_fields = ["slug", "name"]
    form = IntentAdminForm
    readonly_fields = ["policy_version", "what_if", "preview"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "name_de", "action"]}),
        (
            gettext_lazy("Draft reply"),
            {"fields": ["reply_template_en", "reply_template_de", "preview"]},
        ),
        (
            gettext_lazy("Policy"),
            {
                "fields": [
                    "mode",
                    ("threshold", "what_if"),
                    "risk_class",
                    "amount_limit",
                    "required_slots",
                    "qa_sample_rate",
                    "four_eyes",
                    "is_out_of_scope",
                    "policy_version",
                ],
                "description": gettext_lazy(
                    "Every saved change of the policy is a new version; suggestions and case "
                    "events cite the version they were decided under."
                ),
            },
        ),
    ]
    inlines = [PolicyVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # suggestions and examples refer to intents; retire one with assist mode

    def save_model(self, request, obj, form, change):
        obj.save(changed_by=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.pk:
            # Typing a threshold replays the last 30 days at that threshold, beside the field.
            form.base_fields["threshold"].widget.attrs.update(
                {
                    "hx-get": reverse("admin:review_intent_what_if", args=[obj.pk]),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#what-if",
                    "hx-swap": "outerHTML",
                    "step": "0.01",
                }
            )
            # Typing a draft shows it filled from the sample case, before anything is saved.
            for code in ("en", "de"):
                form.base_fields[f"reply_template_{code}"].widget.attrs.update(
                    {
                        "hx-get": reverse("admin:review_intent_preview", args=[obj.pk]),
                        "hx-trigger": "input changed delay:300ms",
                        "hx-include": "#id_reply_template_en, #id_reply_template_de",
                        "hx-target": "#draft-preview",
                        "hx-swap": "outerHTML",
                    }
                )
        return form

    @admin.display(description=gettext_lazy("Preview"))
    def preview(self, intent):
        if intent is None or not intent.pk:
            return _("Save the intent first; the preview fills its drafts from a case.")
        return draft_preview(intent)

    @admin.display(description=gettext_lazy("What if"))
    def what_if(self, intent):
        if intent is None or not intent.pk:
            return _("Save the intent first; the what-if replays its past suggestions.")
        return render_what_if(intent)

    def get_urls(self):
        view = self.admin_site.admin_view(self.what_if_view)
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/what-if/", view, name="review_intent_what_if"),
            path("<int:pk>/preview/", preview, name="review_intent_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The drafts as typed, filled from the sample case (GET: nothing is saved)."""
        intent = get_object_or_404(Intent, pk=pk)
        if not self.has_view_permission(request, intent):
            raise PermissionDenied
        typed = {code: request.GET.get(f"reply_template_{code}", "") for code in ("en", "de")}
        return HttpResponse(draft_preview(intent, typed))

    def what_if_view(self, request, pk):
        intent = get_object_or_404(Intent, pk=pk)
        if not self.has_view_permission(request, intent):
            raise PermissionDenied
        try:
            typed = float(request.GET.get("threshold", ""))
        except ValueError:
            return HttpResponseBadRequest(_("The threshold is a number between 0 and 1."))
        if not 0.0 <= typed <= 1.0:
            return HttpResponseBadRequest(_("The threshold is a number between 0 and 1."))
        return render(request, "admin/review/intent/what_if.html", what_if_context(intent, typed))


def what_if_context(intent: Intent, typed: float | None = None) -> dict:
    thresholds = (*DEFAULT_THRESHOLDS, typed) if typed is not None else DEFAULT_THRESHOLDS
    return {"intent": intent, "whatif": what_if(intent, thresholds), "typed": typed}


def render_what_if(intent: Intent) -> str:
    return mark_safe(  # noqa: S308 - rendered by an autoescaping template
        render_to_string("admin/review/intent/what_if.html", what_if_context(intent))
    )
