"""Markdown tables from the load test's results, and the ratios against the aims.

    .venv/bin/python -m bench.workspace.summarize [OUT]   # default var/bench-workspace

Medians over the repetitions. "CPU ms/req" is the median over all runs of a request (both
connection counts) of the gunicorn workers' (web) and their PostgreSQL backends' (db) CPU time
divided by the requests served; SQL statements per request come from queries-<cases>.json.
"""

import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NAMES = [
    ("hello", "hello (bare view, no session)"),
    ("hello_auth", "hello-auth (session user, login_required)"),
    ("queue", "queue `/` (50 rows, counts)"),
    ("queue_whatif", "queue what-if (bench only: proposed fixes)"),
    ("case", "case page `/cases/<ref>/`"),
    ("take_over", "take_over POST (302)"),
    ("take_over_htmx", "take_over POST, htmx (panel re-rendered)"),
]
# django-helpdesk 2.6.1, /work/shared/bench/peer/RESULTS.md: CPU ms per request (app + DB).
PEER_LIST = {10_000: 120.0, 100_000: 615.0, 1_000_000: 5600.0}  # list JSON + HTML shell
PEER_DETAIL = 48.0
PEER_RESOLVE = {10_000: 29.7, 100_000: 24.8, 1_000_000: 30.0}


def size_of(cases: int) -> int:
    """The nominal size (10k, 100k, 1M) a run belongs to."""
    return min(PEER_LIST, key=lambda s: abs(s - cases))


def load(out: Path):
    runs, queries = {}, {}
    for path in sorted(out.glob("http-*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            runs.setdefault(size_of(r["cases"]), []).append(r)
    for path in sorted(out.glob("queries-*.json")):
        q = json.loads(path.read_text())
        queries[size_of(q["cases"])] = q
    return runs, queries


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    if value is None:
        return "-"
    if value >= 100 and digits:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def table(size, runs, queries) -> tuple[str, dict]:
    lines = [
        f"### {size:,} cases ({runs[0]['cases']:,} in the table)",
        "",
        "| request | SQL | web CPU ms/req | db CPU ms/req | total CPU ms/req | req/s @4 "
        "| p50 ms @4 | p99 ms @4 | p50 ms @1 | p99 ms @1 | other load % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = {}
    for name, label in NAMES:
        mine = [r for r in runs if r["name"] == name]
        if not mine:
            continue
        at4 = [r for r in mine if r["conc"] == 4]
        at1 = [r for r in mine if r["conc"] == 1]
        web = med([r["cpu"]["web_cpu_ms"] for r in mine])
        db = med([r["cpu"]["db_cpu_ms"] for r in mine])
        total = med([r["cpu"]["web_cpu_ms"] + r["cpu"]["db_cpu_ms"] for r in mine])
        totals[name] = total
        sql = queries.get("requests", {}).get(name, {}).get("queries")
        lines.append(
            f"| {label} | {sql if sql is not None else '-'} | {fmt(web, 2)} | {fmt(db, 2)} "
            f"| {fmt(total, 2)} | {fmt(med([r['wrk']['rps'] for r in at4]))} "
            f"| {fmt(med([r['wrk']['p50_ms'] for r in at4]))} "
            f"| {fmt(med([r['wrk']['p99_ms'] for r in at4]))} "
            f"| {fmt(med([r['wrk']['p50_ms'] for r in at1]))} "
            f"| {fmt(med([r['wrk']['p99_ms'] for r in at1]))} "
            f"| {fmt(med([r['cpu']['other_busy_pct'] for r in mine]), 0)} |"
        )
    return "\n".join(lines), totals


def aims(totals) -> str:
    rows = ["| aim | figure | target | met? |", "|---|---:|---:|---|"]

    def add(aim, value, target, ok):
        rows.append(f"| {aim} | {value} | {target} | {'met' if ok else '**not met**'} |")

    for size, need in ((100_000, 40), (1_000_000, 300)):
        q = totals.get(size, {}).get("queue")
        if q:
            ratio = PEER_LIST[size] / q
            add(
                f"queue vs peer list at {size:,} ({PEER_LIST[size]:,.0f} ms)",
                f"{ratio:.1f}x cheaper ({q:.1f} ms)",
                f"≥ {need}x",
                ratio >= need,
            )
    for name, label in (("queue", "queue"), ("queue_whatif", "what-if")):
        q10 = totals.get(10_000, {}).get(name)
        q1m = totals.get(1_000_000, {}).get(name)
        if q10 and q1m:
            growth = q1m / q10
            add(f"{label} cost 1M / 10k", f"{growth:.2f}", "≤ 1.20", growth <= 1.2)
        for size in sorted(totals):
            q, h = totals[size].get(name), totals[size].get("hello_auth")
            if q and h:
                add(f"{label} / hello-auth at {size:,}", f"{q / h:.1f}x", "≤ 8x", q / h <= 8)
    for size, need in ((100_000, 40), (1_000_000, 300)):
        q = totals.get(size, {}).get("queue_whatif")
        if q:
            ratio = PEER_LIST[size] / q
            add(
                f"what-if vs peer list at {size:,}",
                f"{ratio:.1f}x ({q:.1f} ms)",
                f"≥ {need}x",
                ratio >= need,
            )
    for size in sorted(totals):
        c = totals[size].get("case")
        if c:
            ratio = PEER_DETAIL / c
            add(
                f"case page vs peer detail ({PEER_DETAIL:.0f} ms) at {size:,}",
                f"{ratio:.1f}x cheaper ({c:.1f} ms)",
                "≥ 3x",
                ratio >= 3,
            )
    for size in sorted(totals):
        p = totals[size].get("take_over")
        if p:
            ratio = PEER_RESOLVE[size] / p
            add(
                f"take_over POST vs peer resolve ({PEER_RESOLVE[size]} ms) at {size:,}",
                f"{ratio:.1f}x cheaper ({p:.1f} ms)",
                "≥ 2x",
                ratio >= 2,
            )
    return "\n".join(rows)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "var/bench-workspace"
    runs, queries = load(out)
    totals = {}
    for size in sorted(runs):
        text, totals[size] = table(size, runs[size], queries.get(size, {}))
        print(text + "\n")
    print("### Aims\n")
    print(aims(totals))


if __name__ == "__main__":
    main()
