"""The decision layer: intents and their policy, suggestions, review items, the learning loop."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
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

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    name_de = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=10, choices=ActionKind.choices, default=ActionKind.REPLY)
    reply_templates = models.JSONField(
        default=dict, blank=True, help_text=_('Draft reply per language: {"en": "…", "de": "…"}.')
    )
    is_out_of_scope = models.BooleanField(
        default=False, help_text=_("The catch-all for messages the business does not handle.")
    )
    # The policy.
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ASSIST)
    threshold = models.FloatField(
        default=0.85, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    risk_class = models.CharField(max_length=12, choices=RiskClass.choices, default=RiskClass.NONE)
    amount_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    required_slots = models.JSONField(default=list, blank=True)
    qa_sample_rate = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    four_eyes = models.BooleanField(default=False)
    policy_version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="policy_versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["intent", "version"], name="unique_policy_version")
        ]

    def __str__(self):
        return f"{self.intent.slug} v{self.version}"


class ModelVersionQuerySet(models.QuerySet):
    def active(self, engine: str | None = None):
        return self.filter(is_active=True, engine=engine or settings.ENGINE).first()

    def prune_blobs(self, keep: int) -> int:
        """Empty the blobs of versions past the newest `keep` per engine; return how many.

        The active version keeps its blob whatever its age: `active_classifier` loads it.
        The rows stay, with their figures: suggestions name the version that made them.
        """
        pruned = 0
        for engine in self.order_by().values_list("engine", flat=True).distinct():
            newest = self.filter(engine=engine).order_by("-created_at", "-pk")[:keep]
            # One conditional UPDATE per engine: a version activated meanwhile is no longer
            # `is_active=False` when PostgreSQL re-checks the row, and keeps its blob.
            pruned += (
                self.filter(engine=engine, is_active=False, blob_pruned_at__isnull=True)
                .exclude(pk__in=list(newest.values_list("pk", flat=True)))
                .update(blob=b"", blob_pruned_at=timezone.now())
            )
        return pruned


class ModelVersion(models.Model):
    """A trained engine model: the blob, its checksum and its evaluation figures."""

    engine = models.CharField(max_length=40)
    label = models.CharField(max_length=80, unique=True)
    blob = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    metrics = models.JSONField(default=dict, blank=True)
    labels = models.JSONField(default=list, blank=True)
    n_examples = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention (`ENGINE_KEEP_VERSIONS`) emptied the blob: the figures stay, the
    # model is gone, so this version can no longer be activated or rolled back to.
    blob_pruned_at = models.DateTimeField(null=True, blank=True)

    objects = ModelVersionQuerySet.as_manager()

    class BlobPruned(Exception):
        pass

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["engine"], condition=models.Q(is_active=True), name="one_active_per_engine"
            )
        ]

    def __str__(self):
        return self.label

    @staticmethod
    def checksum(blob: bytes) -> str:
        return hashlib.sha256(blob).hexdigest()

    @property
    def is_pruned(self) -> bool:
        return self.blob_pruned_at is not None

    def verified_blob(self) -> bytes:
        if self.is_pruned:
            raise ValueError(f"model {self.label}: blob removed on {self.blob_pruned_at:%Y-%m-%d}")
        blob = bytes(self.blob)
        if self.checksum(blob) != self.sha256:
            raise ValueError(f"model {self.label}: checksum mismatch, refusing to load")
        return blob

    def activate(self) -> None:
        """Make this the engine's active version; raise BlobPruned if its blob is gone."""
        with transaction.atomic():
            ModelVersion.objects.filter(engine=self.engine, is_active=True).update(is_active=False)
            # Conditional: a prune committed since this row was read leaves nothing to load.
            if not ModelVersion.objects.filter(pk=self.pk, blob_pruned_at__isnull=True).update(
                is_active=True
            ):
                raise self.BlobPruned(f"model {self.label}: its blob was removed (retention)")
            self.is_active = True


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
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The suggestion job may run twice (at-least-once delivery); it suggests once.
            models.UniqueConstraint(fields=["case", "message"], name="one_suggestion_per_message")
        ]

    def __str__(self):
        return f"{self.intent or 'no intent'} ({self.confidence:.2f}) for {self.case_id}"

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
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["open", "claimed"]),
                name="one_open_review_item_per_case",
            )
        ]

    def __str__(self):
        return f"Review of {self.case_id}: {', '.join(self.reason_codes)}"


class TrainingExample(models.Model):
    """A labelled message: seeded, or a human's or customer's verdict on a suggestion."""

    class Source(models.TextChoices):
        SEED = "seed", _("Seed data")
        AGENT_APPROVE = "agent_approve", _("Agent approved")
        AGENT_AMEND = "agent_amend", _("Agent amended")
        AGENT_TAKE_OVER = "agent_take_over", _("Agent took over")
        CUSTOMER_ACCEPT = "customer_accept", _("Customer accepted")
        CUSTOMER_DECLINE = "customer_decline", _("Customer declined")
        CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("The AI's intent was right")
        CORRECTED = "corrected", _("A human gave the right intent")
        REJECTED = "rejected", _("The proposal was rejected")

    text = models.TextField()
    language = models.CharField(max_length=8, default="en")
    intent = models.ForeignKey(Intent, on_delete=models.PROTECT, related_name="examples")
    source = models.CharField(max_length=20, choices=Source.choices)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default="confirmed")
    # How much the example counts in training: a person's correction teaches most.
    weight = models.FloatField(default=1.0)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    predicted_intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.intent.slug}: {self.text[:40]}"

    @property
    def is_label(self) -> bool:
        """Usable for training: the intent is known to be right."""
        return self.verdict != self.Verdict.REJECTED

    @classmethod
    def weight_for(cls, source: str, verdict: str) -> float:
        """Weigh decisions: corrections most, then customers' own word, then approvals.

        Rejections carry no label (the right intent is unknown): they count for agreement
        figures, not in training.
        """
        if verdict == cls.Verdict.REJECTED:
            return 0.0
        if verdict == cls.Verdict.CORRECTED:
            return 2.0
        if source in (cls.Source.CUSTOMER_ACCEPT, cls.Source.CUSTOMER_FEEDBACK):
            return 1.5
        return 1.0


class TrainingRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.TRAINING])

    def claim(self, pk: int, *, stale_after: timedelta) -> bool:
        """Move a queued run to training with one conditional UPDATE; False if not ours to run.

        A run left in `training` longer than `stale_after` belongs to a worker that died or was
        killed by the timeout: the redelivered task may take it over.
        """
        now = timezone.now()
        return bool(
            self.filter(
                models.Q(status=TrainingRun.Status.QUEUED)
                | models.Q(status=TrainingRun.Status.TRAINING, started_at__lt=now - stale_after),
                pk=pk,
            ).update(status=TrainingRun.Status.TRAINING, started_at=now)
        )


class TrainingRun(models.Model):
    """One retraining job, started by a supervisor; the worker updates its status.

    The progress bar polls this row, so it works the same whether django-q2 runs the job in a
    worker or inline (tests run it synchronously).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        TRAINING = "training", _("Training")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    engine = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    # The active version when the run started: what the new one is compared with.
    previous_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TrainingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A second click while a run is queued or training shows that run, never a second one.
            models.UniqueConstraint(
                fields=["engine"],
                condition=models.Q(status__in=["queued", "training"]),
                name="one_active_training_run_per_engine",
            )
        ]

    def __str__(self):
        return f"Training run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class AppendOnlyAuditError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyAuditError("audit entries are never updated")

    def delete(self):
        raise AppendOnlyAuditError("audit entries are never deleted")


class AuditEntry(models.Model):
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

    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyAuditError("audit entries are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyAuditError("audit entries are never deleted")

    @classmethod
    def record(cls, *, action: str, actor, target, **data) -> "AuditEntry":
        return cls.objects.create(
            action=action,
            actor=actor,
            object_type=target._meta.label,
            object_id=str(target.pk),
            data=data,
        )
