"""Train the engine from what people decided: the worker's side of a retraining.

What a training learns from (`examples_fingerprint`, and whether anything changed since the
last one), the run itself (`training_execute`, for a `TrainingRun` that `review.supervision`
queued), training a challenger and the retrain gate that decides whether it is activated
(`model_train`). This module loads the engine (scikit-learn, NumPy): the worker and the
commands import it, web processes never do (`review.supervision` does not import it).
"""

import hashlib
import json
import logging
import math
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from review.engine import interface as engine_interface
from review.engine.gate import GateFigures, split_holdout
from review.engine.gate import judge as gate_judge
from review.engine.intent_classifier import IntentClassifier
from review.models import AuditEntry, Intent, ModelVersion, TrainingExample, TrainingRun
from review.suggest import routing_intent
from review.supervision import running_for

logger = logging.getLogger(__name__)


def examples_fingerprint(
    rows: Iterable[tuple],
    *,
    engine: str,
    seed: int = 0,
    target_precision: float | None = None,
    folds: int | None = None,
) -> str:
    """Hash what a training learns from: the labelled examples and the settings that shape it.

    `rows` are (pk, intent slug, verdict, weight, text) in pk order, as `labelled_example_rows`
    gives them and `model_train` reads them; a changed intent, verdict, weight or text, an
    added or erased example, or another engine, seed, holdout share, target precision or
    (for ``hybrid``) embedding model changes the hash. The schedule compares it with the
    newest version's (``metrics["examples_fingerprint"]``) to skip a night with nothing new.
    """
    if target_precision is None:
        target_precision = settings.ENGINE_TARGET_PRECISION
    digest = hashlib.sha256()
    shape = [engine, seed, target_precision, folds, settings.ENGINE_HOLDOUT_SHARE]
    if engine == "hybrid":  # another embedding model is another training
        shape.append(settings.ENGINE_EMBEDDINGS)
    digest.update(json.dumps(shape).encode())
    for row in rows:
        digest.update(b"\n" + json.dumps(list(row), ensure_ascii=False).encode())
    return digest.hexdigest()


def labelled_example_rows():
    """The examples `model_train` trains and judges on, as rows for `examples_fingerprint`."""
    return (
        TrainingExample.objects.exclude(verdict=TrainingExample.Verdict.REJECTED)
        .order_by("pk")
        .values_list("pk", "intent__slug", "verdict", "weight", "text")
    )


def retrain_needed(engine: str | None = None) -> bool:
    """Whether the examples changed since the engine's newest version was trained.

    Only the schedule asks: a person who presses the button, or runs `train_engine`, gets a
    training either way.
    """
    engine = engine or settings.ENGINE
    newest = (
        ModelVersion.objects.filter(engine=engine)
        .order_by("-created_at", "-pk")
        .only("label", "metrics")
        .first()
    )
    if newest is None:
        return True
    # Streamed: one query, without holding every text in memory at once.
    rows = labelled_example_rows().iterator(chunk_size=2000)
    if newest.metrics.get("examples_fingerprint") != examples_fingerprint(rows, engine=engine):
        return True
    logger.info("nothing new to learn since %s", newest.label)
    return False


def automation_bar(intent: Intent | None, version: ModelVersion | None) -> float:
    """The confidence a prediction of `intent` needs before the AI may act alone.

    The larger of the supervisor's threshold (raised by the model's data-chosen one, see
    `routing_intent`) and the out-of-scope floor; never for an unknown or out-of-scope
    intent. Risk flags and the intent's mode are left out: they do not depend on the model.
    """
    if intent is None or intent.is_out_of_scope:
        return math.inf
    routed = routing_intent(intent, version)
    return max(routed.threshold, settings.OUT_OF_SCOPE_THRESHOLD)


def model_evaluate(
    version: ModelVersion, classifier: IntentClassifier, examples: list[TrainingExample]
) -> GateFigures:
    """Route `examples` with this model as the product would (the out-of-scope cut too);
    count what it automates."""
    intents = {intent.slug: intent for intent in Intent.objects.all()}
    predictions = classifier.predict([example.text for example in examples]) if examples else []
    correct = [p.intent == e.intent.slug for p, e in zip(predictions, examples, strict=True)]
    automated = [
        not p.out_of_scope and p.confidence >= automation_bar(intents.get(p.intent), version)
        for p in predictions
    ]
    return GateFigures.count(correct, automated)


def _champion(engine: str) -> tuple[ModelVersion | None, IntentClassifier | None, str]:
    """The active model of `engine`, loaded, or why it cannot be compared with."""
    current = ModelVersion.objects.filter(is_active=True, engine=engine).defer("blob").first()
    if current is None:
        return None, None, ""
    try:
        engine_interface.require(engine)
        return current, IntentClassifier.from_bytes(current.verified_blob()), ""
    except (ValueError, engine_interface.EngineUnavailable) as error:
        logger.error("active model %s cannot be evaluated: %s", current.label, error)
        return current, None, f"the active model {current.label} cannot be loaded: {error}"


def training_groups(examples: list[TrainingExample], folds: int) -> tuple[str, list]:
    """Each example's group for the splits (`TrainingExample.group_key`), and which key.

    By customer (one customer's near-identical messages on one side), unless that leaves an
    intent with fewer groups than `folds` where by message it had at least that many (a
    customer who wrote most of an intent's examples): then by message, so that such an
    intent can still be cross-fitted. Examples without a case are their own group; equal
    texts join one group either way (`review.engine.groups`).
    """
    keys = {by: [example.group_key(by) for example in examples] for by in ("customer", "message")}

    def fewest(by: str) -> int:
        per_intent: dict[str, set] = {}
        for index, (example, key) in enumerate(zip(examples, keys[by], strict=True)):
            per_intent.setdefault(example.intent.slug, set()).add(key or index)
        return min((len(groups) for groups in per_intent.values()), default=0)

    if fewest("customer") >= min(folds, fewest("message")):
        return "customer", keys["customer"]
    return "message", keys["message"]


def model_train(
    *,
    engine: str | None = None,
    seed: int = 0,
    activate: str = "if_better",
    target_precision: float | None = None,
    folds: int | None = None,
    actor=None,
):
    """Train a challenger from the training examples; activate it unless it is worse.

    The examples of the held-out share (``ENGINE_HOLDOUT_SHARE``, `review.engine.gate`) are
    not trained on: the challenger and the active model both route them, and the challenger
    is activated only if it is not worse on coverage at the target precision
    (`gate.judge`). Its figures, the active model's and the reason go into
    ``metrics["gate"]``. `activate` is ``if_better`` (that gate), ``always`` or ``never``.

    Thresholds per intent are chosen for `target_precision` (default: the
    ``ENGINE_TARGET_PRECISION`` setting) from `folds`-fold out-of-fold predictions and
    stored in ``metrics["thresholds"]``; routing reads them through `model_threshold`.
    An activation is audited (``model_activated``, with the gate's reason) in the name of
    `actor`: the supervisor who started the run, or None for the schedule and commands.
    Raises ValueError for an unknown engine or `activate`, and `EngineUnavailable` for an
    engine that is not installed.
    """
    if activate not in ("if_better", "always", "never"):
        raise ValueError(f"activate must be if_better, always or never, not {activate!r}")
    engine = engine or settings.ENGINE
    embeddings = settings.ENGINE_EMBEDDINGS if engine == "hybrid" else None
    engine_interface.require(engine, embeddings)
    if target_precision is None:
        target_precision = settings.ENGINE_TARGET_PRECISION
    share = settings.ENGINE_HOLDOUT_SHARE
    n_folds = folds or engine_interface.DEFAULT_FOLDS
    examples = list(
        TrainingExample.objects.exclude(verdict=TrainingExample.Verdict.REJECTED)
        .select_related("intent", "case", "suggestion")
        .order_by("pk")
    )
    # One message's examples, and one customer's, never on both sides of a split.
    group_by, groups = training_groups(examples, n_folds)
    train_idx, held_idx = split_holdout(
        [example.text for example in examples],
        [example.intent.slug for example in examples],
        share,
        groups,
    )
    training = [examples[i] for i in train_idx]
    held_out = [examples[i] for i in held_idx]
    # Weights come from the learning loop; seeds weigh 1.
    weights = [example.weight or 1.0 for example in training]
    intents = list(Intent.objects.all())
    # Routing's rules, applied inside threshold selection as routing applies them.
    routing = {
        "floor": settings.OUT_OF_SCOPE_THRESHOLD,
        "supervisor": {intent.slug: intent.threshold for intent in intents},
    }
    start = time.perf_counter()
    classifier = engine_interface.train(
        [example.text for example in training],
        [example.intent.slug for example in training],
        engine=engine,
        seed=seed,
        folds=n_folds,
        target_precision=target_precision,
        sample_weight=None if all(w == 1.0 for w in weights) else weights,
        routing=routing,
        out_of_scope_labels=[intent.slug for intent in intents if intent.is_out_of_scope],
        embeddings=embeddings,
        groups=[groups[i] for i in train_idx],
    )
    metrics = classifier.metrics | {"train_seconds": round(time.perf_counter() - start, 3)}
    blob = classifier.to_bytes()
    number = ModelVersion.objects.filter(engine=engine).count() + 1
    version = ModelVersion.objects.create(
        engine=engine,
        label=f"{engine}-{number}-{ModelVersion.checksum(blob)[:8]}",
        blob=blob,
        sha256=ModelVersion.checksum(blob),
        metrics=metrics,
        labels=classifier.labels,
        n_examples=len(training),
    )

    challenger = model_evaluate(version, classifier, held_out)
    current, current_classifier, unusable = _champion(engine)
    champion = model_evaluate(current, current_classifier, held_out) if current_classifier else None
    better, reason = gate_judge(champion, challenger, target_precision)
    if unusable:
        reason = unusable
    elif current is not None and (
        (current.metrics.get("gate") or {}).get("holdout_share") != share
        or (current.metrics.get("gate") or {}).get("holdout_groups") != group_by
    ):
        # Trained before this split (or with another share or grouping): it may have seen
        # these examples.
        reason += " (the active model was trained on some of these examples)"
    activated = activate == "always" or (activate == "if_better" and better)
    # From the examples as read at the start: a decision made during training is new tomorrow.
    fingerprint = examples_fingerprint(
        ((e.pk, e.intent.slug, e.verdict, e.weight, e.text) for e in examples),
        engine=engine,
        seed=seed,
        target_precision=target_precision,
        folds=folds,
    )
    version.metrics = metrics | {
        "examples_fingerprint": fingerprint,
        "gate": {
            "holdout_share": share,
            "holdout_groups": group_by,
            "target_precision": target_precision,
            "n_train": len(training),
            "n_holdout": len(held_out),
            "challenger": challenger.as_metrics(),
            "champion": None
            if champion is None
            else {"label": current.label, **champion.as_metrics()},
            "not_worse": better,
            "activate": activate,
            "reason": reason,
        },
    }
    version.save(update_fields=["metrics"])
    if activated:
        with transaction.atomic():
            version.activate()
            AuditEntry.record(
                action=AuditEntry.Action.MODEL_ACTIVATED,
                actor=actor,
                target=version,
                label=version.label,
                previous=current.label if current else None,
                reason=f"retrain gate ({activate}): {reason}",
            )
    logger.info(
        "trained %s on %d examples, %s: %s",
        version.label,
        len(training),
        "activated" if activated else "not activated",
        reason,
    )
    # Every training path ends here (the button, the schedule, `train_engine`, the demo).
    pruned = ModelVersion.objects.filter(engine=engine).prune_blobs(settings.ENGINE_KEEP_VERSIONS)
    if pruned:
        logger.info("removed the blobs of %d older %s versions (retention)", pruned, engine)
    return version


def training_execute(*, run_id: int) -> TrainingRun | None:
    """Run the training for a queued run; a repeated delivery of the same job does nothing."""
    if not TrainingRun.objects.claim(run_id, stale_after=running_for()):
        return None
    try:
        run = TrainingRun.objects.select_related("requested_by").get(pk=run_id)
        version = model_train(engine=run.engine, actor=run.requested_by)
    except Exception as error:
        logger.exception("training run %s failed", run_id)
        TrainingRun.objects.filter(pk=run_id).update(
            status=TrainingRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
    else:
        activated = ModelVersion.objects.filter(pk=version.pk, is_active=True).exists()
        TrainingRun.objects.filter(pk=run_id).update(
            status=TrainingRun.Status.DONE,
            model_version=version,
            activated=activated,
            finished_at=timezone.now(),
        )
    return TrainingRun.objects.get(pk=run_id)
