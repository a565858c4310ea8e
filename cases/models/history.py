"""What happened to a case, append-only: `CaseEvent`, and the base of every append-only model."""

from functools import cache

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case, transitions_of
from cases.models.choices import ActorKind, State

# Events that do not move the case, in words (transitions have their labels on the FSM).
EVENT_LABELS = {
    "message_received": _("Message received"),
    "note": _("Note"),
    "assigned": _("Assigned"),
    "approval_recorded": _("First approval (four eyes)"),
    "customer_feedback": _("Customer feedback"),
    "email_released": _("Email released from quarantine"),
    "customer_exported": _("Personal data exported"),
    "customer_erased": _("Personal data erased"),
    "delivery_failed": _("Mail not delivered"),
    "sla_breached": _("SLA target missed"),
}

# Events whose words name what they concern, from their data (docs/bulk.md).
DESCRIBED_EVENTS = {
    "merge": _("Merged into %(into)s"),
    "merged_from": _("Merged from %(from)s"),
    "tagged": _("Tagged %(tag)s"),
    "untagged": _("Tag %(tag)s removed"),
}


@cache
def transition_labels() -> dict:
    return {name: t[0].custom.get("label") for name, t in transitions_of().items()}


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are written once: no bulk update, no delete (PostgreSQL triggers say the same)."""

    def update(self, **kwargs):
        raise self.model.append_only_error(
            f"{self.model._meta.verbose_name_plural} are never updated"
        )

    def delete(self):
        raise self.model.append_only_error(
            f"{self.model._meta.verbose_name_plural} are never deleted"
        )


class AppendOnlyModel(models.Model):
    """A history row: saved once, never changed or deleted through the ORM."""

    append_only_error = AppendOnlyError

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.append_only_error(f"{self._meta.verbose_name_plural} are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(f"{self._meta.verbose_name_plural} are never deleted")


class CaseEventQuerySet(AppendOnlyQuerySet):
    def record(
        self,
        case: Case,
        name: str,
        *,
        actor_kind: str,
        actor_user=None,
        confirmation=None,
        suggestion=None,
        from_state: str = "",
        reason_codes=(),
        comment: str = "",
        data: dict | None = None,
    ) -> "CaseEvent":
        """Write one event: the one way an event is made (the transition path and the case's
        other actions call it). Without `from_state` nothing moved: both states are the case's.
        The suggestion names the model and policy version the event was decided under."""
        return self.create(
            **event_fields(
                case,
                name,
                actor_kind=actor_kind,
                actor_user=actor_user,
                confirmation=confirmation,
                suggestion=suggestion,
                from_state=from_state,
                reason_codes=reason_codes,
                comment=comment,
                data=data,
            )
        )

    def record_many(self, cases, name: str, *, actor_kind: str, actor_user=None, data=None):
        """The same event on several cases at once (an export or erasure of their customer)."""
        return self.bulk_create(
            self.model(
                **event_fields(case, name, actor_kind=actor_kind, actor_user=actor_user, data=data)
            )
            for case in cases
        )


def event_fields(
    case,
    name,
    *,
    actor_kind,
    actor_user=None,
    confirmation=None,
    suggestion=None,
    from_state="",
    reason_codes=(),
    comment="",
    data=None,
) -> dict:
    return {
        "case": case,
        "name": name,
        "from_state": from_state or case.state,
        "to_state": case.state,
        "actor_kind": actor_kind,
        "actor_user": actor_user,
        "confirmation": confirmation,
        "suggestion": suggestion,
        "model_version": suggestion.model_label if suggestion else "",
        "policy_version": suggestion.policy_version if suggestion else None,
        "reason_codes": list(reason_codes),
        "comment": comment,
        "data": data or {},
    }


class CaseEvent(AppendOnlyModel):
    """What happened to a case, who did it and why. Append-only (also in PostgreSQL)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    name = models.CharField(
        _("event"), max_length=40, help_text=_("The transition, or the kind of event.")
    )
    from_state = models.CharField(_("from state"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices)
    actor_kind = models.CharField(_("actor kind"), max_length=12, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    confirmation = models.ForeignKey(
        "customers.ConfirmationRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmation request"),
    )
    suggestion = models.ForeignKey(
        "review.Suggestion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("suggestion"),
    )
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    reason_codes = models.JSONField(_("reason codes"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case.reference}: {self.name} {self.from_state} → {self.to_state}"

    @property
    def label(self) -> str:
        """What happened, in words ("Route to review", "Note"); the code stays in `name`."""
        if self.name in DESCRIBED_EVENTS:
            try:
                return str(DESCRIBED_EVENTS[self.name]) % self.data
            except (KeyError, TypeError):
                pass
        label = transition_labels().get(self.name) or EVENT_LABELS.get(self.name)
        return str(label) if label else self.name.replace("_", " ").capitalize()

    @property
    def is_transition(self) -> bool:
        return self.from_state != self.to_state

    @property
    def actor_display(self) -> str:
        if self.actor_user_id:
            return self.actor_user.get_full_name() or self.actor_user.get_username()
        return self.get_actor_kind_display()
