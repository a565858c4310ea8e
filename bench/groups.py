"""Grouped folds (issue 15): how much copies of one message on both sides of a fold leak.

Run from the project root::

    nice -n 10 .venv/bin/python bench/groups.py [--banking77-dir /work/shared/datasets/banking77]

The learning loop turns one message into more than one example (the agent's approval and
the customer's acceptance). This script builds that case and trains `tfidf` (5 folds, seed
0, target precision 0.98, routing's floor 0.40 and a supervisor's 0.85) twice: with the
copies grouped (what `IntentClassifier.fit` does) and, for comparison, with every example
its own group (the folds before: stratified, blind to copies; `group_ids` replaced here,
never in the product). Printed as JSON lines; nothing is asserted (a benchmark, not a test):

* ``demo``: the demo intents' examples (`review/fixtures/demo/intents.json`), each twice
  (weights 1.0 and 1.5): out-of-fold accuracy, ECE, temperature, thresholds chosen.
* ``banking77``: 30 training examples per intent (the first of each intent in
  ``train.csv``), each twice, then routed on all of ``test.csv`` (read from there, never
  copied): the realised coverage and precision of the thresholds chosen on each kind of
  out-of-fold predictions, beside what the out-of-fold data claimed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.demo import demo_intents  # noqa: E402
from review.engine import intent_classifier  # noqa: E402
from review.engine.intent_classifier import IntentClassifier  # noqa: E402

ROUTING = {"floor": 0.40, "default_supervisor": 0.85}


def doubled(texts: list[str], labels: list[str]) -> tuple[list[str], list[str], list[float]]:
    """Every example twice, as an approval (1.0) and the customer's acceptance (1.5)."""
    return texts * 2, labels * 2, [1.0] * len(texts) + [1.5] * len(texts)


def fit(texts, labels, weights, grouped: bool) -> IntentClassifier:
    kwargs = dict(seed=0, folds=5, sample_weight=weights, routing=ROUTING)
    if grouped:
        return IntentClassifier.fit(texts, labels, **kwargs)
    alone = lambda texts, groups=None: np.arange(len(texts))  # noqa: E731
    with mock.patch.object(intent_classifier, "group_ids", alone):
        return IntentClassifier.fit(texts, labels, **kwargs)


def oof_figures(model: IntentClassifier) -> dict:
    m, t = model.metrics, model.metrics["thresholds"]
    chosen = [v for v in t["per_intent"].values() if v is not None]
    return {
        "calibration": m["calibration"],
        "n_groups": m["n_groups"],
        "oof_accuracy": round(m["accuracy"], 4),
        "oof_ece_after": round(m["ece_after"], 4),
        "temperature": round(m["temperature"], 3),
        "bar": t["bar"],
        "statuses": dict(Counter(t["status"].values())),
        "median_threshold": None if not chosen else round(float(np.median(chosen)), 4),
        "thresholds": {k: v for k, v in sorted(t["per_intent"].items()) if v is not None},
        "oof_coverage": round(t["oof_coverage"], 4),
        "oof_precision": None if t["oof_precision"] is None else round(t["oof_precision"], 4),
    }


def routed(model: IntentClassifier, texts: list[str], labels: list[str]) -> dict:
    predictions = model.predict(texts)
    bars = {label: model.thresholds.bar_for(label) for label in model.labels}
    automated = np.array(
        [
            not p.out_of_scope and bars[p.intent] is not None and p.confidence >= bars[p.intent]
            for p in predictions
        ]
    )
    correct = np.array([p.intent == label for p, label in zip(predictions, labels, strict=True)])
    return {
        "test_accuracy": round(float(correct.mean()), 4),
        "test_coverage": round(float(automated.mean()), 4),
        "test_precision": round(float(correct[automated].mean()), 4) if automated.any() else None,
        "test_automated": int(automated.sum()),
        "test_automated_wrong": int((automated & ~correct).sum()),
    }


def demo() -> None:
    texts, labels = [], []
    for spec in demo_intents():
        for examples in spec["examples"].values():
            texts += examples
            labels += [spec["slug"]] * len(examples)
    for grouped in (False, True):
        model = fit(*doubled(texts, labels), grouped)
        print(json.dumps({"demo": "grouped" if grouped else "ungrouped", **oof_figures(model)}))


def banking77(directory: Path, per_intent: int = 30) -> None:
    def rows(name: str) -> list[dict]:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    taken: Counter = Counter()
    texts, labels = [], []
    for row in rows("train.csv"):
        if taken[row["category"]] < per_intent:
            taken[row["category"]] += 1
            texts.append(row["text"])
            labels.append(row["category"])
    test = rows("test.csv")
    for grouped in (False, True):
        model = fit(*doubled(texts, labels), grouped)
        figures = oof_figures(model)
        figures.pop("thresholds")
        print(
            json.dumps(
                {
                    "banking77": "grouped" if grouped else "ungrouped",
                    "per_intent": per_intent,
                    **figures,
                    **routed(model, [r["text"] for r in test], [r["category"] for r in test]),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--banking77-dir", type=Path, default=Path("/work/shared/datasets/banking77")
    )
    args = parser.parse_args()
    demo()
    if (args.banking77_dir / "train.csv").exists():
        banking77(args.banking77_dir)


if __name__ == "__main__":
    main()
