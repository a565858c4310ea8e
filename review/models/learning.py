"""The learning loop: labelled training examples, trained model versions, training runs."""

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models.intents import Intent
from review.verdicts import training_verdict


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

    engine = models.CharField(_("engine"), max_length=40)
    label = models.CharField(_("label"), max_length=80, unique=True)
    blob = models.BinaryField(_("model file"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    labels = models.JSONField(_("intents learnt"), default=list, blank=True)
    n_examples = models.PositiveIntegerField(_("examples"), default=0)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when retention (`ENGINE_KEEP_VERSIONS`) emptied the blob: the figures stay, the
    # model is gone, so this version can no longer be activated or rolled back to.
    blob_pruned_at = models.DateTimeField(_("model file removed at"), null=True, blank=True)

    objects = ModelVersionQuerySet.as_manager()

    class BlobPruned(Exception):
        pass

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
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

    def threshold_for(self, intent_slug: str) -> float | None:
        """The minimum confidence this model chose from data for an intent.

        ``math.inf`` when no threshold reaches the target precision (never automate); None
        when the model has no threshold of its own for the intent (too little data, or an
        older model), so that the intent's own threshold alone applies.
        """
        thresholds = (self.metrics or {}).get("thresholds") or {}
        if thresholds.get("status", {}).get(intent_slug) == "unreachable":
            return math.inf
        value = thresholds.get("per_intent", {}).get(intent_slug)
        return None if value is None else float(value)

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

    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, default="en")
    intent = models.ForeignKey(
        Intent, on_delete=models.PROTECT, related_name="examples", verbose_name=_("intent")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=Verdict.choices, default="confirmed"
    )
    # How much the example counts in training: a person's correction teaches most.
    weight = models.FloatField(_("weight"), default=1.0)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("case"),
    )
    suggestion = models.ForeignKey(
        "review.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggestion"),
    )
    predicted_intent = models.ForeignKey(
        Intent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("predicted intent"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.intent.slug}: {self.text[:40]}"

    def group_key(self, by: str = "customer") -> tuple | None:
        """Which examples must stay on one side of a split with this one
        (`review.engine.groups`): the customer who wrote it (``by="customer"``) or the
        message it came from (``"message"``); None for one without a case (seeds, imports).
        Reads `case` and `suggestion`: select them with the examples."""
        if by not in ("customer", "message"):
            raise ValueError(f"group by customer or message, not {by!r}")
        if by == "customer" and self.case_id is not None:
            return ("customer", self.case.customer_id)
        if self.suggestion_id is not None:
            return ("message", self.suggestion.message_id)
        return None if self.case_id is None else ("case", self.case_id)

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

    engine = models.CharField(_("engine"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    # The active version when the run started: what the new one is compared with.
    previous_version = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous version"),
    )
    model_version = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("new model version"),
    )
    activated = models.BooleanField(_("activated"), default=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = TrainingRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")
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
    def verdict(self) -> str:
        """Activated or not, in words, naming the check that decided with both figures."""
        gate = (self.model_version.metrics or {}).get("gate") if self.model_version else None
        return training_verdict(
            gate, activated=self.activated, had_active_model=self.previous_version_id is not None
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
