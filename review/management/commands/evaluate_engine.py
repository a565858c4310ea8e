"""Train an engine on one CSV file and measure it on another (``text,category`` columns).

    manage.py evaluate_engine --train PATH --test PATH [--engine tfidf|hybrid]
                              [--embeddings minilm|multilingual]
                              [--target-precision 0.98] [--folds N] [--json]

Trains on the train file only; the per-intent thresholds for the target precision come from
out-of-fold predictions on it (``--folds``, default 5). Then, on the test file: accuracy,
macro-F1, expected calibration error, coverage and realised precision at the chosen
thresholds, the area under the risk-coverage curve, training time, predictions per second
(one at a time and in batches of 256, on one core), model size and peak memory.

Out-of-scope mode: test rows whose category is not among the training intents are out of
scope. They count as wrong predictions in the overall figures (an automated out-of-scope
message is an error); ``oos_recall`` is the share of them that the thresholds send to a human,
``in_scope_accuracy`` the accuracy on the other rows, ``oos_auroc`` how well the confidence
separates in-scope (higher) from out-of-scope rows. Without such rows ``oos_*`` are null.

An intent without a threshold of its own (too few examples) counts as not automated here.
``threshold`` is the median of the chosen per-intent thresholds; ``model_bytes`` is what
serving needs: the model blob plus, for ``hybrid``, the ONNX file. Nothing touches the
database.
"""

from __future__ import annotations

import csv
import json
import resource
import statistics
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import f1_score
from threadpoolctl import threadpool_limits

from review.engine import interface
from review.engine.calibration import aurc, auroc, expected_calibration_error
from review.engine.classifier import ENGINES
from review.engine.embeddings import EMBEDDINGS, EngineUnavailable, embedding_model

BATCH = 256
MAX_SINGLE = 1000  # messages timed one at a time (the first ones of the test file)
KEYS = (
    "engine",
    "embeddings",
    "accuracy",
    "macro_f1",
    "ece",
    "target_precision",
    "threshold",
    "coverage",
    "realised_precision",
    "aurc",
    "in_scope_accuracy",
    "oos_recall",
    "oos_auroc",
    "train_seconds",
    "predictions_per_second_batch1",
    "predictions_per_second_batch256",
    "model_bytes",
    "peak_rss_bytes",
)


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"text", "category"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: needs the columns text,category")
            rows = list(reader)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error}") from error
    if not rows:
        raise CommandError(f"{path}: no rows")
    return [row["text"] for row in rows], [row["category"] for row in rows]


def peak_rss_bytes() -> int:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def evaluate(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    *,
    engine: str = "tfidf",
    target_precision: float = 0.98,
    seed: int = 0,
    folds: int | None = None,
    embeddings: str | None = None,
) -> dict:
    """Train on `train`, measure on `test`; return the figures under `KEYS`."""
    start = time.perf_counter()
    model = interface.train(
        *train,
        embeddings=embeddings,
        engine=engine,
        seed=seed,
        folds=folds or interface.DEFAULT_FOLDS,
        target_precision=target_precision,
    )
    train_seconds = time.perf_counter() - start

    texts, truth = test
    known = set(model.labels)
    in_scope = np.array([label in known for label in truth])
    predictions = model.predict(texts)
    predicted = [p.intent for p in predictions]
    confidence = np.array([p.confidence for p in predictions])
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)], dtype=float)
    thresholds = model.thresholds
    automated = (
        thresholds.automated(predicted, confidence)
        if thresholds is not None
        else np.zeros(len(texts), dtype=bool)
    )
    chosen = (
        [] if thresholds is None else [t for t in thresholds.per_intent.values() if t is not None]
    )

    single = texts[:MAX_SINGLE]
    model.predict_one(single[0])  # warm up (the hybrid engine loads its ONNX file here)
    start = time.perf_counter()
    for text in single:
        model.predict_one(text)
    batch1 = len(single) / (time.perf_counter() - start)
    start = time.perf_counter()
    for offset in range(0, len(texts), BATCH):
        model.predict(texts[offset : offset + BATCH])
    batch256 = len(texts) / (time.perf_counter() - start)

    files = embedding_model(embeddings or "minilm").files if engine == "hybrid" else ()
    model_bytes = len(model.to_bytes()) + sum(pinned.size for pinned in files)
    oos = ~in_scope
    return {
        "engine": engine,
        "embeddings": model.metrics.get("embedding_model"),
        "accuracy": float(correct.mean()),
        "macro_f1": float(
            f1_score(truth, predicted, labels=model.labels, average="macro", zero_division=0)
        ),
        "ece": expected_calibration_error(confidence, correct),
        "target_precision": target_precision,
        "threshold": statistics.median(chosen) if chosen else None,
        "coverage": float(automated.mean()),
        "realised_precision": float(correct[automated].mean()) if automated.any() else None,
        "aurc": aurc(confidence, correct),
        "in_scope_accuracy": float(correct[in_scope].mean()) if in_scope.any() else None,
        "oos_recall": float((~automated[oos]).mean()) if oos.any() else None,
        "oos_auroc": auroc(confidence[in_scope], confidence[oos]) if oos.any() else None,
        "train_seconds": round(train_seconds, 3),
        "predictions_per_second_batch1": round(batch1, 1),
        "predictions_per_second_batch256": round(batch256, 1),
        "model_bytes": model_bytes,
        "peak_rss_bytes": peak_rss_bytes(),
    }


class Command(BaseCommand):
    help = "Train an engine on a CSV file and report quality, coverage, speed and size on another."

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, type=Path, help="CSV: text,category")
        parser.add_argument("--test", required=True, type=Path, help="CSV: text,category")
        parser.add_argument("--engine", choices=ENGINES, default="tfidf")
        parser.add_argument(
            "--embeddings",
            choices=EMBEDDINGS,
            default=None,
            help="The hybrid engine's embedding model (default: ENGINE_EMBEDDINGS).",
        )
        parser.add_argument("--target-precision", type=float, default=0.98)
        parser.add_argument(
            "--folds",
            type=int,
            default=None,
            help="Out-of-fold folds for the thresholds (default: the engine's own).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        target = options["target_precision"]
        if not 0.0 < target < 1.0:
            raise CommandError("--target-precision must be between 0 and 1")
        if options["folds"] is not None and options["folds"] < 2:
            raise CommandError("--folds must be at least 2")
        train = read_csv(options["train"])
        test = read_csv(options["test"])
        embeddings = options["embeddings"] or settings.ENGINE_EMBEDDINGS
        try:
            interface.require(options["engine"], embeddings)
            # One core: the figures then mean the same on a busy machine and in a worker.
            with threadpool_limits(limits=1):
                figures = evaluate(
                    train,
                    test,
                    engine=options["engine"],
                    target_precision=target,
                    folds=options["folds"],
                    embeddings=embeddings,
                )
        except (ValueError, EngineUnavailable) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps({key: figures[key] for key in KEYS}))
            return
        for key in KEYS:
            value = figures[key]
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            self.stdout.write(f"{key:32} {shown}")
