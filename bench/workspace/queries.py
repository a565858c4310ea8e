"""SQL per request, EXPLAIN (ANALYZE, BUFFERS) of the queue's queries, and where the time goes.

    .venv/bin/python -m bench.workspace.queries --out var/bench-workspace [--explain] [--profile]

Runs each request of the load test through Django's test Client in this process (same bench
settings, the bench agent's session), warm, and records per request: the number of SQL
statements, their summed database time, the statements themselves, and the time of the whole
request. The transition POST takes over one case in review and puts it back afterwards, as the
load test does. --explain adds the plans of every SELECT the queue page runs (EXPLAIN ANALYZE
executes them); --profile adds a cProfile summary of the queue page: time in SQL (the psycopg
cursor), in template rendering and in the rest. Writes OUT/queries-<cases>.json.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def setup():
    url = os.environ.get("DATABASE_URL", "")
    name = os.environ.get("BENCH_DB", "bench_workspace")  # as in fill.py
    if not url.rstrip("/").endswith(f"/{name}"):
        sys.exit(f"DATABASE_URL must point at the database {name} (BENCH_DB)")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.workspace.settings",
        DEBUG="0",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    import django

    django.setup()


class Timer:
    """Times every statement precisely (CaptureQueriesContext rounds to whole milliseconds)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - t0, sql))


def measure(client, method, path, repeat=3, **extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = []
    for _ in range(repeat):
        timer = Timer()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            t0 = time.perf_counter()
            response = getattr(client, method)(path, **extra)
            elapsed = time.perf_counter() - t0
        sqls = [q["sql"] for q in ctx.captured_queries]
        runs.append((elapsed, sqls, [t for t, _ in timer.queries], response.status_code))
    elapsed, sqls, timed, status = min(runs, key=lambda r: r[0])
    # BEGIN/COMMIT are captured but bypass the wrapper: they get no time of their own.
    timed = iter(timed)
    times = [None if sql in ("BEGIN", "COMMIT", "ROLLBACK") else next(timed, None) for sql in sqls]
    return {
        "path": path,
        "status": status,
        "queries": len(sqls),
        "db_ms": round(sum(t or 0 for t in times) * 1000, 2),
        "request_ms": round(elapsed * 1000, 2),
        "sql": [
            {"ms": round(t * 1000, 3) if t is not None else None, "sql": sql}
            for t, sql in zip(times, sqls, strict=True)
        ],
    }


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [r[0] for r in cursor.fetchall()]


def profile_queue(client, rounds=20) -> dict:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get("/")
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt
    buckets = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        key = None
        if name == "execute" and "psycopg" in filename and "cursor" in filename:
            key = "sql (psycopg execute)"
        elif name == "render" and filename.endswith("django/template/base.py"):
            key = "template Template.render"
        elif name == "_fetch_all" and filename.endswith("django/db/models/query.py"):
            key = "queryset _fetch_all"
        if key:
            buckets[key] = max(buckets.get(key, 0), ct)
    stats.sort_stats("cumulative").print_stats(25)
    return {
        "rounds": rounds,
        "per_request_ms": round(total * 1000 / rounds, 2),
        "cumulative_ms_per_request": {k: round(v * 1000 / rounds, 2) for k, v in buckets.items()},
        "top_cumulative": stream.getvalue().splitlines()[:60],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "var/bench-workspace"))
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.workspace.loadtest import restore, targets
    from cases.models import Case

    user = get_user_model().objects.get(username="bench_agent")
    client = Client()
    client.force_login(user)
    cases = Case.objects.count()
    import psycopg

    db = psycopg.connect(
        os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"), autocommit=True
    )
    case_ref, post_refs = targets(db)
    report = {"cases": cases, "requests": {}}
    report["requests"]["hello"] = measure(Client(), "get", "/_bench/hello/")  # no session
    for name, path in [
        ("hello_auth", "/_bench/hello-auth/"),
        ("queue", "/"),
        ("queue_whatif", "/_bench/queue-whatif/"),
        ("case", f"/cases/{case_ref}/"),
    ]:
        report["requests"][name] = measure(client, "get", path)
    for name, headers in [
        ("take_over", {}),
        ("take_over_htmx", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-main"}),
    ]:
        since = db.execute("SELECT now()").fetchone()[0]
        refs = iter(post_refs)
        result = None
        for _ in range(3):
            ref = next(refs)
            r = measure(
                client,
                "post",
                f"/cases/{ref}/do/take_over/",
                repeat=1,
                data={"expected_state": "in_review"},
                **headers,
            )
            if result is None or r["request_ms"] < result["request_ms"]:
                result = r
        result["taken_over"] = restore(db, post_refs, since)
        report["requests"][name] = result
    from bench.workspace.whatif import compare

    fresh = Client()  # no flash messages left over from the POSTs above
    fresh.force_login(user)
    report["whatif_same_page"] = compare(fresh)
    print(f"what-if queue renders the same page as the product's: {report['whatif_same_page']}")
    for name, r in report["requests"].items():
        print(
            f"{name:<15} HTTP {r['status']}  {r['queries']:>3} queries  db {r['db_ms']:>7.2f} ms"
            f"  request {r['request_ms']:>7.2f} ms (test client, this process)"
        )
    if args.explain:
        plans = []
        for q in report["requests"]["queue"]["sql"]:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            if "auth_" in sql.split("FROM", 1)[1][:60] or "cases_staffprofile" in sql:
                continue
            plans.append({"sql": sql, "plan": explain(sql)})
        report["queue_plans"] = plans
        for p in plans:
            print("\n" + p["sql"][:300] + ("…" if len(p["sql"]) > 300 else ""))
            for line in p["plan"]:
                print("   " + line)
    if args.profile:
        report["queue_profile"] = profile_queue(client)
        print(json.dumps(report["queue_profile"]["cumulative_ms_per_request"], indent=1))
        print("\n".join(report["queue_profile"]["top_cumulative"]))
    connection.close()
    db.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"queries-{cases}.json").write_text(json.dumps(report, indent=1, default=str))
    print(f"written {out / f'queries-{cases}.json'}")


if __name__ == "__main__":
    main()
