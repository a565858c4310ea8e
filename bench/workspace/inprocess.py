"""Web CPU per request in-process: the queue beside the session floor, and its SQL statements.

    export BENCH_DB=bo_perf DATABASE_URL=postgres://postgres@127.0.0.1:5432/bo_perf
    taskset -c 1 .venv/bin/python -m bench.workspace.inprocess [-n 200] [--only queue,hello-auth]

A quick figure between load tests: Django's test Client in this process, logged in as the bench
agent (`fill prepare`), N warm requests of each kind (the session floor, the queue, the review
queue, the case page of the oldest case in review, the API's list and that case, and take over:
the plain POST answered 302 and the htmx one answered with the case panel), CPU time of this
process per request (`time.process_time`: Python, template rendering, the psycopg client).
Prints the median and p90 in ms, the mean CPU of this connection's PostgreSQL backend per request
(`db ms`, from /proc: only when the server runs on this machine; clock ticks, so a mean), the
statements of one request, and the queue's median as a multiple of hello-auth's. Pin it to one
core (`taskset -c 1`): the test client runs in one thread, and a second core would only add
noise from the database server. Reads only, but for take over: it takes over cases in review
that nobody holds (as the load test does, `loadtest.targets`), a new one every request, and puts
them back in review afterwards (`loadtest.restore`); their events stay. The database must be
named bench_workspace or as BENCH_DB says (see fill.py).
"""

import argparse
import contextlib
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
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
    "take over": ("/cases/{ref}/do/take_over/", {"post": True}),
    "take over (htmx)": (
        "/cases/{ref}/do/take_over/",
        {"post": True, "HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-main"},
    ),
}
POSTED = {"expected_state": "in_review"}


def backend_ticks() -> int | None:
    """CPU clock ticks of this connection's PostgreSQL backend so far (None: not readable)."""
    from django.db import connection

    from bench.workspace.loadtest import ticks

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return ticks([pid]) if os.path.exists(f"/proc/{pid}/stat") else None


class Requests:
    """GET the same path, or POST take over to a new case each time (`refs`)."""

    def __init__(self, client, path, extra, refs):
        self.client, self.path, self.refs = client, path, refs
        self.extra = {k: v for k, v in extra.items() if k != "post"}
        self.post = extra.get("post", False)

    def __call__(self):
        if not self.post:
            return self.client.get(self.path, **self.extra)
        path = self.path.format(ref=next(self.refs))
        response = self.client.post(path, POSTED, **self.extra)
        # wrk keeps no cookies: the flash message ("Done: take over.") goes nowhere there.
        self.client.cookies.pop("messages", None)
        return response

    def ok(self, response) -> bool:
        return response.status_code == (302 if self.post and not self.extra else 200)


def cpu_ms(request: Requests, n):
    samples = []
    gc.collect()
    ticks0 = backend_ticks()
    for _ in range(n):
        t0 = time.process_time()
        response = request()
        samples.append((time.process_time() - t0) * 1000)
        assert request.ok(response), (request.path, response.status_code)
    ticks1 = backend_ticks()
    db = None if ticks0 is None else (ticks1 - ticks0) * 1000 / os.sysconf("SC_CLK_TCK") / n
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)], db


def statements(request: Requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert request.ok(request())
    return sum(q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK") for q in captured.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="requests of each kind (default 200)")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="comma-separated names from: " + ", ".join(REQUESTS)
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="then cProfile N more requests of each kind"
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
    print(f"{'request':<20} {'SQL':>4} {'median ms':>10} {'p90 ms':>8} {'db ms':>6}")
    # The case page and the API's detail: the oldest case in review (the same one every run).
    ref = Case.objects.filter(state="in_review").order_by("pk").values_list("reference", flat=True)
    ref = ref.first()
    medians = {}
    for name in names:
        path, extra = REQUESTS[name]
        with taken_over(extra.get("post", False), args.n + args.warm + args.profile + 1) as refs:
            request = Requests(client, path.format(ref=ref) if refs is None else path, extra, refs)
            for _ in range(args.warm):
                request()
            median, p90, db = cpu_ms(request, args.n)
            count = statements(request)
            if args.profile:
                profiled = profile(request, args.profile)
        medians[name] = median
        db = "" if db is None else f"{db:.2f}"
        print(f"{name:<20} {count:>4} {median:>10.2f} {p90:>8.2f} {db:>6}")
        if args.profile:
            print(profiled)
    if "hello-auth" in medians and "queue" in medians:
        print(f"queue / hello-auth: {medians['queue'] / medians['hello-auth']:.1f}x")


def profile(request: Requests, n: int) -> str:
    """Where N more requests spend their time: cProfile's top 40, cumulative and own time."""
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
    profiler.enable()
    for _ in range(n):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


@contextlib.contextmanager
def taken_over(post: bool, needed: int):
    """For take over: references of cases in review nobody holds, put back in review after."""
    if not post:
        yield None
        return
    import psycopg

    from bench.workspace.loadtest import restore, targets

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as db:
        _page, refs = targets(db)
        if len(refs) < needed:
            sys.exit(f"take over needs {needed} cases in review nobody holds, found {len(refs)}")
        since = db.execute("SELECT now()").fetchone()[0]
        try:
            yield iter(refs[:needed])
        finally:
            restore(db, refs[:needed], since)


if __name__ == "__main__":
    main()
