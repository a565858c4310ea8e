"""What costs an engine its coverage: each routing rule and threshold setting, on the same
out-of-fold predictions.

Run from the project root::

    nice -n 10 .venv/bin/python bench/coverage_costs.py \
        [--banking77-dir /work/shared/datasets/banking77] [--engine tfidf] [--cache /tmp/coverage]

Trains the engine's pipeline (`review.engine.classifier.build_pipeline`, seed 0) on the folds of
`IntentClassifier.fit(folds=5)` (`review.engine.groups.fold_splits`, equal texts grouped) and once
on the whole training file, and caches the out-of-fold and test scores under ``--cache``
(``tfidf``: 15 minutes wall on a loaded 2-core machine, ``hybrid`` about twice that; reruns
read the cache; ``hybrid``'s embeddings come from ``bench/out_of_scope.py``'s cache). Each fold
model also scores the test set: their average is what serving the fold models instead of a
refit would answer (CPU seconds of fits and predictions, blob sizes and the peak are printed).
Then it calibrates and chooses thresholds exactly as `IntentClassifier._calibrate` does
(temperature, evidence caps, out-of-scope cut, floor 0.40, a new intent's supervisor
threshold 0.85, cross-fitted pooled bound) with 300 pseudo-examples and changes one thing at a
time. For each variant it prints the out-of-fold coverage and precision (thresholds chosen and
measured on the same predictions, as `metrics["thresholds"]` reports them), an honest
out-of-fold estimate (thresholds chosen on one half of the predictions route the other half,
both ways, mean over 4 seeded splits; not grouped: BANKING77 has 4 duplicate pairs), and the
test figures for the record. Settings are to be chosen on the out-of-fold columns only; the
fold average changes the test columns only. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from review.engine.calibration import _halves, choose_thresholds  # noqa: E402
from review.engine.classifier import build_pipeline, pipeline_scores  # noqa: E402
from review.engine.groups import fold_splits, group_ids, spread_columns  # noqa: E402
from review.engine.out_of_scope import OutOfScopeScorer, components  # noqa: E402
from review.engine.scaling import evidence_caps, fit_temperature, probabilities  # noqa: E402

DEFAULT_BANKING77 = Path("/work/shared/datasets/banking77")
DEFAULT_CACHE = Path(tempfile.gettempdir(), "coverage-costs")
EMBEDDINGS_CACHE = Path(tempfile.gettempdir(), "engine-oos")  # bench/out_of_scope.py's
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
    "3,000 pseudo-examples": {"prior_strength": 3000.0},
}
HYBRID_VARIANTS = (
    "as routing acts, 300 pseudo-examples (tfidf before)",
    "1,000 pseudo-examples",
    "2,000 pseudo-examples (tfidf now)",
    "3,000 pseudo-examples",
)
# Test columns change only: the thresholds are chosen on the same out-of-fold predictions.
SERVED_VARIANTS: dict[str, dict] = {
    "fold models' average served, 300": {"served": "average"},
    "fold models' average served, 2,000": {"served": "average", "prior_strength": 2000.0},
    "oos score + 1-NN logit distance, 300": {"signal": "knn1"},
    "oos score + 1-NN logit distance, 2,000": {"signal": "knn1", "prior_strength": 2000.0},
    "energy + 1-NN logit distance (no neighbour distance), 300": {"signal": "energy+knn1"},
}


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def embedder_for(engine: str, texts: list[str], cache: Path):
    """`hybrid`: MiniLM's three views of every text, from `bench.out_of_scope`'s cache."""
    if engine != "hybrid":
        return None
    from bench.out_of_scope import CachedEmbedder

    return CachedEmbedder(EMBEDDINGS_CACHE, texts).embedder


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(row for row in status if row.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def logits(engine: str, train: list[str], y: np.ndarray, test: list[str], cache: Path):
    """Out-of-fold scores (in `held` order), held labels, the final model's test scores and
    the fold models' average test scores; cached. Scores are (logits, neighbours or None).
    The folds are `IntentClassifier.fit`'s (`fold_splits`, grouped by equal texts)."""
    path = cache / f"{engine}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=True)
        nb = lambda key: data[key] if key in data.files else None  # noqa: E731
        return (
            (data["oof"], nb("oof_nb")),
            data["y"],
            (data["test"], nb("test_nb")),
            (data["avg"], nb("avg_nb")),
            data["costs"].item(),
        )
    embedder = embedder_for(engine, train + test, cache)
    group = group_ids(train)
    group = None if len(np.unique(group)) == len(train) else group
    _, splits = fold_splits(y, group, 5, 0)
    parts, held, costs = [], [], {"fold_seconds": [], "fold_bytes": [], "fold_predict": []}
    avg, avg_nb = 0.0, 0.0
    with threadpool_limits(limits=1):
        for fit_rows, test_rows in splits:
            started = time.process_time()
            pipeline = build_pipeline(0, engine, embedder)
            pipeline.fit([train[i] for i in fit_rows], y[fit_rows])
            costs["fold_seconds"].append(time.process_time() - started)
            lg, nb = pipeline_scores(pipeline, [train[i] for i in test_rows])
            seen = np.asarray(pipeline.classes_, dtype=int)
            parts.append(
                (
                    spread_columns(lg, seen, len(np.unique(y))),
                    None if nb is None else spread_columns(nb, seen, len(np.unique(y))),
                )
            )
            held.append(test_rows)
            started = time.process_time()
            lg, nb = pipeline_scores(pipeline, test)
            costs["fold_predict"].append(time.process_time() - started)
            avg = avg + lg / len(splits)
            avg_nb = avg_nb + (0.0 if nb is None else nb / len(splits))
            costs["fold_bytes"].append(len(_blob(pipeline)))
            del pipeline
        started = time.process_time()
        pipeline = build_pipeline(0, engine, embedder)
        pipeline.fit(train, y)
        costs["final_seconds"] = time.process_time() - started
        started = time.process_time()
        test_logits, test_nb = pipeline_scores(pipeline, test)
        costs["final_predict"] = time.process_time() - started
        costs["final_bytes"] = len(_blob(pipeline))
    costs["peak_rss_mib"] = _rss_mib()
    oof = np.concatenate([p[0] for p in parts])
    oof_nb = None if parts[0][1] is None else np.concatenate([p[1] for p in parts])
    y_held = y[np.concatenate(held)]
    cache.mkdir(parents=True, exist_ok=True)
    arrays = {"oof": oof, "y": y_held, "test": test_logits, "avg": avg, "costs": costs}
    if oof_nb is not None:
        arrays.update(oof_nb=oof_nb, test_nb=test_nb, avg_nb=avg_nb)
    np.savez(path, **arrays)
    return (oof, oof_nb), y_held, (test_logits, test_nb), (avg, arrays.get("avg_nb")), costs


def _blob(pipeline) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer)
    return buffer.getvalue()


def nearest_logit_distance(query: np.ndarray, reference: np.ndarray, exclude=None) -> np.ndarray:
    """One minus the cosine similarity of each query logit vector to its nearest reference
    vector (the out-of-fold logits); `exclude` (query group, reference groups) leaves a
    training row's own group out."""
    ref = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    out = np.empty(len(query))
    for start in range(0, len(query), 1000):
        block = query[start : start + 1000]
        sims = (block / np.linalg.norm(block, axis=1, keepdims=True)) @ ref.T
        if exclude is not None:
            own, groups = exclude
            sims[own[start : start + 1000, None] == groups[None, :]] = -np.inf
        out[start : start + 1000] = 1.0 - sims.max(axis=1)
    return out


def measure(
    oof, y_held, test, y_test, counts, labels, oos=True, signal="shipped", served=None, **rules
) -> dict:
    """Thresholds chosen on the out-of-fold scores; `served` replaces the test scores (the
    fold models' average); `signal` "knn1" adds the 1-NN logit distance to the oos score."""
    rules = {"floor": FLOOR, "default_supervisor": SUPERVISOR, **rules}
    temperature, caps = fit_temperature(oof[0], y_held), evidence_caps(counts)
    own = np.arange(len(y_held))

    def predictions(scores, exclude=None):
        raw_logits, neighbours = scores
        proba = probabilities(raw_logits, temperature, caps)
        keep = None if signal == "energy+knn1" else neighbours
        raw = components(raw_logits, temperature, keep)
        if signal in ("knn1", "energy+knn1"):
            extra = nearest_logit_distance(raw_logits, oof[0], exclude)
            raw = np.column_stack([raw, extra])
        return proba.argmax(axis=1), proba.max(axis=1), raw

    predicted, confidence, raw = predictions(oof, (own, own))
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
    test_predicted, test_confidence, test_raw = predictions(served or test)
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
    parser.add_argument("--engine", default="tfidf", choices=["tfidf", "hybrid"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    train, train_labels = read(args.banking77_dir / "train.csv")
    test, test_labels = read(args.banking77_dir / "test.csv")
    labels, y = np.unique(train_labels, return_inverse=True)
    y_test = np.searchsorted(labels, test_labels)
    oof, y_held, test_scores, average, costs = logits(args.engine, train, y, test, args.cache)
    counts = np.bincount(y, minlength=len(labels))
    print("| variant | OOF coverage / precision (bar) | honest OOF | test coverage / precision |")
    print("| --- | --- | --- | --- |")
    variants = dict(VARIANTS)
    if args.engine == "hybrid":
        variants = {k: v for k, v in VARIANTS.items() if k in HYBRID_VARIANTS}
    variants.update(SERVED_VARIANTS)
    for name, change in variants.items():
        change = dict(change)
        if change.pop("served", None) == "average":
            change["served"] = average
        figures = measure(oof, y_held, test_scores, y_test, counts, labels, **change)
        (cov, prec, bar), (h_cov, h_prec), (t_cov, t_prec, t_acc) = (
            figures["oof"],
            figures["honest"],
            figures["test"],
        )
        print(
            f"| {name} | {cov:.2%} / {prec:.2%} ({bar}) | {h_cov:.2%} / {h_prec:.2%} "
            f"| {t_cov:.2%} / {t_prec:.2%} (accuracy {t_acc:.2%}) |",
            flush=True,
        )
    print(f"\ncosts (CPU seconds, bytes, MiB): {costs}")


if __name__ == "__main__":
    main()
