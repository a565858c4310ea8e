"""What the AI proposes (suggestions), who approved them, and the items people review."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import ActionKind
from review.models.intents import Intent
from review.models.learning import ModelVersion


class Suggestion(models.Model):
    """What the AI proposes for one message of a case, and the routing decided when stored."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("case")
    )
    message = models.ForeignKey(
        "cases.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("message"),
    )
    engine = models.CharField(_("engine"), max_length=40)
    model_version = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        verbose_name=_("model version"),
    )
    model_label = models.CharField(_("model"), max_length=80, blank=True)
    intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("intent")
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    # The confidence this suggestion needed to go ahead alone: the policy's threshold, raised
    # by the model's own where it learned a higher one from the data (review.suggest).
    threshold = models.FloatField(
        _("threshold applied"),
        null=True,
        blank=True,
        help_text=_("The effective automation threshold the routing used."),
    )
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    slots = models.JSONField(_("slots found"), default=dict, blank=True)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    action = models.CharField(
        _("action"), max_length=10, choices=ActionKind.choices, default=ActionKind.MANUAL
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    adjustment = models.JSONField(_("adjustment"), default=dict, blank=True)
    draft_reply = models.TextField(_("draft reply"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    # The routing decision, computed once from the policy when the suggestion is stored.
    automatable = models.BooleanField(_("may be automated"), default=False)
    reason_codes = models.JSONField(_("reason codes"), default=list, blank=True)
    risk_class = models.CharField(_("risk class"), max_length=12, default="none")
    four_eyes = models.BooleanField(_("four eyes"), default=False)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The suggestion job may run twice (at-least-once delivery); it suggests once.
            models.UniqueConstraint(fields=["case", "message"], name="one_suggestion_per_message")
        ]

    def __str__(self):
        return f"{self.intent or 'no intent'} ({self.confidence:.2f}) for {self.case.reference}"

    @property
    def approvals_needed(self) -> int:
        return 2 if self.four_eyes else 1


class Approval(models.Model):
    """One person's approval of a suggestion; four-eyes needs two distinct ones."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("suggestion")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("approved by")
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="one_approval_per_user")
        ]

    def __str__(self):
        return f"{self.user} approved suggestion {self.suggestion_id}"


class ReviewItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ReviewItem.Status.OPEN, ReviewItem.Status.CLAIMED])

    def claim(self, pk: int, user) -> bool:
        """Claim an open item with one conditional UPDATE; False if someone else was first."""
        return bool(
            self.filter(pk=pk, status=ReviewItem.Status.OPEN).update(
                status=ReviewItem.Status.CLAIMED, claimed_by=user, claimed_at=timezone.now()
            )
        )


class ReviewItem(models.Model):
    """Why a human was asked to look at a case, who took it, and what they decided."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        DECIDED = "decided", _("Decided")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="review_items", verbose_name=_("case")
    )
    suggestion = models.ForeignKey(
        Suggestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_items",
        verbose_name=_("suggestion"),
    )
    reason_codes = models.JSONField(_("reason codes"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["open", "claimed"]),
                name="one_open_review_item_per_case",
            )
        ]

    def __str__(self):
        return f"Review of {self.case.reference}: {', '.join(self.reason_codes)}"
