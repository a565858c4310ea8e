"""Intents and their policy: what customers want, and the rules supervisors own for each."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from cases.models import ActionKind


class Intent(models.Model):
    """What a customer wants, what the AI then proposes, and the policy supervisors own."""

    class Mode(models.TextChoices):
        ASSIST = "assist", _("Assist: a human always decides")
        AUTO = "auto", _("Auto: the AI may act when every condition passes")

    class RiskClass(models.TextChoices):
        NONE = "none", _("None")
        FINANCIAL = "financial", _("Financial")
        LEGAL = "legal", _("Legal")

    POLICY_FIELDS = (
        "mode",
        "threshold",
        "risk_class",
        "amount_limit",
        "required_slots",
        "qa_sample_rate",
        "four_eyes",
    )

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)
    action = models.CharField(
        _("what the AI proposes"),
        max_length=10,
        choices=ActionKind.choices,
        default=ActionKind.REPLY,
    )
    reply_templates = models.JSONField(
        _("draft replies"),
        default=dict,
        blank=True,
        help_text=_('Draft reply per language: {"en": "…", "de": "…"}.'),
    )
    is_out_of_scope = models.BooleanField(
        _("out of scope"),
        default=False,
        help_text=_("The catch-all for messages the business does not handle."),
    )
    # The policy.
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ASSIST)
    threshold = models.FloatField(
        _("confidence threshold"),
        default=0.85,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    risk_class = models.CharField(
        _("risk class"), max_length=12, choices=RiskClass.choices, default=RiskClass.NONE
    )
    amount_limit = models.DecimalField(
        _("amount limit"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    required_slots = models.JSONField(_("required slots"), default=list, blank=True)
    qa_sample_rate = models.FloatField(
        _("quality sample"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    four_eyes = models.BooleanField(_("four eyes"), default=False)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("intent")
        verbose_name_plural = _("intents")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def save(self, *args, changed_by=None, **kwargs):
        """Save; a changed policy becomes a new numbered version that events can cite."""
        with transaction.atomic():
            latest = self.policy_versions.first() if self.pk else None
            if latest is None or latest.snapshot != self.policy_snapshot():
                self.policy_version += 1
                super().save(*args, **kwargs)
                PolicyVersion.objects.create(
                    intent=self,
                    version=self.policy_version,
                    snapshot=self.policy_snapshot(),
                    changed_by=changed_by,
                )
            else:
                super().save(*args, **kwargs)

    def clean(self):
        if self.action == ActionKind.MANUAL and self.mode == self.Mode.AUTO:
            raise ValidationError({"mode": _("Manual intents cannot be automated.")})

    def policy_snapshot(self) -> dict:
        snapshot = {field: getattr(self, field) for field in self.POLICY_FIELDS}
        if snapshot["amount_limit"] is not None:
            snapshot["amount_limit"] = str(snapshot["amount_limit"])
        return snapshot

    def display_name(self, language: str = "en") -> str:
        return self.name_de if language == "de" and self.name_de else self.name


class PolicyVersion(models.Model):
    intent = models.ForeignKey(
        Intent, on_delete=models.CASCADE, related_name="policy_versions", verbose_name=_("intent")
    )
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("policy"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["intent", "version"], name="unique_policy_version")
        ]

    def __str__(self):
        return f"{self.intent.slug} v{self.version}"
