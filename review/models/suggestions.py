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

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="suggestions")
    message = models.ForeignKey(
        "cases.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engine = models.CharField(max_length=40)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    model_label = models.CharField(max_length=80, blank=True)
    intent = models.ForeignKey(Intent, null=True, blank=True, on_delete=models.PROTECT)
    confidence = models.FloatField(default=0.0)
    # The confidence this suggestion needed to go ahead alone: the policy's threshold, raised
    # by the model's own where it learned a higher one from the data (review.suggest).
    threshold = models.FloatField(
        null=True,
        blank=True,
        help_text=_("The effective automation threshold the routing used."),
    )
    alternatives = models.JSONField(default=list, blank=True)
    slots = models.JSONField(default=dict, blank=True)
    risk_flags = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=10, choices=ActionKind.choices, default=ActionKind.MANUAL)
    options = models.JSONField(default=list, blank=True)
    adjustment = models.JSONField(default=dict, blank=True)
    draft_reply = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    # The routing decision, computed once from the policy when the suggestion is stored.
    automatable = models.BooleanField(default=False)
    reason_codes = models.JSONField(default=list, blank=True)
    risk_class = models.CharField(max_length=12, default="none")
    four_eyes = models.BooleanField(default=False)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="review_items")
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.PROTECT, related_name="review_items"
    )
    reason_codes = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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
