"""Intake → routed case, end to end: the API, gunicorn, the real qcluster, PostgreSQL at 100k cases.

Run from the project root::

    .venv/bin/python bench/intake.py                       # 1,000 API messages, 300 mails, 40 pipes
    .venv/bin/python bench/intake.py -n 600 --mails 0 --pipes 0 \\
        --try '{"q": {"save_limit": -1}}' --try '{"db": {"CONN_MAX_AGE": 0}}'

The database ``bench_intake`` (or ``--database``) on 127.0.0.1:5432 is filled once to ``--cases``
(100,000) with ``bench/workspace/fill.py`` (migrate, ``seed_demo``, bulk COPY of a realistic
history) and kept between runs (``--fresh`` drops it); every run adds its own messages on top. A
real SMTP server and a webhook receiver run in this process (``bench/two_nodes.py``'s sinks):
automated replies and webhooks go there, as in production. A node is ``gunicorn -c
deploy/gunicorn.conf.py`` with 2 workers and ``manage.py qcluster``, each a session of its own,
``DEBUG=0``, behind a simulated TLS proxy, with the settings of ``bench/intake_settings.py``: the
product's, unless ``--try`` lays JSON over ``Q_CLUSTER`` (``"q"``), ``DATABASES["default"]``
(``"db"``) or the environment (``"env"``). The baseline runs first, then each ``--try`` with a
fresh node.

1. **API**: ``-n`` messages POSTed to ``/api/v1/messages/`` with the integrator's token from
   ``--clients`` threads (20 more first, to warm the workers, not counted). The clock runs from
   the first POST to the last message routed (its case out of ``new``).
2. **SMTP**: ``--mails`` mails (``bench/email_ingest.py``'s mix) sent to ``manage.py
   smtp_receiver`` over ``--clients`` connections, until every stored one is routed.
3. **ingest_email**: ``--pipes`` mails, each through ``manage.py ingest_email`` as an MTA's pipe
   runs it (one process per mail), ``--clients`` at a time, until every one is routed.

CPU per message by process, from utime+stime in ``/proc/<pid>/stat``, sampled every 0.2 s: the
gunicorn workers (and master), the qcluster's processes, the receiver, the PostgreSQL backends
of ``bench_intake`` (``pg_stat_activity``; the benchmark's own two are left out), and the
``ingest_email`` processes (``RUSAGE_CHILDREN``). A backend that exits between two samples
loses up to 0.2 s of its CPU: the short-lived ones of ``ingest_email`` are undercounted. "other"
is what the rest of the machine used meanwhile (``/proc/stat``): other people's load.
A benchmark, not a test: it prints what it finds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import ensure_postgres_database  # noqa: E402
from bench.two_nodes import Node, Sinks, free_port, node_env, run  # noqa: E402
from bench.workspace.loadtest import machine, ticks  # noqa: E402

DATABASE = "bench_intake"
URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
LOGS = Path("/tmp/bench-intake")  # noqa: S108 - the nodes' logs, for a look after the run
HZ = os.sysconf("SC_CLK_TCK")
# Fixed, so that tasks a run leaves queued stay readable by the next run's cluster.
SECRET_KEY = "bench-intake-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105


def fill(cases: int, fresh: bool) -> None:
    """Create bench_intake and grow it to `cases` cases with fill.py (COPY), once."""
    ensure_postgres_database(DATABASE, fresh=fresh)
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "BENCH_DB": DATABASE,
        "DJANGO_SETTINGS_MODULE": "bench.workspace.settings",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": SECRET_KEY,
    }
    fill_py = [sys.executable, "-m", "bench.workspace.fill"]
    import psycopg

    with psycopg.connect(URL.replace("postgres://", "postgresql://")) as database:
        seeded = database.execute("SELECT to_regclass('bench_meta')").fetchone()[0]
    if not seeded:
        prepare = [*fill_py, "prepare"]
        subprocess.run(prepare, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    start = time.perf_counter()
    subprocess.run([*fill_py, "grow", str(cases)], cwd=ROOT, env=env, check=True)  # noqa: S603
    print(f"{DATABASE}: at least {cases} cases ({time.perf_counter() - start:.0f} s to fill)")


def group(pgid: int) -> list[int]:
    """The processes of a session (a node's gunicorn or qcluster, started in its own)."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[2]) == pgid:
                        pids.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return pids


class Sampler(threading.Thread):
    """CPU ticks by role, sampled until stopped; a process keeps the last value seen."""

    def __init__(self, groups: dict[str, int], excluded: set[int]):
        super().__init__(daemon=True)
        self.groups, self.excluded = groups, excluded
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self.halt = threading.Event()
        import psycopg

        self.db = psycopg.connect(URL.replace("postgres://", "postgresql://"), autocommit=True)
        self.sample(first=True)
        self.machine = machine()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def pids(self) -> dict[str, list[int]]:
        found = {role: group(pgid) for role, pgid in self.groups.items()}
        rows = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        ).fetchall()
        found["db"] = [pid for (pid,) in rows if pid not in self.excluded]
        return found

    def sample(self, first: bool = False) -> None:
        for role, pids in self.pids().items():
            for pid in pids:
                value = ticks([pid])
                if value:
                    self.last[(role, pid)] = value
                    if first:
                        self.first[(role, pid)] = value

    def run(self) -> None:
        while not self.halt.wait(0.2):
            self.sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds by role since the start; "other" is the rest of the machine's busy time."""
        self.halt.set()
        self.join()
        self.sample()
        self.db.close()
        seconds: dict[str, float] = {}
        for (role, pid), value in self.last.items():
            used = value - self.first.get((role, pid), 0)
            seconds[role] = seconds.get(role, 0.0) + used / HZ
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        piped = (children.ru_utime + children.ru_stime) - (
            self.children.ru_utime + self.children.ru_stime
        )
        if piped > 0:
            seconds["ingest_email"] = piped
        busy = (machine()[0] - self.machine[0]) / HZ
        seconds["other"] = max(busy - sum(seconds.values()), 0.0)
        return seconds


def own_backend() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def inbound_after(first_pk: int) -> tuple[int, int]:
    """(inbound messages stored after first_pk, their cases still in `new`)."""
    from cases.models import Message

    rows = Message.objects.filter(pk__gt=first_pk, direction=Message.Direction.INBOUND)
    return rows.count(), rows.filter(case__state="new").count()


def last_message_pk() -> int:
    from cases.models import Message

    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def wait_routed(first_pk: int, start: float, timeout: float = 1800) -> int:
    while True:
        stored, waiting = inbound_after(first_pk)
        if waiting == 0 or time.perf_counter() - start > timeout:
            return stored
        time.sleep(0.2)


def queue_empty(timeout: float = 120) -> None:
    """Let the previous run's replies, webhooks and jobs finish before the next one starts."""
    from django_q.models import OrmQ

    deadline = time.monotonic() + timeout
    while OrmQ.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)


def row(name: str, n: int, seconds: float, cpu: dict[str, float]) -> str:
    roles = ["web", "cluster", "receiver", "ingest_email", "db"]
    ours = sum(cpu.get(role, 0.0) for role in roles)
    shares = " | ".join(f"{cpu[role] * 1000 / n:.1f}" if role in cpu else "-" for role in roles)
    return (
        f"| {name} | {n} | {seconds:.1f} | {n / seconds:.1f} | {shares} "
        f"| {ours * 1000 / n:.1f} | {cpu.get('other', 0.0) / seconds:.2f} |"
    )


HEADER = (
    "| run | messages | seconds | messages/s | CPU ms per message: web | cluster | receiver "
    "| ingest_email | db | total | other cores busy |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def api_run(name: str, env: dict, n: int, clients: int, token: str, excluded: set[int]) -> str:
    node = Node(name, env, logs=LOGS)
    try:
        node.start()
        time.sleep(2)  # the cluster's workers start beside the web server
        run(f"warm-{name}-{time.time_ns()}", [node], 20, clients, token)
        queue_empty()
        sampler = Sampler({"web": node.web.pid, "cluster": node.cluster.pid}, excluded)
        sampler.start()
        result = run(f"{name}-{time.time_ns()}", [node], n, clients, token)
        cpu = sampler.stop()
        if set(result["statuses"]) != {201}:
            print(f"  statuses: {dict(result['statuses'])}")
        queue_empty()  # its replies and webhooks, before the next run
        return row(name, n, result["seconds"], cpu)
    finally:
        node.stop()


def listening(port: int, timeout: float = 60) -> None:
    """Wait until the receiver accepts connections (it starts Django first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the SMTP receiver did not listen on {port}: see {LOGS}")


def mail_runs(env: dict, mails: int, pipes: int, clients: int, excluded: set[int]) -> list[str]:
    from bench.email_ingest import written_mix

    rows = []
    node = Node("mail", env, logs=LOGS)
    receiver = None
    try:
        node.start()
        time.sleep(2)
        if mails:
            port = free_port()
            receiver = node.spawn(
                "smtp", [sys.executable, "manage.py", "smtp_receiver", "--port", str(port)]
            )
            listening(port)
            raws = [written_mix(300_000 + i) for i in range(mails)]
            first_pk = last_message_pk()
            sampler = Sampler({"receiver": receiver.pid, "cluster": node.cluster.pid}, excluded)
            sampler.start()
            start = time.perf_counter()

            def send(share: list[bytes]) -> None:
                with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                    for raw in share:
                        client.sendmail("customer@example.com", ["support@shop.example"], raw)

            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(send, [raws[i::clients] for i in range(clients)]))
            stored = wait_routed(first_pk, start)
            seconds = time.perf_counter() - start
            rows.append(row(f"SMTP receiver ({stored} stored)", mails, seconds, sampler.stop()))
            os.killpg(receiver.pid, signal.SIGTERM)
            try:
                receiver.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(receiver.pid, signal.SIGKILL)
                receiver.wait()
            queue_empty()
        if pipes:
            raws = [written_mix(400_000 + i) for i in range(pipes)]
            first_pk = last_message_pk()
            sampler = Sampler({"cluster": node.cluster.pid}, excluded)
            sampler.start()
            start = time.perf_counter()

            def pipe(raw: bytes) -> int:
                return subprocess.run(
                    [sys.executable, "manage.py", "ingest_email"],
                    cwd=ROOT,
                    env=node.env,
                    input=raw,
                    capture_output=True,
                ).returncode

            with ThreadPoolExecutor(clients) as pool:
                codes = list(pool.map(pipe, raws))
            stored = wait_routed(first_pk, start)
            seconds = time.perf_counter() - start
            cpu = sampler.stop()
            failed = sum(1 for code in codes if code)
            rows.append(
                row(f"ingest_email ({stored} stored, {failed} failed)", pipes, seconds, cpu)
            )
            queue_empty()
    finally:
        if receiver is not None and receiver.poll() is None:
            os.killpg(receiver.pid, signal.SIGKILL)
            receiver.wait()
        node.stop()
    return rows


def main() -> None:
    global DATABASE, URL, LOGS  # one database per run (--database), read by the helpers above
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="messages through the API")
    parser.add_argument("--mails", type=int, default=300, help="mails through the SMTP receiver")
    parser.add_argument("--pipes", type=int, default=40, help="mails through ingest_email")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the database")
    parser.add_argument("--database", default=DATABASE, help="the database (bench_intake)")
    parser.add_argument("--fresh", action="store_true", help="drop the database and refill it")
    parser.add_argument(
        "--try",
        dest="variants",
        action="append",
        default=[],
        help='a lever: JSON {"q": {...}, "db": {...}, "env": {...}} (repeatable)',
    )
    parser.add_argument("--no-baseline", action="store_true", help="only the --try runs")
    args = parser.parse_args()
    DATABASE, URL = args.database, URL.replace(DATABASE, args.database)
    LOGS = LOGS.with_name(f"bench-{DATABASE}") if DATABASE != "bench_intake" else LOGS

    LOGS.mkdir(exist_ok=True)
    fill(args.cases, args.fresh)
    sinks = Sinks()
    sinks.start()
    env = node_env(
        settings="bench.intake_settings",
        secret_key=SECRET_KEY,
        database_url=URL,
        smtp_port=sinks.smtp_port,
        logs=LOGS,
        PYTHONPATH=str(ROOT),
    )
    os.environ.update(env)

    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from cases.models import Case, WebhookEndpoint

    token = Token.objects.get(user__username="integrator").key
    WebhookEndpoint.objects.update_or_create(
        name="bench-intake", defaults={"url": f"http://127.0.0.1:{sinks.webhook_port}/"}
    )
    excluded = {own_backend()}
    from django_q.models import OrmQ

    # Tasks left by the fill (signed with another key) or by an interrupted run: not this run's.
    stale = OrmQ.objects.all().delete()[0]
    with open("/proc/loadavg") as load:
        print(
            f"{Case.objects.count()} cases; {stale} stale tasks dropped; {os.cpu_count()} cores; "
            f"load {load.read().split()[:3]}; logs in {LOGS}"
        )

    variants = ([] if args.no_baseline else [("baseline", {})]) + [
        (text, json.loads(text)) for text in args.variants
    ]
    labels = {name: f"try{number}" for number, (name, _) in enumerate(variants)}
    rows = []
    try:
        for name, lever in variants:
            lever_env = {
                **env,
                "BENCH_Q_CLUSTER": json.dumps(lever.get("q", {})),
                "BENCH_DATABASE": json.dumps(lever.get("db", {})),
                **lever.get("env", {}),
            }
            print(f"API: {args.n} messages, {args.clients} clients, {name}")
            result = api_run(labels[name], lever_env, args.n, args.clients, token, excluded)
            rows.append(result.replace(f"| {labels[name]} |", f"| {name} |", 1))
            print(rows[-1])
        if args.mails or args.pipes:
            base = {**env, **(variants[0][1].get("env", {}) if variants else {})}
            print(f"mail: {args.mails} over SMTP, {args.pipes} through ingest_email")
            rows += mail_runs(base, args.mails, args.pipes, args.clients, excluded)
    finally:
        sinks.smtp.stop()
    print(f"\n{HEADER}")
    print("\n".join(rows))
    print(
        f"\nmail received by the sink: {sum(sinks.mail.values())}; "
        f"webhooks: {sum(sinks.webhooks.values())}"
    )


if __name__ == "__main__":
    main()
