"""Benchmark email intake: the parser alone, and the whole pipeline into the database.

Run from the project root::

    .venv/bin/python bench/email_ingest.py              # throwaway SQLite file under /tmp
    .venv/bin/python bench/email_ingest.py --postgres   # database bench_email on 127.0.0.1:5432

Options: ``-n 1000`` messages for the pipeline (default 500), ``--fresh`` drops and recreates
the PostgreSQL database first, ``--emails DIR`` the real-world corpus (default
/work/shared/datasets/emails; read from there, never copied).

Phases:

1. **parser** — `cases.mail.parse.email_parse` on a mix of written messages (plain, German
   quoted-printable, HTML-only, multipart/alternative, a reply with quoted history, a 40 KB PDF
   attachment, a forwarded message, an auto-reply), on the real-world corpus, and on one email
   with a 20 MB attachment (time and peak traced memory).
2. **pipeline** — `cases.mail.intake.email_ingest` (what `ingest_email`, the SMTP receiver and
   the IMAP poller call) for N distinct messages of that mix with distinct senders: parse,
   duplicate check, rate limit, customer, case, message, attachment files, event, and the
   suggestion job queued in django-q2's ORM broker (no cluster runs); then the same N again,
   which are duplicates.
3. **smtp** — the same path through the aiosmtpd receiver over one SMTP connection.
4. **process** — `manage.py ingest_email` as an MTA's pipe runs it, one process per message.

Prints latency, throughput and the SQL queries per intake at the start and at the end (they
must not grow with the data). This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import ensure_postgres_database  # noqa: E402

SQLITE_PATH = Path("/tmp/bench-email.sqlite3")  # noqa: S108 - a throwaway benchmark database
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_email"
EDGE = 20


def configure(postgres: bool, fresh: bool) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_RATE_LIMIT"] = "0"  # distinct senders anyway; the count query still runs
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-email-media-")
    if postgres:
        os.environ["DATABASE_URL"] = POSTGRES_URL
        ensure_postgres_database("bench_email", fresh=fresh)
        return "PostgreSQL bench_email"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    return f"SQLite {SQLITE_PATH}"


def written_mix(index: int) -> bytes:
    """One of eight kinds of customer mail, with a unique Message-ID and sender."""
    from tests.mail.corpus import PDF, attachment, mail, multipart, part

    name = f"bench-{index}-{time.time_ns()}"
    sender = f"Customer {index} <customer{index}@example.com>"
    german = "Gr=FC=DFe aus M=FCnchen, meine Bestellung 123456 ist nicht angekommen.\r\n" * 5
    kinds = [
        lambda: mail(name, "Hello,\r\n\r\nwhere is my order 123456?\r\n\r\nAda\r\n", sender=sender),
        lambda: mail(
            name,
            german,
            sender=sender,
            content_type="text/plain; charset=iso-8859-1",
            encoding="quoted-printable",
        ),
        lambda: mail(
            name,
            "<html><body><p>Hello,</p><p>my invoice <b>4711</b> is wrong.</p>"
            + "<div>" * 20
            + "Regards"
            + "</div>" * 20
            + "</body></html>",
            sender=sender,
            content_type="text/html; charset=utf-8",
        ),
        lambda: multipart(
            name,
            [
                part("text/plain; charset=utf-8", "Please cancel my contract 778899.\r\n"),
                part("text/html; charset=utf-8", "<p>Please cancel my contract 778899.</p>"),
            ],
            subtype="alternative",
            sender=sender,
        ),
        lambda: mail(
            name,
            "It still has not arrived.\r\n\r\nOn Mon, 23 Nov 2026, Support wrote:\r\n"
            + "> Your parcel is on its way.\r\n" * 30,
            sender=sender,
            subject="Re: Your order",
        ),
        lambda: multipart(
            name,
            [
                part("text/plain", "The invoice is attached.\r\n"),
                attachment("invoice.pdf", PDF + b"0" * 40_000, "application/pdf"),
            ],
            sender=sender,
        ),
        lambda: multipart(
            name,
            [
                part("text/plain", "See below.\r\n"),
                part(
                    "message/rfc822",
                    b"From: billing@shop.example\r\nSubject: Invoice\r\n\r\nTotal 99 EUR\r\n",
                ),
            ],
            sender=sender,
        ),
        lambda: mail(
            name,
            "I am out of the office.\r\n",
            sender=sender,
            headers=("Auto-Submitted: auto-replied",),
        ),
    ]
    return kinds[index % len(kinds)]()


def twenty_megabytes() -> bytes:
    from tests.mail.corpus import attachment, multipart, part

    data = b"PK\x03\x04" + os.urandom(20 * 1024 * 1024 - 4)
    return multipart(
        "bench-20mb",
        [part("text/plain", "Photos attached.\r\n"), attachment("photos.zip", data)],
    )


def summary(label: str, ms: list[float], wall: float, count: int, size: int = 0) -> str:
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    rate = f"{count / wall:8.0f} msg/s"
    volume = f"  {size / wall / 1e6:6.1f} MB/s" if size else ""
    return (
        f"  {label:44} median {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  "
        f"max {max(ms):8.2f} ms  {rate}{volume}"
    )


def timed(calls: list[Callable[[], object]]) -> tuple[list[float], float]:
    ms = []
    start_all = time.perf_counter()
    for call in calls:
        start = time.perf_counter()
        call()
        ms.append((time.perf_counter() - start) * 1000)
    return ms, time.perf_counter() - start_all


def parser_phase(real: list[bytes]) -> None:
    from cases.mail.limits import Unparseable
    from cases.mail.parse import email_parse

    def parse(raw: bytes):
        def call():
            with contextlib.suppress(Unparseable):
                email_parse(raw)

        return call

    print("parser (cases.mail.parse.email_parse, no database):")
    mix = [written_mix(i) for i in range(2000)]
    ms, wall = timed([parse(raw) for raw in mix])
    print(summary("written mix, 2000 messages", ms, wall, len(mix), sum(map(len, mix))))
    if real:
        rounds = real * 10
        ms, wall = timed([parse(raw) for raw in rounds])
        label = f"real-world corpus ({len(real)} files) x 10"
        print(summary(label, ms, wall, len(rounds), sum(map(len, rounds))))
    big = twenty_megabytes()
    ms, wall = timed([parse(big) for _ in range(3)])
    print(summary(f"20 MB attachment ({len(big) / 1e6:.1f} MB raw) x 3", ms, wall, 3, 3 * len(big)))
    tracemalloc.start()
    parse(big)()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  peak traced memory while parsing it: {peak / 2**20:.0f} MiB")


def pipeline_phase(n: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django_q.models import OrmQ

    from cases.mail.intake import email_ingest

    print(f"pipeline (cases.mail.intake.email_ingest, {connection.vendor}, N={n}):")
    raws = [written_mix(i) for i in range(n)]
    for label, batch in (("new mail", raws), ("the same mail again (duplicates)", raws)):
        ms, queries = [], []
        start_all = time.perf_counter()
        for raw in batch:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                email_ingest(raw, source="bench")
                ms.append((time.perf_counter() - start) * 1000)
            queries.append(len(captured))
        wall = time.perf_counter() - start_all
        print(summary(label, ms, wall, len(batch)))
        first, last = queries[:EDGE], queries[-EDGE:]
        print(
            f"    queries per mail: {min(first)}..{max(first)} (first {EDGE}) → "
            f"{min(last)}..{max(last)} (last {EDGE})"
        )
    print(f"  suggestion jobs queued: {OrmQ.objects.count()}")


def smtp_phase(n: int) -> None:
    from cases.mail.smtp import Receiver

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    receiver = Receiver(host="127.0.0.1", port=port)
    receiver.start()
    raws = [written_mix(100_000 + i) for i in range(n)]
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:

            def send(raw: bytes):
                return lambda: client.sendmail("bench@example.com", ["support@shop.example"], raw)

            ms, wall = timed([send(raw) for raw in raws])
    finally:
        receiver.stop()
    print("smtp (smtplib → aiosmtpd receiver → email_ingest, one connection):")
    print(summary(f"new mail, N={n}", ms, wall, n))


def process_phase(count: int) -> None:
    env = {**os.environ}
    ms = []
    start_all = time.perf_counter()
    for i in range(count):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "ingest_email"],
            cwd=ROOT,
            env=env,
            input=written_mix(200_000 + i),
            check=True,
            capture_output=True,
        )
        ms.append((time.perf_counter() - start) * 1000)
    wall = time.perf_counter() - start_all
    print("process (manage.py ingest_email, one process per mail, as an MTA pipe runs it):")
    print(summary(f"new mail, N={count}", ms, wall, count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="messages through the pipeline")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--emails", default="/work/shared/datasets/emails")
    parser.add_argument("--processes", type=int, default=20, help="ingest_email runs")
    args = parser.parse_args()

    label = configure(args.postgres, args.fresh)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    corpus = Path(args.emails)
    real = (
        [p.read_bytes() for p in sorted(corpus.glob("*/*")) if p.suffix in (".box", ".txt")]
        if corpus.is_dir()
        else []
    )
    print(f"database: {label}; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    parser_phase(real)
    pipeline_phase(args.n)
    smtp_phase(min(args.n, 200))
    process_phase(args.processes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MiB")
    shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
