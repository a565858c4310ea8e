"""Benchmark the suggestion engine on its own: speed, memory and quality figures.

Run from the project root::

    .venv/bin/python bench/engine.py [--banking77-dir /work/shared/datasets/banking77]
                                     [--engine tfidf|hybrid]

Two data sets: BANKING77 (about 10k English banking queries, 77 intents; read from outside the
repository, never copied into it) and the demo intents of ``review/fixtures/demo/intents.json``
(read by ``review.demo``). No Django is needed. Seeds are fixed; timings depend on the machine.
This is a benchmark, not a test: it prints figures and a Markdown table and asserts nothing.
Models are trained as the product trains them (5 folds; the out-of-scope floor 0.40 and a new
intent's supervisor threshold 0.85 inside threshold selection). The serving figures come from
a fresh interpreter that loads the blob and predicts: what one worker holds. The quality
figures of record (routing as the product acts) are `evaluate_engine`'s.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.demo import demo_intents  # noqa: E402
from review.demo import demo_messages as load_demo_messages  # noqa: E402
from review.engine.calibration import expected_calibration_error  # noqa: E402
from review.engine.intent_classifier import IntentClassifier  # noqa: E402
from review.engine.language import detect_language  # noqa: E402
from review.engine.risks import detect_risks  # noqa: E402
from review.engine.slots import extract_slots  # noqa: E402

DEFAULT_BANKING77 = Path("/work/shared/datasets/banking77")
SEED = 0
N_SINGLE = 500  # messages predicted one at a time for the latency percentiles
N_WARMUP = 20
ERROR_BUDGET = 0.02  # at most 2 % wrong among the automated messages


def max_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def demo_examples() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for spec in demo_intents():
        for examples in spec["examples"].values():
            texts.extend(examples)
            labels.extend([spec["slug"]] * len(examples))
    return texts, labels


def demo_messages() -> list[str]:
    # The service classifies "subject\nbody"; do the same here.
    return [f"{m['subject']}\n{m['body']}" for m in load_demo_messages()]


def coverage_at_budget(
    confidences: np.ndarray, correct: np.ndarray, budget: float
) -> tuple[float, float | None]:
    """Largest share automatable with an error rate <= budget, and its confidence threshold.

    Automating means "confidence >= threshold", so cuts are only allowed between distinct
    confidence values: tied messages are automated together or not at all.
    """
    order = np.argsort(-confidences, kind="stable")
    conf = confidences[order]
    errors = np.cumsum(1.0 - correct[order])
    n = len(conf)
    k = np.arange(1, n + 1)
    boundary = np.append(conf[:-1] > conf[1:], True)  # a cut after position k-1 is allowed
    ok = boundary & (errors / k <= budget)
    if not ok.any():
        return 0.0, None
    best = int(k[ok].max())
    return best / n, float(conf[best - 1])


def time_single(model: IntentClassifier, texts: list[str]) -> list[float]:
    """Per-message predict_one latencies in milliseconds, after a short warm-up."""
    for text in texts[:N_WARMUP]:
        model.predict_one(text)
    latencies = []
    for text in texts:
        start = time.perf_counter()
        model.predict_one(text)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def time_extractors(texts: list[str]) -> float:
    """Mean milliseconds per message for language + slots + risks, as the service calls them."""

    def extract(text: str) -> None:
        detect_language(text)
        extract_slots(text)
        detect_risks(text)

    for text in texts[:N_WARMUP]:
        extract(text)
    start = time.perf_counter()
    for text in texts:
        extract(text)
    return (time.perf_counter() - start) * 1000 / len(texts)


class ServingProcess:
    """A fresh interpreter that loads one blob, predicts, and reports its peak RSS.

    Linux carries a process's ru_maxrss over into the program it execs: a child started
    after training would report the trainer's peak. So the children are started before any
    training, while this process holds no more than the same imports, and wait on stdin.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script, no shell
            [sys.executable, __file__, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, blob: bytes, texts: list[str]) -> dict:
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
            request = {"blob": str(Path(tmp, "model.bin")), "texts": texts}
            Path(request["blob"]).write_bytes(blob)
            stdout, _ = self.proc.communicate(json.dumps(request) + "\n")
        if self.proc.returncode != 0:
            raise RuntimeError(f"serving subprocess failed with exit code {self.proc.returncode}")
        return json.loads(stdout)


def serve() -> None:
    """Child side of `ServingProcess`: print peak RSS after imports, load and predict."""
    after_import = max_rss_mb()
    line = sys.stdin.readline()
    if not line:
        return  # the parent had nothing to serve
    request = json.loads(line)
    start = time.perf_counter()
    model = IntentClassifier.from_bytes(Path(request["blob"]).read_bytes())
    load_s = time.perf_counter() - start
    after_load = max_rss_mb()
    for text in request["texts"]:
        model.predict_one(text)
    model.predict(request["texts"])
    print(
        json.dumps(
            {
                "rss_import_mb": after_import,
                "rss_load_mb": after_load,
                "rss_predict_mb": max_rss_mb(),
                "load_s": load_s,
            }
        )
    )


@dataclass
class Result:
    name: str
    n_train: int
    n_classes: int
    fit_s: float
    metrics: dict
    rss_after_fit_mb: float
    blob_bytes: int
    serving: dict
    single_ms: list[float]
    batch_ms: float
    extract_ms: float
    test: dict = field(default_factory=dict)


ENGINE = "tfidf"
ROUTING = {"floor": 0.40, "default_supervisor": 0.85}


def run(
    name: str,
    texts: list[str],
    labels: list[str],
    latency_texts: list[str],
    test: tuple[list[str], list[str]] | None,
    server: ServingProcess,
) -> Result:
    print(f"\n## {name}: fitting on {len(texts)} examples ...", flush=True)
    start = time.perf_counter()
    model = IntentClassifier.fit(texts, labels, seed=SEED, folds=5, engine=ENGINE, routing=ROUTING)
    fit_s = time.perf_counter() - start
    rss_after_fit = max_rss_mb()
    blob = model.to_bytes()

    single = time_single(model, latency_texts[:N_SINGLE])
    batch_texts = test[0] if test else latency_texts
    start = time.perf_counter()
    predictions = model.predict(batch_texts)
    batch_ms = (time.perf_counter() - start) * 1000 / len(batch_texts)

    test_figures: dict = {}
    if test:
        confidences = np.array([p.confidence for p in predictions])
        correct = np.array([p.intent == y for p, y in zip(predictions, test[1], strict=True)])
        correct = correct.astype(float)
        coverage, threshold = coverage_at_budget(confidences, correct, ERROR_BUDGET)
        test_figures = {
            "n": len(test[0]),
            "accuracy": float(correct.mean()),
            "ece": expected_calibration_error(confidences, correct),
            "coverage": coverage,
            "threshold": threshold,
        }

    result = Result(
        name=name,
        n_train=len(texts),
        n_classes=model.metrics["n_classes"],
        fit_s=fit_s,
        metrics=model.metrics,
        rss_after_fit_mb=rss_after_fit,
        blob_bytes=len(blob),
        serving=server.run(blob, latency_texts[:N_SINGLE]),
        single_ms=single,
        batch_ms=batch_ms,
        extract_ms=time_extractors(latency_texts),
        test=test_figures,
    )
    print_details(result)
    return result


def print_details(r: Result) -> None:
    m = r.metrics
    print(f"fit: {r.fit_s:.1f} s ({r.n_train} examples, {r.n_classes} intents)")
    print(
        f"holdout ({m.get('n_holdout')}): accuracy {m.get('accuracy', float('nan')):.4f}, "
        f"macro F1 {m.get('macro_f1', float('nan')):.4f}, "
        f"ECE {m.get('ece_before', float('nan')):.4f} -> {m.get('ece_after', float('nan')):.4f}, "
        f"T = {m['temperature']:.3f} ({m.get('calibration')})"
    )
    if r.test:
        t = r.test
        threshold = "n/a" if t["threshold"] is None else f"{t['threshold']:.3f}"
        print(
            f"test ({t['n']}): accuracy {t['accuracy']:.4f}, ECE {t['ece']:.4f}, "
            f"coverage at <= {ERROR_BUDGET:.0%} errors {t['coverage']:.1%} "
            f"(confidence >= {threshold})"
        )
    print(
        f"predict_one over {len(r.single_ms)}: median {statistics.median(r.single_ms):.2f} ms, "
        f"p95 {percentile(r.single_ms, 95):.2f} ms; batched {r.batch_ms:.3f} ms/message"
    )
    print(f"language + slots + risks: {r.extract_ms:.3f} ms/message")
    s = r.serving
    print(
        f"blob {r.blob_bytes / 2**20:.1f} MiB; peak RSS after fit {r.rss_after_fit_mb:.0f} MiB; "
        f"serving subprocess: after imports {s['rss_import_mb']:.0f} MiB, after load "
        f"{s['rss_load_mb']:.0f} MiB, after predicting {s['rss_predict_mb']:.0f} MiB "
        f"(load {s['load_s'] * 1000:.0f} ms)"
    )


def fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def print_table(results: list[Result]) -> None:
    def row(label: str, cell) -> str:
        return f"| {label} | " + " | ".join(cell(r) for r in results) + " |"

    def metric(key: str, spec: str = ".3f"):
        return lambda r: fmt(r.metrics.get(key), spec)

    def test(key: str, spec: str):
        return lambda r: fmt(r.test.get(key), spec) if r.test else "n/a"

    lines = [
        "| figure | " + " | ".join(r.name for r in results) + " |",
        "| --- |" + " --- |" * len(results),
        row("training examples / intents", lambda r: f"{r.n_train} / {r.n_classes}"),
        row("fit time (incl. calibration refit)", lambda r: f"{r.fit_s:.1f} s"),
        row("holdout accuracy", metric("accuracy")),
        row("holdout macro F1", metric("macro_f1")),
        row(
            "holdout ECE before → after",
            lambda r: (
                f"{fmt(r.metrics.get('ece_before'), '.3f')} → "
                f"{fmt(r.metrics.get('ece_after'), '.3f')}"
            ),
        ),
        row("temperature", metric("temperature")),
        row("test accuracy", test("accuracy", ".3f")),
        row("test ECE (top-1)", test("ece", ".3f")),
        row(
            f"coverage at ≤ {ERROR_BUDGET:.0%} errors (threshold)",
            lambda r: (
                f"{r.test['coverage']:.1%} (≥ {fmt(r.test['threshold'], '.3f')})"
                if r.test
                else "n/a"
            ),
        ),
        row(
            "predict_one median / p95",
            lambda r: (
                f"{statistics.median(r.single_ms):.2f} / {percentile(r.single_ms, 95):.2f} ms"
            ),
        ),
        row("predict batched, per message", lambda r: f"{r.batch_ms:.3f} ms"),
        row("language + slots + risks, per message", lambda r: f"{r.extract_ms:.3f} ms"),
        row("model blob", lambda r: f"{r.blob_bytes / 2**20:.1f} MiB"),
        row("peak RSS after fit (this process)", lambda r: f"{r.rss_after_fit_mb:.0f} MiB"),
        row(
            "serving peak RSS: imports / +blob / +predict",
            lambda r: (
                f"{r.serving['rss_import_mb']:.0f} / {r.serving['rss_load_mb']:.0f} / "
                f"{r.serving['rss_predict_mb']:.0f} MiB"
            ),
        ),
        row("blob load time", lambda r: f"{r.serving['load_s'] * 1000:.0f} ms"),
    ]
    print("\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banking77-dir", type=Path, default=DEFAULT_BANKING77)
    parser.add_argument("--engine", choices=("tfidf", "hybrid"), default="tfidf")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global ENGINE
    ENGINE = args.engine
    if args.serve:
        serve()
        return
    servers = [ServingProcess(), ServingProcess()]

    # The small demo model first, so that its "peak RSS after fit" is not BANKING77's peak.
    texts, labels = demo_examples()
    messages = list(itertools.islice(itertools.cycle(demo_messages()), N_SINGLE))
    results = [run("demo intents", texts, labels, messages, None, servers[0])]

    train_csv, test_csv = args.banking77_dir / "train.csv", args.banking77_dir / "test.csv"
    if train_csv.exists() and test_csv.exists():
        train, test = read_csv(train_csv), read_csv(test_csv)
        results.insert(0, run("BANKING77", *train, test[0], test, servers[1]))
    else:
        print(f"BANKING77 not found under {args.banking77_dir}; skipping it.", file=sys.stderr)
        servers[1].proc.communicate("")  # let the unused child exit
    print_table(results)


if __name__ == "__main__":
    main()
