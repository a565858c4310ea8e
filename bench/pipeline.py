"""Benchmark the Django pipeline: intake, then suggestion + routing, per message.

Run from the project root::

    .venv/bin/python bench/pipeline.py              # throwaway SQLite file under /tmp
    .venv/bin/python bench/pipeline.py --postgres   # database bench_pipeline on 127.0.0.1:5432

Options: ``-n 2000`` messages (default 500); ``--fresh`` drops and recreates the PostgreSQL
database first (otherwise it is created only if missing, and a rerun adds to its data, which
shows whether the per-call query counts stay flat as tables grow); ``--show-queries`` prints
the SQL of one more intake and suggestion after the run.

Seeds the demo (which also trains a model), then feeds N messages built from the demo messages
(distinct external ids and senders) through `cases.intake.message_receive`, and then runs
`review.suggest.suggestion_create` for each new case, as the worker would. django-q2 keeps its
default ORM broker and no cluster runs, so jobs only queue. Prints latency, throughput and the
SQL query count per call at the start and at the end of the run (it must not grow with data).
This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path("/tmp/bench-pipeline.sqlite3")  # noqa: S108 - a throwaway benchmark database
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_pipeline"
EDGE = 20  # calls at the start and at the end of a phase whose query counts are compared


def configure(postgres: bool, fresh: bool) -> str:
    """Point Django at a benchmark database (before django.setup()); return its label."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if postgres:
        os.environ["DATABASE_URL"] = POSTGRES_URL
        ensure_postgres_database("bench_pipeline", fresh=fresh)
        return "PostgreSQL bench_pipeline"
    # Throwaway: start from an empty file every run.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    return f"SQLite {SQLITE_PATH}"


def ensure_postgres_database(name: str, *, fresh: bool) -> None:
    psql, createdb, dropdb = (shutil.which(p) for p in ("psql", "createdb", "dropdb"))
    if psql is None or createdb is None or dropdb is None:
        sys.exit("--postgres needs the PostgreSQL client programs (psql, createdb, dropdb)")
    connection = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
    if fresh:
        subprocess.run([dropdb, *connection, "--if-exists", name], check=True)  # noqa: S603
    listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [psql, *connection, "-Atc", "SELECT datname FROM pg_database"],
        check=True,
        capture_output=True,
        text=True,
    )
    if name not in listed.stdout.split():
        subprocess.run([createdb, *connection, name], check=True)  # noqa: S603
        print(f"created database {name}")


@dataclass
class Phase:
    name: str
    wall_s: float
    ms: list[float]
    queries: list[int]

    def p95(self) -> float:
        return statistics.quantiles(self.ms, n=20, method="inclusive")[18]

    def query_summary(self) -> str:
        start, end = self.queries[:EDGE], self.queries[-EDGE:]
        return (
            f"{min(start)}..{max(start)} (first {len(start)}) → "
            f"{min(end)}..{max(end)} (last {len(end)})"
        )


def measure(name: str, calls: list[Callable[[], object]]) -> Phase:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    ms, queries = [], []
    start_all = time.perf_counter()
    for call in calls:
        # The capture counts by the length of connection.queries, capped at 9000 entries:
        # empty it first, or counts drop to 0 once the cap is reached.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            ms.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return Phase(name, time.perf_counter() - start_all, ms, queries)


def show_queries(label: str, call: Callable[[], object]) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        call()
    print(f"\n{label}: {len(captured)} queries")
    for number, query in enumerate(captured.captured_queries, start=1):
        print(f"  {number:2}. {query['sql'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    parser.add_argument(
        "--fresh", action="store_true", help="with --postgres: drop and recreate the database"
    )
    parser.add_argument("-n", type=int, default=500, help="messages to feed (default 500)")
    parser.add_argument(
        "--show-queries",
        action="store_true",
        help="print the SQL of one more intake and suggestion",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    database = configure(args.postgres, args.fresh)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django_q.models import OrmQ

    from cases.intake import message_receive
    from cases.models import Case
    from review.demo import demo_messages
    from review.suggest import suggestion_create

    print(f"database: {database} ({connection.vendor})")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    seed_output = io.StringIO()
    call_command("seed_demo", stdout=seed_output)
    trained = [line for line in seed_output.getvalue().splitlines() if "Trained" in line]
    print(
        f"seed_demo: {time.perf_counter() - start:.1f} s; "
        + (" ".join(trained) or "already seeded, kept the active model")
    )
    queued_before = OrmQ.objects.count()
    cases_before = Case.objects.count()

    run = uuid.uuid4().hex[:8]  # distinct ids also when the PostgreSQL database is reused
    messages = [
        {
            "from_email": f"bench-{run}-{number}@example.com",
            "from_name": demo["from_name"],
            "subject": demo["subject"],
            "body": demo["body"],
            "language": demo["language"],
            "channel": "email",
            "external_id": f"bench-{run}-{number}",
        }
        for number, demo in zip(range(args.n), itertools.cycle(demo_messages()))
    ]
    case_ids: list[int] = []

    def intake(message: dict) -> Callable[[], object]:
        return lambda: case_ids.append(message_receive(**message).case.pk)

    intake_phase = measure("intake (message_receive)", [intake(m) for m in messages])

    def suggest(case_id: int) -> Callable[[], object]:
        return lambda: suggestion_create(case_id=case_id)

    suggest_phase = measure(
        "suggestion + routing (suggestion_create)", [suggest(pk) for pk in case_ids]
    )

    states = Counter(Case.objects.filter(pk__in=case_ids).values_list("state", flat=True))
    queued = Counter(task.func() for task in OrmQ.objects.all())
    print(f"\ncases before the run: {cases_before}, created by it: {len(set(case_ids))}")
    print("states after routing: " + ", ".join(f"{k} {v}" for k, v in states.most_common()))
    print(
        f"django-q2 queue: {OrmQ.objects.count()} rows at the end "
        f"({queued_before} after seeding); by task: "
        + ", ".join(f"{func} {count}" for func, count in queued.most_common())
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak RSS of this process: {peak_mib} MiB")

    lines = [
        f"\n| step ({connection.vendor}, N={args.n}) | median ms | p95 ms | max ms "
        "| messages/s | queries per call: start → end |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for phase in (intake_phase, suggest_phase):
        lines.append(
            f"| {phase.name} | {statistics.median(phase.ms):.2f} | {phase.p95():.2f} "
            f"| {max(phase.ms):.1f} | {len(phase.ms) / phase.wall_s:.0f} "
            f"| {phase.query_summary()} |"
        )
    print("\n".join(lines))

    if args.show_queries:
        extra = dict(
            messages[0], external_id=f"bench-{run}-extra", from_email=f"x-{run}@example.com"
        )
        show_queries("one more intake", intake(extra))
        show_queries("its suggestion", suggest(case_ids[-1]))


if __name__ == "__main__":
    main()
