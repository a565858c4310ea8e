"""Train an engine on one CSV file and measure it on another (``text,category`` columns).

    manage.py evaluate_engine --train PATH --test PATH [--engine tfidf|hybrid]
                              [--embeddings minilm|multilingual]
                              [--target-precision 0.98] [--folds N]
                              [--supervisor-threshold 0.85] [--predictions FILE] [--json]

Trains on the train file only; the per-intent thresholds for the target precision and the
out-of-scope cuts come from out-of-fold predictions on it (``--folds``, default 5). Then, on
the test file, every message is routed exactly as the product routes it: automated when its
confidence clears the largest of its intent's data threshold, the supervisor's threshold
(``--supervisor-threshold``, the default of a new intent; it applies alone to intents
without a data threshold) and the out-of-scope floor (``OUT_OF_SCOPE_THRESHOLD``, 0.40), and
its out-of-scope score is within its intent's cut.

Test rows whose category is not among the training intents are out of scope (OOS). Figures:

* ``accuracy``, ``macro_f1``: top-1 on all rows (an OOS row is always wrong);
  ``in_scope_accuracy``: top-1 on the in-scope rows, nothing rejected;
* ``ece``: expected calibration error on the in-scope rows (OOS rows have no right answer);
* ``coverage``, ``realised_precision``: the share of all rows automated, and the share of
  those right (an automated OOS row is wrong); ``in_scope_coverage`` and
  ``in_scope_precision`` the same on the in-scope rows; ``oos_automated`` how many OOS rows
  were automated, ``oos_recall`` the share of OOS rows sent to a person;
* ``oos_auroc``: how well ``oos_score`` ranks OOS above in-scope rows
  (``oos_auroc_max_probability``: the same for 1 - confidence, for comparison);
* the standard pairings (in-scope accuracy counts a rejected in-scope row as wrong; the cut
  is one global cut on ``oos_score``): ``in_scope_accuracy_at_oos_recall_90``, and
  ``oos_recall_at_in_scope_accuracy_93``. Without OOS rows the ``oos_*`` figures are null.

``--predictions FILE`` writes one CSV row per test message (``text,label,predicted,
confidence,oos_score,automated``) from which every figure can be recomputed. ``threshold``
is the median of the chosen per-intent thresholds; ``model_bytes`` is what serving needs:
the model blob plus, for ``hybrid``, the ONNX file; ``peak_rss_training_bytes`` the peak
resident memory when training ended, ``peak_rss_bytes`` at the end of the run. Nothing
touches the database.
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
DEFAULT_SUPERVISOR_THRESHOLD = 0.85  # a new intent's threshold (review.models.Intent)
KEYS = (
    "engine",
    "embeddings",
    "folds",
    "n_test",
    "n_out_of_scope",
    "accuracy",
    "macro_f1",
    "in_scope_accuracy",
    "ece",
    "target_precision",
    "threshold",
    "coverage",
    "realised_precision",
    "in_scope_coverage",
    "in_scope_precision",
    "oos_automated",
    "oos_recall",
    "oos_auroc",
    "oos_auroc_max_probability",
    "in_scope_accuracy_at_oos_recall_90",
    "oos_recall_at_in_scope_accuracy_93",
    "aurc",
    "train_seconds",
    "predictions_per_second_batch1",
    "predictions_per_second_batch256",
    "model_bytes",
    "peak_rss_training_bytes",
    "peak_rss_bytes",
)
PREDICTION_COLUMNS = ("text", "label", "predicted", "confidence", "oos_score", "automated")


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


def pairings(
    oos_score: np.ndarray, correct: np.ndarray, in_scope: np.ndarray
) -> tuple[float | None, float | None]:
    """(in-scope accuracy at OOS recall >= 90 %, OOS recall at in-scope accuracy >= 93 %).

    One global cut c: a row with ``oos_score >= c`` is rejected as out of scope. In-scope
    accuracy counts the in-scope rows predicted right and not rejected, over all in-scope
    rows; OOS recall the OOS rows rejected, over all OOS rows.
    """
    oos = ~in_scope
    if not oos.any() or not in_scope.any():
        return None, None
    best_accuracy, best_recall = None, None
    for cut in np.unique(np.append(oos_score, np.inf)):
        kept = oos_score < cut
        recall = float((~kept[oos]).mean())
        accuracy = float((correct[in_scope] * kept[in_scope]).mean())
        if recall >= 0.9 and (best_accuracy is None or accuracy > best_accuracy):
            best_accuracy = accuracy
        if accuracy >= 0.93 and (best_recall is None or recall > best_recall):
            best_recall = recall
    return best_accuracy, best_recall


def write_predictions(path: Path, rows: list[tuple]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PREDICTION_COLUMNS)
        writer.writerows(rows)


def evaluate(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    *,
    engine: str = "tfidf",
    target_precision: float = 0.98,
    seed: int = 0,
    folds: int | None = None,
    supervisor_threshold: float = DEFAULT_SUPERVISOR_THRESHOLD,
    predictions_path: Path | None = None,
    embeddings: str | None = None,
) -> dict:
    """Train on `train`, measure on `test` as routing acts; return the figures under `KEYS`."""
    folds = folds or interface.DEFAULT_FOLDS
    floor = settings.OUT_OF_SCOPE_THRESHOLD
    start = time.perf_counter()
    model = interface.train(
        *train,
        embeddings=embeddings,
        engine=engine,
        seed=seed,
        folds=folds,
        target_precision=target_precision,
        routing={"floor": floor, "default_supervisor": supervisor_threshold},
    )
    train_seconds = time.perf_counter() - start
    peak_training = peak_rss_bytes()

    texts, truth = test
    known = set(model.labels)
    in_scope = np.array([label in known for label in truth])
    predictions = model.predict(texts)
    predicted = [p.intent for p in predictions]
    confidence = np.array([p.confidence for p in predictions])
    oos_score = np.array([p.oos_score for p in predictions])
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)], dtype=float)
    thresholds = model.thresholds
    automated = np.array(
        [
            thresholds is not None
            and not p.out_of_scope
            and (bar := thresholds.bar_for(p.intent)) is not None
            and p.confidence >= bar
            for p in predictions
        ],
        dtype=bool,
    )
    chosen = (
        [] if thresholds is None else [t for t in thresholds.per_intent.values() if t is not None]
    )
    if predictions_path is not None:
        write_predictions(
            predictions_path,
            [
                (text, label, p.intent, f"{p.confidence:.6f}", f"{p.oos_score:.4f}", int(auto))
                for text, label, p, auto in zip(texts, truth, predictions, automated, strict=True)
            ],
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
    inside = automated & in_scope
    at_recall, at_accuracy = pairings(oos_score, correct, in_scope)
    return {
        "engine": engine,
        "embeddings": model.metrics.get("embedding_model"),
        "folds": folds,
        "n_test": len(texts),
        "n_out_of_scope": int(oos.sum()),
        "accuracy": float(correct.mean()),
        "macro_f1": float(
            f1_score(truth, predicted, labels=model.labels, average="macro", zero_division=0)
        ),
        "in_scope_accuracy": float(correct[in_scope].mean()) if in_scope.any() else None,
        "ece": expected_calibration_error(confidence[in_scope], correct[in_scope]),
        "target_precision": target_precision,
        "threshold": statistics.median(chosen) if chosen else None,
        "coverage": float(automated.mean()),
        "realised_precision": float(correct[automated].mean()) if automated.any() else None,
        "in_scope_coverage": float(automated[in_scope].mean()) if in_scope.any() else None,
        "in_scope_precision": float(correct[inside].mean()) if inside.any() else None,
        "oos_automated": int(automated[oos].sum()) if oos.any() else None,
        "oos_recall": float((~automated[oos]).mean()) if oos.any() else None,
        "oos_auroc": auroc(oos_score[oos], oos_score[in_scope]) if oos.any() else None,
        "oos_auroc_max_probability": auroc(1 - confidence[oos], 1 - confidence[in_scope])
        if oos.any()
        else None,
        "in_scope_accuracy_at_oos_recall_90": at_recall,
        "oos_recall_at_in_scope_accuracy_93": at_accuracy,
        "aurc": aurc(confidence, correct),
        "train_seconds": round(train_seconds, 3),
        "predictions_per_second_batch1": round(batch1, 1),
        "predictions_per_second_batch256": round(batch256, 1),
        "model_bytes": model_bytes,
        "peak_rss_training_bytes": peak_training,
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
        parser.add_argument(
            "--supervisor-threshold",
            type=float,
            default=DEFAULT_SUPERVISOR_THRESHOLD,
            help="The supervisor's threshold of every intent (default: a new intent's).",
        )
        parser.add_argument(
            "--predictions",
            type=Path,
            default=None,
            help="Write one CSV row per test message: " + ",".join(PREDICTION_COLUMNS),
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        target = options["target_precision"]
        if not 0.0 < target < 1.0:
            raise CommandError("--target-precision must be between 0 and 1")
        if options["folds"] is not None and options["folds"] < 2:
            raise CommandError("--folds must be at least 2")
        if not 0.0 <= options["supervisor_threshold"] <= 1.0:
            raise CommandError("--supervisor-threshold must be between 0 and 1")
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
                    supervisor_threshold=options["supervisor_threshold"],
                    predictions_path=options["predictions"],
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
