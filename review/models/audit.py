"""The supervisors' audit trail: append-only entries, never personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class AppendOnlyAuditError(AppendOnlyError):
    pass


class AuditEntry(AppendOnlyModel):
    """What a supervisor did outside a case's transitions. Append-only (also in PostgreSQL).

    Never holds personal data: customers are named by id, cases by reference. That is what
    lets an entry outlive the erasure of the customer it is about.
    """

    class Action(models.TextChoices):
        POLICY_CHANGED = "policy_changed", _("Policy changed")
        MODEL_ACTIVATED = "model_activated", _("Model version activated")
        MODEL_ROLLED_BACK = "model_rolled_back", _("Model version rolled back")
        TRAINING_STARTED = "training_started", _("Retraining started")
        CUSTOMER_EXPORTED = "customer_exported", _("Customer data exported")
        CUSTOMER_ERASED = "customer_erased", _("Customer data erased")
        MODEL_FILE_REMOVED = "model_file_removed", _("Model file removed")

    action = models.CharField(_("action"), max_length=30, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object ID"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()
    append_only_error = AppendOnlyAuditError

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_type} {self.object_id}"

    @classmethod
    def record(cls, *, action: str, actor, target, **data) -> "AuditEntry":
        return cls.objects.create(
            action=action,
            actor=actor,
            object_type=target._meta.label,
            object_id=str(target.pk),
            data=data,
        )
