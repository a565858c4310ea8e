"""What costs an engine its coverage: each routing rule and threshold setting, on the same
out-of-fold predictions.

Run from the project root::

    nice -n 10 .venv/bin/python bench/coverage_costs.py \
        [--banking77-dir /work/shared/datasets/banking77] [--engine tfidf] [--cache /tmp/coverage]

Trains the engine's pipeline (`review.engine.classifier.build_pipeline`, seed 0) on the same
stratified 5-fold split as `IntentClassifier.fit(folds=5)` and once on the whole training file,
and caches the out-of-fold and test logits under ``--cache`` (``tfidf``: 15 minutes wall on
a loaded 2-core machine; reruns read the cache). Then it calibrates and chooses thresholds
exactly as `IntentClassifier._calibrate` does (temperature, evidence caps, out-of-scope cut,
floor 0.40, a new intent's supervisor threshold 0.85, cross-fitted pooled bound) with 300
pseudo-examples (`hybrid`'s, and `tfidf`'s before it moved to 2,000) and changes one thing at
a time. For each variant it prints the out-of-fold coverage and precision (thresholds chosen
and measured on the same predictions, as `metrics["thresholds"]` reports them), an honest
out-of-fold estimate (thresholds chosen on one half of the predictions route the other half,
both ways, mean over 4 seeded splits), and the test figures for the record. Settings are to
be chosen on the out-of-fold columns only. ``hybrid`` is not supported here (its neighbour
member feeds the out-of-scope score). A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.model_selection import StratifiedKFold  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from review.engine.calibration import _halves, choose_thresholds  # noqa: E402
from review.engine.classifier import build_pipeline, pipeline_scores  # noqa: E402
from review.engine.out_of_scope import OutOfScopeScorer, components  # noqa: E402
from review.engine.scaling import evidence_caps, fit_temperature, probabilities  # noqa: E402

DEFAULT_BANKING77 = Path("/work/shared/datasets/banking77")
DEFAULT_CACHE = Path(tempfile.gettempdir(), "coverage-costs")
FLOOR = 0.40
SUPERVISOR = 0.85
HONEST_SEEDS = (1, 2, 3, 4)
VARIANTS: dict[str, dict] = {
    "as routing acts, 300 pseudo-examples (tfidf before)": {},
    "without the out-of-scope cut": {"oos": False},
    "without the supervisor's 0.85": {"default_supervisor": None},
    "bound on the same data (old rule)": {"check": "same"},
    "100 pseudo-examples": {"prior_strength": 100.0},
    "1,000 pseudo-examples": {"prior_strength": 1000.0},
    "2,000 pseudo-examples (tfidf now)": {"prior_strength": 2000.0},
}


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def logits(engine: str, train: list[str], y: np.ndarray, test: list[str], cache: Path):
    """(out-of-fold logits in `held` order, held labels, test logits), cached."""
    path = cache / f"{engine}.npz"
    if path.exists():
        data = np.load(path)
        return data["oof"], data["y"], data["test"]
    splits = StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(np.zeros(len(y)), y)
    parts, held = [], []
    with threadpool_limits(limits=1):
        for fit_rows, test_rows in splits:
            pipeline = build_pipeline(0, engine)
            pipeline.fit([train[i] for i in fit_rows], y[fit_rows])
            parts.append(pipeline_scores(pipeline, [train[i] for i in test_rows])[0])
            held.append(test_rows)
        pipeline = build_pipeline(0, engine)
        pipeline.fit(train, y)
        test_logits = pipeline_scores(pipeline, test)[0]
    oof, y_held = np.concatenate(parts), y[np.concatenate(held)]
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, oof=oof, y=y_held, test=test_logits)
    return oof, y_held, test_logits


def measure(oof, y_held, test_logits, y_test, counts, labels, oos=True, **rules) -> dict:
    rules = {"floor": FLOOR, "default_supervisor": SUPERVISOR, **rules}
    temperature, caps = fit_temperature(oof, y_held), evidence_caps(counts)

    def predictions(raw_logits):
        proba = probabilities(raw_logits, temperature, caps)
        return proba.argmax(axis=1), proba.max(axis=1), components(raw_logits, temperature, None)

    predicted, confidence, raw = predictions(oof)
    correct = (predicted == y_held).astype(float)
    scorer = OutOfScopeScorer.fit(raw, labels[predicted], labels)
    eligible = scorer.within(labels[predicted], scorer.score(raw)) if oos else None
    chosen = choose_thresholds(
        labels[predicted], confidence, correct, list(labels), eligible=eligible, **rules
    )
    honest = []
    for seed in HONEST_SEEDS:
        first, automated, right = _halves(labels[predicted], seed), 0, 0.0
        for part in (first, ~first):
            half = choose_thresholds(
                labels[predicted][part],
                confidence[part],
                correct[part],
                list(labels),
                eligible=None if eligible is None else eligible[part],
                **rules,
            )
            routed = half.automated(
                list(labels[predicted][~part]),
                confidence[~part],
                None if eligible is None else eligible[~part],
            )
            automated += int(routed.sum())
            right += float(correct[~part][routed].sum())
        honest.append((automated / len(y_held), right / automated))
    test_predicted, test_confidence, test_raw = predictions(test_logits)
    test_correct = (test_predicted == y_test).astype(float)
    test_eligible = scorer.within(labels[test_predicted], scorer.score(test_raw)) if oos else None
    routed = chosen.automated(list(labels[test_predicted]), test_confidence, test_eligible)
    return {
        "oof": (chosen.coverage, chosen.precision or 0.0, chosen.bar),
        "honest": tuple(np.mean(honest, axis=0)),
        "test": (float(routed.mean()), float(test_correct[routed].mean()), test_correct.mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--banking77-dir", type=Path, default=DEFAULT_BANKING77)
    parser.add_argument("--engine", default="tfidf", choices=["tfidf"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    train, train_labels = read(args.banking77_dir / "train.csv")
    test, test_labels = read(args.banking77_dir / "test.csv")
    labels, y = np.unique(train_labels, return_inverse=True)
    y_test = np.searchsorted(labels, test_labels)
    oof, y_held, test_logits = logits(args.engine, train, y, test, args.cache)
    counts = np.bincount(y, minlength=len(labels))
    print("| variant | OOF coverage / precision (bar) | honest OOF | test coverage / precision |")
    print("| --- | --- | --- | --- |")
    for name, change in VARIANTS.items():
        figures = measure(oof, y_held, test_logits, y_test, counts, labels, **change)
        (cov, prec, bar), (h_cov, h_prec), (t_cov, t_prec, _) = (
            figures["oof"],
            figures["honest"],
            figures["test"],
        )
        print(
            f"| {name} | {cov:.2%} / {prec:.2%} ({bar}) | {h_cov:.2%} / {h_prec:.2%} "
            f"| {t_cov:.2%} / {t_prec:.2%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
