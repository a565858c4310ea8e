"""Search at scale: CPU per search request (the queue's `/?q=` and the API's `?q=`) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_search
    export BENCH_DB=bench_search DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search
    .venv/bin/python -m bench.search grow 10000      # prepare (first time) and fill, see below
    taskset -c 1 .venv/bin/python -m bench.search measure [-n 50]
    .venv/bin/python -m bench.search grow 100000     # grow further, measure again, ...
    dropdb -h 127.0.0.1 -U postgres bench_search

The data is bench/workspace/fill.py's (one case a minute back in time, 3 messages each, a
customer per three cases; see bench/workspace/README.md). `grow` runs `fill prepare` on an
empty database, drops the search's indexes (cases/migrations/0021_search_indexes.py), grows
with COPY, and builds them again (faster than keeping them up to date row by row).

`measure` asks the test client in this process, logged in as the bench agent, for a mix of
searches an agent makes (an exact reference, a customer's address, an order number from a
body, a contract number, a surname, a common word), N warm times each, and prints per request:
the SQL statements, the rows found, the median CPU of this process (`time.process_time`:
Python, rendering, the psycopg client), the median CPU of the PostgreSQL backend serving it
(utime+stime from /proc, both on this machine), and the median wall time. It asserts nothing.
Reads only; the database must be named as BENCH_DB says (default bench_workspace; see fill.py).
"""

import argparse
import os
import statistics
import time

from bench.workspace.queries import REPO, setup

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_ms(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


def searches() -> dict[str, str]:
    """Queries an agent makes, taken from the data (the oldest rows: closed history)."""
    from cases.models import Case, Message
    from customers.models import Customer

    closed = Case.objects.filter(state="closed").order_by("pk").first()
    body = Message.objects.filter(direction="in", text__contains="order A-").order_by("pk").first()
    contract = Message.objects.filter(text__contains="Vertrag V-").order_by("pk").first()
    customer = Customer.objects.filter(email__startswith="c").order_by("pk").first()
    order = body.text.split("order ")[1].split()[0]
    return {
        "reference (closed case)": closed.reference,
        "customer address": customer.email,
        "order number in a body": order.strip(".,"),
        "contract number": contract.text.split("Vertrag ")[1].split()[0].strip(".,"),
        "surname": "Whitman",
        "common word": "refund",
    }


def measure(n: int, warm: int, static_root: str, only: str = "") -> None:
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.workspace.fill import BENCH_USER
    from cases.models import Case
    from cases.search import search_cases

    settings.STATIC_ROOT = static_root
    if not os.path.exists(os.path.join(static_root, "staticfiles.json")):
        call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER[0]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cores = sorted(os.sched_getaffinity(0))
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    print(f"{Case.objects.count():,} cases, N={n}, cores {cores}, {when}")
    print(
        f"{'request':<34} {'SQL':>4} {'found':>8} {'py ms':>7} {'pg ms':>7} {'sum':>7} {'wall':>7}"
    )
    for name, text in searches().items():
        if only and only not in name:
            continue
        found = search_cases(Case.objects.all(), text).count()
        for label, path in (("queue", "/"), ("api", "/api/v1/cases/")):
            for _ in range(warm):
                client.get(path, {"q": text})
            statements = []

            def count(execute, sql, params, many, context, statements=statements):
                statements.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(path, {"q": text})
            python, postgres, wall = [], [], []
            for _ in range(n):
                p0, b0, w0 = time.process_time(), backend_cpu_ms(backend), time.perf_counter()
                response = client.get(path, {"q": text})
                python.append((time.process_time() - p0) * 1000)
                postgres.append(backend_cpu_ms(backend) - b0)
                wall.append((time.perf_counter() - w0) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            # The backend's CPU comes in 10 ms ticks: its mean over N, not a median of ticks.
            py, pg = statistics.median(python), statistics.mean(postgres)
            print(
                f"{label + ': ' + name:<34} {len(statements):>4} {found:>8,} {py:>7.1f} {pg:>7.1f} "
                f"{py + pg:>7.1f} {statistics.median(wall):>7.1f}"
            )
    print("py: this process's CPU (median); pg: the backend's CPU (mean); wall: median")


def grow(target: int) -> None:
    from bench.workspace import fill

    fill.setup_django()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cases_case') IS NOT NULL")
        migrated = cursor.fetchone()[0]
    if not migrated:
        fill.prepare()
    else:
        call_command("migrate", verbosity=0)
    from importlib import import_module

    indexes = import_module("cases.migrations.0021_search_indexes").INDEXES
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
    fill.grow(target)
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for index, definition in indexes.items():
            t1 = time.monotonic()
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {index} {definition}")
            print(f"  {index}: {time.monotonic() - t1:.1f} s")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        print(f"search indexes built in {time.monotonic() - t0:.1f} s; database {size}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grow")
    g.add_argument("cases", type=int)
    m = sub.add_parser("measure")
    m.add_argument("-n", type=int, default=50, help="requests of each kind (default 50)")
    m.add_argument("--warm", type=int, default=5)
    m.add_argument("--only", default="", help="only the searches whose name contains this")
    m.add_argument("--static-root", default=str(REPO / "var/bench-inprocess-static"))
    args = parser.parse_args()
    if args.command == "grow":
        grow(args.cases)
    else:
        measure(args.n, args.warm, args.static_root, args.only)


if __name__ == "__main__":
    main()
