"""The learning loop's admin: model versions (activate, roll back, retrain, remove files),
training runs and training examples."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cases.readonly_admin import ReadOnlyAdmin
from review.models import ModelVersion, TrainingExample, TrainingRun
from review.supervision import (
    active_version,
    model_files_remove,
    model_version_activate,
    training_start,
)


def figure(metrics: dict, key: str) -> str:
    value = metrics.get(key)
    return f"{value:.3f}" if isinstance(value, int | float) else "—"


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "engine",
        "n_examples",
        "accuracy",
        "macro_f1",
        "is_active",
        "created_at",
    ]
    list_filter = ["engine", "is_active"]
    exclude = ["blob"]
    readonly_fields = [
        "engine",
        "label",
        "sha256",
        "figures",
        "metrics",
        "labels",
        "n_examples",
        "is_active",
        "created_at",
    ]
    change_form_template = "admin/review/modelversion/change_form.html"
    change_list_template = "admin/review/modelversion/change_list.html"

    def has_add_permission(self, request):
        return False  # versions come from training (the Retrain button), never from a form

    def has_delete_permission(self, request, obj=None):
        return False  # suggestions name the version that made them

    actions = ["remove_files"]

    @admin.action(
        description=gettext_lazy(
            "Remove the model files of the selected inactive versions (after an erasure)"
        ),
        permissions=["change"],
    )
    def remove_files(self, request, queryset):
        removed = model_files_remove(versions=queryset, user=request.user)
        self.message_user(
            request,
            ngettext(
                "Removed the model file of %(count)d version; it can no longer be activated.",
                "Removed the model files of %(count)d versions; they can no longer be activated.",
                len(removed),
            )
            % {"count": len(removed)},
            level=messages.SUCCESS if removed else messages.WARNING,
        )

    @admin.display(description=gettext_lazy("accuracy"))
    def accuracy(self, version):
        return figure(version.metrics, "accuracy")

    @admin.display(description=gettext_lazy("macro F1"))
    def macro_f1(self, version):
        return figure(version.metrics, "macro_f1")

    @admin.display(description=gettext_lazy("figures"))
    def figures(self, version):
        gate = version.metrics.get("gate") or {}
        rows = [
            (gettext_lazy("Out-of-fold accuracy"), figure(version.metrics, "accuracy")),
            (gettext_lazy("Macro F1"), figure(version.metrics, "macro_f1")),
            (gettext_lazy("Calibration error (ECE)"), figure(version.metrics, "ece_after")),
            (gettext_lazy("Examples"), version.n_examples),
            (gettext_lazy("Intents"), len(version.labels)),
        ]
        if gate:
            ours = gate.get("challenger") or {}
            rows += [
                (gettext_lazy("Held-out examples"), gate.get("n_holdout")),
                (gettext_lazy("Automated (coverage)"), figure(ours, "coverage")),
                (gettext_lazy("Right among the automated"), figure(ours, "realised_precision")),
                (gettext_lazy("Retrain gate"), gate.get("reason", "")),
            ]
        if version.is_pruned:
            rows.append((gettext_lazy("Model"), pruned_note(version)))
        return format_html(
            "<table>{}</table>",
            mark_safe(  # noqa: S308 - each row is built by format_html
                "".join(str(format_html("<tr><th>{}</th><td>{}</td></tr>", k, v)) for k, v in rows)
            ),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("blob")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/activate/",
                wrap(require_POST(self.activate_view)),
                name="review_modelversion_activate",
            ),
            path(
                "roll-back/",
                wrap(require_POST(self.roll_back_view)),
                name="review_modelversion_roll_back",
            ),
            path(
                "retrain/",
                wrap(require_POST(self.retrain_view)),
                name="review_modelversion_retrain",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "rollback_to": previous_version(),
            "may_change": self.has_change_permission(request),
            "may_retrain": request.user.has_perm("review.add_modelversion"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        # A pruned version offers no Activate button: there is no model left to activate.
        may_activate = version is not None and not version.is_pruned
        extra_context = (extra_context or {}) | {
            "may_change": self.has_change_permission(request) and may_activate
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def activate_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(ModelVersion.objects.defer("blob"), pk=pk)
        try:
            model_version_activate(version=version, user=request.user)
        except ModelVersion.BlobPruned:
            version.refresh_from_db(fields=["blob_pruned_at"])
            self.message_user(request, refusal(version), level=messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:review_modelversion_change", args=[version.pk])
            )
        self.message_user(request, _("%(label)s is now the active model.") % {"label": version})
        return HttpResponseRedirect(reverse("admin:review_modelversion_changelist"))

    def roll_back_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        version = previous_version()
        if version is None:
            self.message_user(request, _("There is no earlier version."), level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:review_modelversion_changelist"))
        try:
            model_version_activate(version=version, user=request.user, rollback=True)
        except ModelVersion.BlobPruned:  # pruned between the page and the click
            version.refresh_from_db(fields=["blob_pruned_at"])
            self.message_user(request, refusal(version), level=messages.ERROR)
        else:
            self.message_user(request, _("Rolled back to %(label)s.") % {"label": version})
        return HttpResponseRedirect(reverse("admin:review_modelversion_changelist"))

    def retrain_view(self, request):
        if not request.user.has_perm("review.add_modelversion"):
            raise PermissionDenied
        run = training_start(user=request.user)
        return HttpResponseRedirect(reverse("admin:review_trainingrun_change", args=[run.pk]))


def pruned_note(version: ModelVersion) -> str:
    return _("blob removed on %(date)s (retention)") % {
        "date": date_format(timezone.localtime(version.blob_pruned_at), "SHORT_DATE_FORMAT")
    }


def refusal(version: ModelVersion) -> str:
    return _("Cannot activate %(label)s: %(note)s.") % {
        "label": version.label,
        "note": pruned_note(version),
    }


def previous_version() -> ModelVersion | None:
    """The version a roll back returns to: the newest one older than the active one that still
    has its blob (retention empties old ones, `ENGINE_KEEP_VERSIONS`)."""
    active = active_version()
    if active is None:
        return None
    return (
        ModelVersion.objects.filter(
            engine=active.engine, created_at__lt=active.created_at, blob_pruned_at__isnull=True
        )
        .defer("blob")
        .order_by("-created_at", "-pk")
        .first()
    )


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "model_version", "activated", "requested_by", "created_at"]
    list_filter = ["status", "activated"]
    list_select_related = ["model_version", "requested_by"]
    fields = [
        "status",
        "engine",
        "requested_by",
        "previous_version",
        "model_version",
        "activated",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
    change_form_template = "admin/review/trainingrun/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("model_version", "previous_version")
            .defer("model_version__blob", "previous_version__blob")
        )


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    """Supervisors may correct a label; the text is what the customer wrote and stays."""

    list_display = ["intent", "source", "verdict", "language", "created_at"]
    list_filter = ["source", "verdict", "language", "intent"]
    search_fields = ["text"]
    list_select_related = ["intent"]
    fields = ["text", "language", "intent", "verdict", "source", "case", "predicted_intent"]
    readonly_fields = ["text", "language", "source", "case", "predicted_intent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
