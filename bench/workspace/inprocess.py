"""Web CPU per request in-process: the queue beside the session floor, and its SQL statements.

    export BENCH_DB=bo_perf DATABASE_URL=postgres://postgres@127.0.0.1:5432/bo_perf
    taskset -c 1 .venv/bin/python -m bench.workspace.inprocess [-n 200] [--only queue,hello-auth]

A quick figure between load tests: Django's test Client in this process, logged in as the bench
agent (`fill prepare`), N warm requests of each kind (the session floor, the queue, the review
queue, the case page of the oldest case in review, the API's list and that case), CPU time of
this process per request (`time.process_time`: Python, template rendering, the psycopg client;
not the PostgreSQL backend). Prints the median and p90 in ms, the statements of one request, and
the queue's median as a multiple of hello-auth's. Pin it to one core (`taskset -c 1`): the test
client runs in one thread, and a second core would only add noise from the database server.
Reads only; the database must be named bench_workspace or as BENCH_DB says (see fill.py).
"""

import argparse
import gc
import os
import statistics
import time

from bench.workspace.queries import REPO, setup

REQUESTS = {
    "hello-auth": ("/_bench/hello-auth/", {}),
    "queue": ("/", {}),
    "queue-list (htmx)": ("/", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-list"}),
    "queue-whatif": ("/_bench/queue-whatif/", {}),
    "review queue": ("/review/", {}),
    "case page": ("/cases/{ref}/", {}),
    "api cases": ("/api/v1/cases/", {}),
    "api case": ("/api/v1/cases/{ref}/", {}),
}


def cpu_ms(client, path, extra, n):
    samples = []
    gc.collect()
    for _ in range(n):
        t0 = time.process_time()
        response = client.get(path, **extra)
        samples.append((time.process_time() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def statements(client, path, extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, **extra)
    return sum(q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK") for q in captured.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="requests of each kind (default 200)")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="comma-separated names from: " + ", ".join(REQUESTS)
    )
    parser.add_argument("--static-root", default=str(REPO / "var/bench-inprocess-static"))
    args = parser.parse_args()
    setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    # The product's manifest storage needs collected files; collect them once into a private
    # directory rather than into the tree's staticfiles/ (which run_all.sh owns).
    settings.STATIC_ROOT = args.static_root
    if not os.path.exists(os.path.join(args.static_root, "staticfiles.json")):
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.test import Client

    from bench.workspace.fill import BENCH_USER
    from cases.models import Case

    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USER[0]))
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(REQUESTS)
    cores = sorted(os.sched_getaffinity(0))
    print(f"{Case.objects.count():,} cases, N={args.n}, pid {os.getpid()}, cores {cores}")
    print(f"{'request':<20} {'SQL':>4} {'median ms':>10} {'p90 ms':>8}")
    # The case page and the API's detail: the oldest case in review (the same one every run).
    ref = Case.objects.filter(state="in_review").order_by("pk").values_list("reference", flat=True)
    ref = ref.first()
    medians = {}
    for name in names:
        path, extra = REQUESTS[name]
        path = path.format(ref=ref)
        for _ in range(args.warm):
            client.get(path, **extra)
        median, p90 = cpu_ms(client, path, extra, args.n)
        medians[name] = median
        print(f"{name:<20} {statements(client, path, extra):>4} {median:>10.2f} {p90:>8.2f}")
    if "hello-auth" in medians and "queue" in medians:
        print(f"queue / hello-auth: {medians['queue'] / medians['hello-auth']:.1f}x")


if __name__ == "__main__":
    main()
