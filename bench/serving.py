"""Serving memory and speed of the `hybrid` engine, one fresh process per figure (issue 15).

Run from the project root::

    .venv/bin/python bench/serving.py [--banking77-dir /work/shared/datasets/banking77]
        [--embeddings minilm multilingual] [--settings shipped before] [--cache /tmp/bench-serving]
        [--compare]

For each embedding model it trains a `hybrid` model on BANKING77's ``train.csv`` (seed 0,
20 % holdout; the blob is the final refit on every example, as in the product) and keeps the
blob in ``--cache`` (outside the repository; delete it after changing the engine). Then, for
each session setting of ``--settings`` (``SETTINGS`` below; ``shipped`` is what
`review.engine.embeddings` builds), a fresh interpreter sets up Django, loads the blob,
answers ``N_SINGLE`` test messages one at a time (`predict_one`) and then ``N_BATCH`` in one
`predict`, and reports from ``/proc/self/status`` its resident memory (``VmRSS``) and peak
(``VmHWM``, the figure a worker must stay under) after each step, with the median and p95
`predict_one` latency and the batch throughput. Each setting runs ``--repeat`` times
(alternating) and the table shows the median of each figure.

``--compare`` also embeds all of ``test.csv`` (3,080 texts) in each setting's process and
compares with the first setting: the largest absolute difference of any coordinate and the
number of test messages whose predicted intent differs.

Nothing is asserted: a benchmark, not a test. Timings depend on the (shared) machine.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_BANKING77 = Path("/work/shared/datasets/banking77")
N_SINGLE = 200
N_WARMUP = 10
N_BATCH = 500

# Session settings to compare; each overrides `SentenceEmbedder._options` in the child.
# ``shipped`` changes nothing. ``before`` is what review.engine.embeddings built before
# issue 15's memory work: every graph optimisation, the CPU memory arena, pre-packing.
# ``cache``: load the graph optimised once in the cache (`review.engine.sessions`; the
# default True only for ``shipped``), ``cold``: in an empty cache (a child process optimises
# it first); ``batch``: texts per ONNX run (`review.engine.embeddings.BATCH_SIZE`);
# ``chunk``: texts scored at a time (`review.engine.classifier.SCORE_CHUNK`).
SETTINGS: dict[str, dict] = {
    "shipped": {},
    "shipped-cold": {"cold": True},
    # What issue 15's first round shipped: optimised in-process, 32 texts per run, a batch
    # scored at once.
    "previous": {
        "level": "all",
        "arena": False,
        "pattern": True,
        "config": {},
        "trim": True,
        "batch": 32,
        "chunk": 10**9,
    },
    "before": {"level": "all", "arena": True, "pattern": True, "config": {}, "trim": False},
    "arena+trim": {"level": "all", "arena": True, "pattern": True, "config": {}, "trim": True},
    "noarena": {"level": "all", "arena": False, "pattern": True, "config": {}, "trim": False},
    "noarena+noprepack+trim": {
        "level": "all",
        "arena": False,
        "pattern": True,
        "config": {"session.disable_prepacking": "1"},
        "trim": True,
    },
    "basic+noarena+trim": {
        "level": "basic",
        "arena": False,
        "pattern": True,
        "config": {},
        "trim": True,
    },
    # No constant folding: the int8 weights stay int8, and are cast on every run.
    "nofolding+noarena+trim": {
        "level": "all",
        "arena": False,
        "pattern": False,
        "config": {"optimization.disable_specified_optimizers": "ConstantFolding"},
        "trim": True,
    },
}


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def blob_for(embeddings: str, train: tuple[list[str], list[str]], cache: Path) -> Path:
    """The cached BANKING77 blob for `embeddings`, trained (in a child process) if missing."""
    path = cache / f"banking77-hybrid-{embeddings}.bin"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            [sys.executable, __file__, "--train", embeddings, "--blob", str(path)],
            check=True,
        )
        print(f"trained {embeddings} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def train(embeddings: str, blob: Path, banking77: Path) -> None:
    from review.engine.intent_classifier import IntentClassifier

    texts, labels = read_csv(banking77 / "train.csv")
    model = IntentClassifier.fit(texts, labels, seed=0, engine="hybrid", embeddings=embeddings)
    tmp = blob.with_suffix(".tmp")
    tmp.write_bytes(model.to_bytes())
    tmp.rename(blob)


def memory() -> dict[str, int]:
    """VmRSS and VmHWM of this process, and of VmRSS the private (RssAnon) and the mapped
    files' pages (RssFile: libraries, the optimised graph's weights; shared between workers),
    in MiB."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    keys = ("VmRSS", "VmHWM", "RssAnon", "RssFile")
    return {key: int(status[key].split()[0]) // 1024 for key in keys}


def apply_setting(setting: dict) -> None:
    """Replace the session options that `SentenceEmbedder` builds by `setting`'s."""
    from review.engine import classifier, embeddings, sessions
    from review.engine.embeddings import SentenceEmbedder

    if "batch" in setting:
        embeddings.BATCH_SIZE = setting["batch"]
    if "chunk" in setting:
        classifier.SCORE_CHUNK = setting["chunk"]
    if setting.get("cold"):
        cold = tempfile.mkdtemp(prefix="bench-serving-cold-")
        atexit.register(shutil.rmtree, cold, ignore_errors=True)
        sessions.set_cache_dir(cold)
    if "level" not in setting:
        return
    if not setting.get("cache", False):
        sessions.set_cache_dir(None)
    if not setting["trim"]:
        embeddings.release_freed_memory = lambda: None

    def options(self, onnxruntime):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, int(self.threads))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        level = onnxruntime.GraphOptimizationLevel
        options.graph_optimization_level = {
            "disable": level.ORT_DISABLE_ALL,
            "basic": level.ORT_ENABLE_BASIC,
            "extended": level.ORT_ENABLE_EXTENDED,
            "all": level.ORT_ENABLE_ALL,
        }[setting["level"]]
        options.enable_cpu_mem_arena = setting["arena"]
        options.enable_mem_pattern = setting["pattern"]
        for key, value in setting["config"].items():
            options.add_session_config_entry(key, value)
        return options

    SentenceEmbedder._options = options


def serve(request: dict) -> dict:
    """Child side: Django, the blob, predictions; memory after each step."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from review.engine.intent_classifier import IntentClassifier

    apply_setting(request["setting"])
    out = {"imports": memory()}
    start = time.perf_counter()
    model = IntentClassifier.from_bytes(Path(request["blob"]).read_bytes())
    out["load_ms"] = (time.perf_counter() - start) * 1000
    out["blob"] = memory()
    texts = request["texts"]
    start = time.perf_counter()
    model.predict_one(texts[0])
    out["first_ms"] = (time.perf_counter() - start) * 1000
    out["first"] = memory()
    for text in texts[1 : 1 + N_WARMUP]:
        model.predict_one(text)
    latencies = []
    for text in texts[:N_SINGLE]:
        start = time.perf_counter()
        model.predict_one(text)
        latencies.append((time.perf_counter() - start) * 1000)
    out["single"] = memory()
    out["single_median_ms"] = statistics.median(latencies)
    out["single_p95_ms"] = float(np.percentile(latencies, 95))
    start = time.perf_counter()
    model.predict(texts[:N_BATCH])
    out["batch_per_s"] = N_BATCH / (time.perf_counter() - start)
    out["batch"] = memory()
    if request.get("compare"):
        embedder = dict(model._pipeline.named_steps["features"].transformer_list)["minilm"]
        vectors = embedder.embed(request["compare"]["texts"])
        np.save(request["compare"]["vectors"], vectors)
        intents = [p.intent for p in model.predict(request["compare"]["texts"])]
        Path(request["compare"]["intents"]).write_text("\n".join(intents))
    return out


def run_child(blob: Path, setting: dict, texts: list[str], compare: dict | None) -> dict:
    request = {"blob": str(blob), "setting": setting, "texts": texts, "compare": compare}
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
        [sys.executable, __file__, "--serve"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"serving child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_of(results: list[dict], *keys: str) -> float:
    values = []
    for result in results:
        value = result
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banking77-dir", type=Path, default=DEFAULT_BANKING77)
    parser.add_argument("--embeddings", nargs="+", default=["minilm", "multilingual"])
    parser.add_argument("--settings", nargs="+", default=["shipped", "before"])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir(), "bench-serving"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--train", help=argparse.SUPPRESS)
    parser.add_argument("--blob", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--setting-json", help="an extra setting as JSON, named 'custom'")
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(json.loads(sys.stdin.read()))))
        return
    if args.train:
        train(args.train, args.blob, args.banking77_dir)
        return
    settings = {name: SETTINGS[name] for name in args.settings if name != "custom"}
    if args.setting_json:
        settings["custom"] = json.loads(args.setting_json)
    test_texts, _ = read_csv(args.banking77_dir / "test.csv")
    train_rows = read_csv(args.banking77_dir / "train.csv")
    rows = []
    for embeddings in args.embeddings:
        blob = blob_for(embeddings, train_rows, args.cache)
        results: dict[str, list[dict]] = {name: [] for name in settings}
        diffs: dict[str, str] = {}
        with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
            for round_ in range(args.repeat):
                for name, setting in settings.items():
                    compare = None
                    if args.compare and round_ == 0:
                        compare = {
                            "texts": test_texts,
                            "vectors": f"{tmp}/{name}.npy",
                            "intents": f"{tmp}/{name}.txt",
                        }
                    result = run_child(blob, setting, test_texts, compare)
                    results[name].append(result)
                    print(json.dumps({"embeddings": embeddings, "setting": name, **result}))
            if args.compare:
                first = next(iter(settings))
                base = np.load(f"{tmp}/{first}.npy")
                base_intents = Path(f"{tmp}/{first}.txt").read_text().splitlines()
                for name in settings:
                    vectors = np.load(f"{tmp}/{name}.npy")
                    intents = Path(f"{tmp}/{name}.txt").read_text().splitlines()
                    changed = sum(a != b for a, b in zip(base_intents, intents, strict=True))
                    diffs[name] = f"{np.abs(vectors - base).max():.1e} / {changed}"
        for name in settings:
            r = results[name]
            peak = median_of(r, "batch", "VmHWM")
            rows.append(
                f"| {embeddings} | {name} | {median_of(r, 'imports', 'VmRSS'):.0f} | "
                f"{median_of(r, 'blob', 'VmRSS'):.0f} | {median_of(r, 'first', 'VmHWM'):.0f} | "
                f"{median_of(r, 'batch', 'VmRSS'):.0f} | **{peak:.0f}** | "
                f"{median_of(r, 'single_median_ms'):.1f} / {median_of(r, 'single_p95_ms'):.1f} | "
                f"{median_of(r, 'batch_per_s'):.0f} | {median_of(r, 'first_ms'):.0f} |"
                + (f" {diffs[name]} |" if diffs else "")
            )
    print(
        "\n| embeddings | setting | RSS after imports | + blob | peak after 1st predict_one | "
        "RSS after batch | **peak** | predict_one median / p95 (ms) | batch (msg/s) | "
        "1st predict_one (ms) |" + (" max abs diff / intents changed |" if args.compare else "")
    )
    print("| --- " * (10 + bool(args.compare)) + "|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
