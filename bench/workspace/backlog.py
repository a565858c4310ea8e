"""The queue with and without an open backlog: CPU, statements and plans, side by side.

    .venv/bin/python -m bench.workspace.backlog ORDINARY_DB BACKLOG_DB [-n 200] [--rounds 3]
    .venv/bin/python -m bench.workspace.backlog --plans DB     # one database's queue plans

ORDINARY_DB holds a fill (`fill grow`), BACKLOG_DB a copy of it with open cases on top
(`fill backlog N`; `bench.compare --backlog N` makes them per size). Alternating ROUNDS times,
`bench.workspace.inprocess` (test client, one core, CPU ms per request) measures the session
floor, the queue and its htmx list on each; then every SELECT the queue page runs, with the
shared cache cleared so the facets' queries run too, is explained (EXPLAIN (ANALYZE, BUFFERS))
on each: the plan's scans, the rows it read and the buffers it touched. A queue that is flat in
the backlog reads the same rows and buffers on both; a statement whose rows grow with the
backlog is named. Reads only (the in-process runs log the bench agent in: a session row).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
PY = str(REPO / ".venv/bin/python")
REQUESTS = ["hello-auth", "queue", "queue-list (htmx)"]
ROWS = re.compile(r"actual time=\S+ rows=(\d+) loops=(\d+)")  # rows per loop, loops
LINE = re.compile(r"^(?P<name>.+?)\s+(?P<sql>\d+)\s+(?P<median>[\d.]+)\s+(?P<p90>[\d.]+)$")


def env_for(db: str) -> dict:
    return dict(
        os.environ,
        BENCH_DB=db,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}",
        PYTHONPATH=str(REPO),
    )


def inprocess(db: str, n: int) -> dict:
    """name -> (statements, median CPU ms) from one `inprocess` run on one core."""
    cmd = ["taskset", "-c", "1", PY, "-m", "bench.workspace.inprocess", "-n", str(n)]
    cmd += ["--only", ",".join(REQUESTS)]
    out = subprocess.run(  # noqa: S603 - our own command
        cmd, env=env_for(db), cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    found = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m and m["name"].strip() in REQUESTS:
            found[m["name"].strip()] = (int(m["sql"]), float(m["median"]))
    return found


def buffers(plan: list[str]) -> int:
    """Shared buffers the whole statement touched (the top node's count: hit + read)."""
    for line in plan:
        if "Buffers:" in line:
            return sum(int(x) for x in re.findall(r"(?:hit|read)=(\d+)", line.split("temp")[0]))
        if line.strip().startswith("Planning"):
            break
    return 0


def plans() -> list[dict]:
    """Every SELECT of one queue page (facets included), explained; this database."""
    from bench.workspace.queries import setup

    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.workspace.fill import BENCH_USER
    from bench.workspace.queries import explain

    settings.STATIC_ROOT = str(REPO / "var/bench-inprocess-static")  # as inprocess collects it
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER[0]))
    client.get("/")  # warm
    cache.clear()  # the facets (reason counts, intents, colleagues) are read at most every 5 s
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    found = []
    for q in captured.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
            continue
        plan = explain(sql)
        text = "\n".join(plan)
        found.append(
            {
                "sql": sql,
                "scans": sorted(
                    set(
                        re.findall(
                            r"((?:Parallel )?(?:Seq|Index Only|Index|"
                            r"Bitmap Heap) Scan)(?: using \S+)? on (\w+)",
                            text,
                        )
                    )
                ),
                "rows_read": sum(int(r) * int(n) for r, n in ROWS.findall(text)),
                "buffers": buffers(plan),
                "ms": float(re.search(r"Execution Time: ([\d.]+)", text)[1]),
                "plan": plan,
            }
        )
    return found


def plans_of(db: str) -> list[dict]:
    out = subprocess.run(  # noqa: S603 - our own command
        [PY, "-m", "bench.workspace.backlog", "--plans", db, "--json"],
        env=env_for(db),
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def counts(db: str) -> str:
    sql = (
        "SELECT count(*), count(*) FILTER (WHERE state IN ('in_review', 'escalated', "
        "'in_progress')) FROM cases_case"
    )
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
        total, actionable = conn.execute(sql).fetchone()
    return f"{db}: {total:,} cases, {actionable:,} actionable"


def compare(ordinary: str, backlog: str, n: int, rounds: int) -> None:
    print(counts(ordinary))
    print(counts(backlog))
    samples: dict = {db: {name: [] for name in REQUESTS} for db in (ordinary, backlog)}
    sql: dict = {}
    for r in range(rounds):
        for db in (ordinary, backlog) if r % 2 == 0 else (backlog, ordinary):
            for name, (statements, median) in inprocess(db, n).items():
                samples[db][name].append(median)
                sql[(db, name)] = statements
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"round {r + 1}/{rounds} done, load {load}", flush=True)
    print(f"\nCPU ms per request in process (median of {rounds} runs' medians, N={n} each)")
    print(f"{'request':<20} {'ordinary':>9} {'backlog':>9} {'ratio':>6}  statements")
    for name in REQUESTS:
        a = statistics.median(samples[ordinary][name])
        b = statistics.median(samples[backlog][name])
        runs = " / ".join(f"{x:.1f}" for x in samples[ordinary][name])
        runs_b = " / ".join(f"{x:.1f}" for x in samples[backlog][name])
        print(
            f"{name:<20} {a:>9.2f} {b:>9.2f} {b / a:>6.2f}  "
            f"{sql[(ordinary, name)]} → {sql[(backlog, name)]}   (runs {runs} | {runs_b})"
        )
    before, after = plans_of(ordinary), plans_of(backlog)
    print("\nThe queue page's SELECTs (facets included): rows read and ms, ordinary → backlog")
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        grows = b["rows_read"] > 1.5 * a["rows_read"] + 50
        scans = ", ".join(f"{kind} {table}" for kind, table in b["scans"]) or "no table"
        print(
            f"{i + 1:>2}. rows {a['rows_read']:>7,} → {b['rows_read']:>7,}  "
            f"buffers {a['buffers']:>6,} → {b['buffers']:>6,}  "
            f"{a['ms']:>7.2f} → {b['ms']:>7.2f} ms  {scans}"
            f"{'   <- grows with the backlog' if grows else ''}\n    {b['sql'][:150]}"
        )
    if len(before) != len(after):
        print(f"statement counts differ: {len(before)} → {len(after)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="*", help="ORDINARY_DB BACKLOG_DB")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plans", metavar="DB", help="print one database's queue plans")
    parser.add_argument("--json", action="store_true", help="with --plans: one JSON line")
    args = parser.parse_args()
    if args.plans:
        found = plans()
        if args.json:
            print(json.dumps(found))
            return
        for p in found:
            print(f"\n{p['sql']}\n" + "\n".join("   " + line for line in p["plan"]))
        return
    if len(args.databases) != 2:
        sys.exit("give ORDINARY_DB BACKLOG_DB")
    compare(*args.databases, args.n, args.rounds)


if __name__ == "__main__":
    main()
