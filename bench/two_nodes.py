"""Two nodes on loopback: two gunicorns and two qclusters on one PostgreSQL, one SIGKILLed.

Run from the project root::

    .venv/bin/python bench/two_nodes.py                 # 1,000 on one node, 5,000 on two
    .venv/bin/python bench/two_nodes.py -n 500 --single 200 --redis

Drops and recreates the database ``bench_two_nodes`` on 127.0.0.1:5432, migrates and seeds the
demo (which trains its model). A real SMTP server (aiosmtpd) and a webhook receiver run in this
process; every node sends its mail and webhooks there. A node is ``gunicorn`` with
``deploy/gunicorn.conf.py`` (2 workers) and ``manage.py qcluster`` (2 workers), each in a
session of its own, with the production settings (``DEBUG=0``, behind a simulated TLS proxy).

1. **One node**: ``--single`` messages through the API from ``--clients`` clients.
2. **Two nodes**: ``-n`` messages, the clients taking turns between the two web nodes. Once
   ``--kill-at`` of them are routed, the second node's cluster (its whole process group) is
   SIGKILLed and not restarted: the first cluster must finish everything.

Throughput counts from the first POST to the last message routed (its case out of ``new``).
Then, after the outbox and webhooks have drained, it checks: every accepted message has exactly
one case and one suggestion, no case is left in ``new``, no email reached the SMTP server twice
(by Message-ID) and none is left unsent, no webhook arrived twice (by X-Webhook-Id) or is left
undelivered, and PostgreSQL counted no deadlock. On one machine both nodes share its cores: the
two-node figure shows what the second node costs or adds there, not a second machine's capacity.
A benchmark, not a test: it prints what it finds and exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import ensure_postgres_database  # noqa: E402

DATABASE = "bench_two_nodes"
LOGS = Path("/tmp/bench-two-nodes")  # noqa: S108 - the nodes' logs, for a look after the run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sinks:
    """The SMTP server and the webhook receiver every node sends to: they count what arrives."""

    def __init__(self):
        self.mail: Counter[str] = Counter()
        self.webhooks: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.smtp_port, self.webhook_port = free_port(), free_port()

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sinks = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message_id = message_from_bytes(envelope.content).get("Message-ID", "")
                with sinks.lock:
                    sinks.mail[message_id.strip()] += 1
                return "250 OK"

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sinks.lock:
                    sinks.webhooks[self.headers.get("X-Webhook-Id", "")] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.smtp = Controller(Handler(), hostname="127.0.0.1", port=self.smtp_port)
        self.smtp.start()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.webhook_port), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()


class Node:
    """One machine's services: a gunicorn and a qcluster, each a process group of its own."""

    def __init__(self, name: str, env: dict, logs: Path = LOGS):
        self.name, self.port, self.logs = name, free_port(), logs
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"}
        self.web = self.cluster = None

    def spawn(self, kind: str, command: list[str]) -> subprocess.Popen:
        log = (self.logs / f"{self.name}-{kind}.log").open("w")
        return subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> None:
        python = sys.executable
        gunicorn = [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        self.web = self.spawn("web", [*gunicorn, "backoffice.wsgi"])
        self.cluster = self.spawn("worker", [python, "manage.py", "qcluster"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        sys.exit(f"{self.name} did not answer on port {self.port}: see {self.logs}")

    def kill_cluster(self) -> None:
        os.killpg(self.cluster.pid, signal.SIGKILL)
        self.cluster.wait()

    def stop(self) -> None:
        for process in (self.web, self.cluster):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.cluster):
            if process:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def request(port: int, method: str, path: str, body: dict | None = None, token: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def messages(label: str, n: int) -> list[dict]:
    from review.demo import demo_messages

    return [
        {
            "from_email": f"{label}-{number}@example.com",
            "from_name": demo["from_name"],
            "subject": demo["subject"],
            "body": demo["body"],
            "language": demo["language"],
            "channel": "email",
            "external_id": f"{label}-{number}",
        }
        for number, demo in zip(range(n), itertools.cycle(demo_messages()))
    ]


def routed(label: str) -> tuple[int, int]:
    """(messages of this run stored, their cases still in `new`)."""
    from cases.models import Message

    rows = Message.objects.filter(external_id__startswith=f"{label}-")
    return rows.count(), rows.filter(case__state="new").count()


def run(label: str, nodes: list[Node], n: int, clients: int, token: str, kill=None) -> dict:
    """Post n messages through the nodes' web servers; wait until every one is routed."""
    batch = messages(label, n)
    ports = itertools.cycle([node.port for node in nodes])
    turns = [(message, next(ports)) for message in batch]
    statuses: Counter[int] = Counter()
    start = time.perf_counter()
    if kill:
        threading.Thread(
            target=kill_when_routed, args=(label, n, start, *kill), daemon=True
        ).start()
    with ThreadPoolExecutor(clients) as pool:
        post = lambda turn: request(turn[1], "POST", "/api/v1/messages/", turn[0], token)[0]  # noqa: E731
        for status in pool.map(post, turns):
            statuses[status] += 1
    print(f"  posted {n} in {time.perf_counter() - start:.1f} s: {dict(statuses)}")
    while True:
        stored, waiting = routed(label)
        if stored >= statuses[201] and waiting == 0:
            break
        if time.perf_counter() - start > 1800:
            print("  gave up waiting after 30 minutes")
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - start
    return {"label": label, "n": n, "statuses": statuses, "seconds": elapsed, "rate": n / elapsed}


def kill_when_routed(label: str, n: int, start: float, node: Node, share: float) -> None:
    while True:
        stored, waiting = routed(label)
        if stored - waiting >= share * n:
            node.kill_cluster()
            print(
                f"  SIGKILL of {node.name}'s cluster at {time.perf_counter() - start:.1f} s, "
                f"{stored - waiting} routed, {stored} stored"
            )
            return
        time.sleep(0.25)


def drained(timeout: float = 600) -> None:
    """Wait for the outbox and the webhooks to empty (sending runs in the surviving cluster)."""
    from django_q.models import OrmQ

    from cases.models import Message, WebhookDelivery
    from customers.models import EmailOutbox

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        unsent = Message.objects.filter(
            direction="out", sent_at__isnull=True, undelivered_at__isnull=True
        ).count()
        outbox = EmailOutbox.objects.filter(status="pending").count()
        hooks = WebhookDelivery.objects.filter(status="pending").count()
        if unsent == outbox == hooks == OrmQ.objects.count() == 0:
            return
        time.sleep(1)
    print(
        f"  not drained after {timeout:.0f} s: {unsent} replies, {outbox} emails, {hooks} webhooks"
    )


def check(labels: list[str], sinks: Sinks, deadlocks_before: int) -> list[str]:
    from django.db import connection
    from django.db.models import Count

    from cases.models import Case, Message, WebhookDelivery
    from customers.models import EmailOutbox
    from review.models import Suggestion

    failures = []
    for label in labels:
        cases = Case.objects.filter(messages__external_id__startswith=f"{label}-")
        stored = Message.objects.filter(external_id__startswith=f"{label}-").count()
        per_case = cases.values("pk").annotate(n=Count("messages")).filter(n__gt=1).count()
        suggestions = Counter(
            Suggestion.objects.filter(case__in=cases).values_list("case_id", flat=True)
        )
        print(
            f"  {label}: {stored} messages, {cases.count()} cases, "
            f"{len(suggestions)} with a suggestion, {sum(suggestions.values())} suggestions, "
            f"states {dict(Counter(cases.values_list('state', flat=True)))}"
        )
        if per_case or cases.count() != stored:
            failures.append(f"{label}: messages and cases do not pair up")
        if len(suggestions) != stored or max(suggestions.values(), default=1) != 1:
            failures.append(f"{label}: not exactly one suggestion per case")
        if cases.filter(state="new").exists():
            failures.append(f"{label}: cases left in new")
    twice = [key for key, count in sinks.mail.items() if count > 1]
    ours = Case.objects.filter(messages__external_id__regex=rf"^({'|'.join(labels)})-")
    expected = set(
        Message.objects.filter(case__in=ours, direction="out", sent_at__isnull=False).values_list(
            "message_id", flat=True
        )
    ) | set(
        EmailOutbox.objects.filter(case__in=ours, status="sent").values_list(
            "message_id", flat=True
        )
    )
    missing = [key for key in expected if sinks.mail[key] == 0]
    print(
        f"  mail: {sum(sinks.mail.values())} received, {len(twice)} twice; "
        f"{len(expected)} marked sent for these cases, {len(missing)} of them never arrived"
    )
    if twice or missing:
        failures.append("mail went twice, or was marked sent without arriving")
    hooks_twice = [key for key, count in sinks.webhooks.items() if count > 1]
    delivered = WebhookDelivery.objects.filter(status="sent").count()
    print(f"  webhooks: {sum(sinks.webhooks.values())} received, {len(hooks_twice)} twice")
    if hooks_twice or delivered != len(sinks.webhooks):
        failures.append("a webhook went twice, or was marked delivered without arriving")
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [DATABASE])
        deadlocks = cursor.fetchone()[0] - deadlocks_before
    print(f"  deadlocks counted by PostgreSQL: {deadlocks}")
    if deadlocks:
        failures.append("deadlocks")
    return failures


def deadlock_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [DATABASE])
        return cursor.fetchone()[0]


def node_env(*, settings, secret_key, database_url, smtp_port, logs=LOGS, **extra) -> dict:
    """The environment of a node: production settings behind a simulated proxy, mail to the
    SMTP sink on `smtp_port`, attachments under `logs`, no intake rate limit."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "SECURE_PROXY_SSL_HEADER_NAME": "HTTP_X_FORWARDED_PROTO",
        "MEDIA_ROOT": str(logs / "media"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "INTAKE_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="messages through two nodes")
    parser.add_argument("--single", type=int, default=1000, help="messages through one node")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share routed at the kill")
    parser.add_argument("--redis", action="store_true", help="Q_BROKER=redis with REDIS_URL")
    args = parser.parse_args()

    LOGS.mkdir(exist_ok=True)
    ensure_postgres_database(DATABASE, fresh=True)
    sinks = Sinks()
    sinks.start()
    env = node_env(
        settings="backoffice.settings",
        secret_key=secrets.token_urlsafe(50),
        database_url=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        smtp_port=sinks.smtp_port,
        Q_WORKERS="2",
    )
    if args.redis:
        env.update(Q_BROKER="redis", REDIS_URL="redis://127.0.0.1:6379/9")
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from cases.models import WebhookEndpoint

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    token = Token.objects.get(user__username="integrator").key
    WebhookEndpoint.objects.create(name="bench", url=f"http://127.0.0.1:{sinks.webhook_port}/")
    broker = "redis" if args.redis else "orm (leased)"
    print(f"{DATABASE}: migrated and seeded; broker {broker}; logs in {LOGS}")

    first, second = Node("node-a", env), Node("node-b", env)
    results = []
    try:
        print(f"one node: {args.single} messages, {args.clients} clients")
        first.start()
        results.append(run("one", [first], args.single, args.clients, token))
        drained()
        deadlocks = deadlock_count()
        print(f"two nodes: {args.n} messages, {args.clients} clients, kill at {args.kill_at:.0%}")
        second.start()
        results.append(
            run("two", [first, second], args.n, args.clients, token, (second, args.kill_at))
        )
        drained()
        failures = check(["one", "two"], sinks, deadlocks)
    finally:
        first.stop()
        second.stop()
        sinks.smtp.stop()

    print("\n| run | messages | clients | seconds | messages/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for result in results:
        name = "one node" if result["label"] == "one" else "two nodes, one cluster killed"
        print(
            f"| {name} | {result['n']} | {args.clients} | {result['seconds']:.1f} "
            f"| {result['rate']:.1f} |"
        )
    print("\nchecks: " + ("all passed" if not failures else "; ".join(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
