"""Serve the workspace with gunicorn and load it with wrk; CPU per request from /proc.

    .venv/bin/python -m bench.workspace.loadtest --out var/bench-workspace [--duration 10]

Starts `gunicorn backoffice.wsgi --workers 2` on a free 127.0.0.1 port (bench settings: the
product plus /_bench/hello/ and /_bench/hello-auth/), logs the bench agent in through the
login form (CSRF and all) to get a session cookie, and measures, each with `wrk -t1 -c4` for
DURATION seconds and `wrk -t1 -c1` for half of it, REPS times:

* hello        GET /_bench/hello/        (no session, no database)
* hello_auth   GET /_bench/hello-auth/   (login_required: reads the session user)
* queue        GET /                     (50 rows, counts by state and reason)
* queue_whatif GET /_bench/queue-whatif/ (the same page with the proposed fixes, whatif.py)
* case         GET /cases/<ref>/         (a case in review: 3 messages, events, suggestion)
* take_over    POST /cases/<ref>/do/take_over/ expected_state=in_review, a new case each time
               (plain form POST, answered with a redirect)
* take_over_htmx  the same with HX-Request: the answer is the re-rendered case panel

Around every run it reads utime+stime of the two gunicorn workers and of their PostgreSQL
backends (pg_stat_activity) and the machine's busy time (/proc/stat): CPU ms per request for
the web and the db side, and the share of the machine everything else used. After each POST
run the cases taken over are put back in review (state, assignee and their review item) so
that every run and every size starts from the same backlog; the events and training examples
the POSTs wrote stay (they are append-only). Gunicorn is stopped by its PID at the end.
Results: one JSON object per run in OUT/http-<cases>.jsonl.
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HZ = os.sysconf("SC_CLK_TCK")
DB_NAME = os.environ.get("BENCH_DB", "bench_workspace")  # as in fill.py
BENCH_USER = ("bench_agent", "bench-agent-password")


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.workspace.settings",
        PYTHONPATH=str(REPO),
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ticks(pids) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def machine() -> tuple[int, int]:
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]
    return busy, busy + cpu[3] + cpu[4]


class Server:
    def __init__(self, env, workers=2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(env["BENCH_OUT"] + "/gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(REPO / ".venv/bin/gunicorn"),
                "backoffice.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
            ],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/_bench/hello/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            sys.exit("gunicorn did not come up; see gunicorn.log")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def rss_kb(self) -> list[int]:
        out = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def login(base: str) -> dict:
    """Log in through the real form: GET for the CSRF cookie and token, then POST."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": BENCH_USER[0], "password": BENCH_USER[1], "csrfmiddlewaretoken": token}
    ).encode()
    try:
        opener.open(base + "/accounts/login/", body)
    except urllib.error.HTTPError as redirect:
        if redirect.code != 302:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit("login failed: no session cookie")
    return cookies


def fetch(base, path, cookie, method="GET", body=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method)  # noqa: S310
    request.add_header("Cookie", cookie)
    for key, value in (headers or {}).items():
        request.add_header(key, value)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=120)
        return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Probe:
    """CPU ticks of the workers and of their PostgreSQL backends, and of the whole machine."""

    def __init__(self, server, db):
        self.server, self.db = server, db

    def backends(self) -> list[int]:
        rows = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'",
            [DB_NAME],
        ).fetchall()
        return [r[0] for r in rows]

    def snap(self) -> dict:
        backends = self.backends()
        busy, total = machine()
        return {
            "workers": {p: ticks([p]) for p in self.server.workers()},
            "backends": {p: ticks([p]) for p in backends},
            "busy": busy,
            "total": total,
            "load": Path("/proc/loadavg").read_text().split()[0],
        }

    @staticmethod
    def delta(before, after, requests) -> dict:
        def used(kind):
            return sum(v - before[kind].get(p, 0) for p, v in after[kind].items())

        web, db = used("workers"), used("backends")
        busy = after["busy"] - before["busy"]
        total = max(1, after["total"] - before["total"])
        n = max(1, requests)
        return {
            "web_cpu_ms": round(web * 1000 / HZ / n, 3),
            "db_cpu_ms": round(db * 1000 / HZ / n, 3),
            "machine_busy_pct": round(100 * busy / total, 1),
            "other_busy_pct": round(100 * (busy - web - db) / total, 1),
            "backends": len(after["backends"]),
            "load1": [before["load"], after["load"]],
        }


def wrk(url, conc, duration, headers, script, extra_env=None):
    args = ["wrk", "-t1", f"-c{conc}", f"-d{duration}s", "--timeout", "60s", "-s", script]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    env = dict(os.environ, WRK_STATS_LUA=str(HERE / "wrk_stats.lua"), **(extra_env or {}))
    out = subprocess.run(  # noqa: S603
        [*args, url], capture_output=True, text=True, env=env, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def targets(db) -> tuple[str, list[str]]:
    """The case page shows the first case in review in queue order; the POSTs take the rest."""
    rows = db.execute(
        "SELECT reference FROM cases_case WHERE state = 'in_review' AND assignee_id IS NULL "
        "AND current_suggestion_id IS NOT NULL ORDER BY due_at, priority DESC, id"
    ).fetchall()
    refs = [r[0] for r in rows]
    return refs[0], refs[1:]


def restore(db, refs, since) -> int:
    """Put the cases the POSTs took over back in review, with their review item open again."""
    with db.transaction():
        moved = db.execute(
            "UPDATE cases_case SET state = 'in_review', assignee_id = NULL "
            "WHERE reference = ANY(%s) AND state = 'in_progress' RETURNING id",
            [refs],
        ).fetchall()
        ids = [r[0] for r in moved]
        db.execute(
            "UPDATE review_reviewitem SET status = 'open', decision = '', decided_by_id = NULL, "
            "decided_at = NULL, claimed_by_id = NULL, claimed_at = NULL "
            "WHERE case_id = ANY(%s) AND decision = 'taken_over' AND decided_at >= %s",
            [ids, since],
        )
    return len(ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "var/bench-workspace"))
    parser.add_argument("--duration", type=int, default=10, help="seconds at 4 connections")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated names to run")
    parser.add_argument(
        "--append", action="store_true", help="add to http-<cases>.jsonl (interleaved runs)"
    )
    parser.add_argument("--database-url", default=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
    args = parser.parse_args()
    if not args.database_url.rstrip("/").endswith("/" + DB_NAME):
        sys.exit(f"the database must be {DB_NAME}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = bench_env(args.database_url)
    env["BENCH_OUT"] = str(out)
    only = set(filter(None, args.only.split(",")))

    db = psycopg.connect(args.database_url.replace("postgres://", "postgresql://"), autocommit=True)
    cases = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    case_ref, post_refs = targets(db)
    refs_file = out / f"refs-{cases}.txt"
    refs_file.write_text("\n".join(post_refs) + "\n")
    results = out / f"http-{cases}.jsonl"
    server = Server(env)
    print(f"gunicorn {server.proc.pid} on {server.base}, {cases:,} cases", flush=True)
    try:
        cookies = login(server.base)
        cookie = f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
        probe = Probe(server, db)
        gets = [
            ("hello", "/_bench/hello/", False),
            ("hello_auth", "/_bench/hello-auth/", True),
            ("queue", "/", True),
            ("queue_whatif", "/_bench/queue-whatif/", True),
            ("case", f"/cases/{case_ref}/", True),
        ]
        for _ in range(8):  # both workers: imports, templates, DB connection
            for _name, path, auth in gets:
                status, _body = fetch(server.base, path, cookie if auth else "")
        rss_idle = server.rss_kb()
        with results.open("a" if args.append else "w") as sink:

            def record(name, conc, stats, cpu, **extra):
                entry = {"name": name, "conc": conc, "cases": cases, "wrk": stats, "cpu": cpu}
                entry |= extra
                sink.write(json.dumps(entry) + "\n")
                sink.flush()
                print(
                    f"{name:<15} c{conc} {stats['rps']:>8.1f} req/s  p50 {stats['p50_ms']:>7.2f}"
                    f"  p99 {stats['p99_ms']:>7.2f} ms  web {cpu['web_cpu_ms']:>6.2f}"
                    f"  db {cpu['db_cpu_ms']:>6.2f} ms/req  other {cpu['other_busy_pct']:>5.1f}%"
                    f"  errors {stats['non_2xx_3xx'] + stats['err_timeout']}",
                    flush=True,
                )

            for name, path, auth in gets:
                if only and name not in only:
                    continue
                headers = {"Cookie": cookie} if auth else {}
                status, body = fetch(server.base, path, headers.get("Cookie", ""))
                if status != 200:
                    sys.exit(f"{name}: HTTP {status}")
                wrk(server.base + path, 2, 2, headers, str(HERE / "wrk_stats.lua"))  # warm-up
                for _ in range(args.reps):
                    for conc, duration in ((4, args.duration), (1, max(1, args.duration // 2))):
                        before = probe.snap()
                        stats = wrk(
                            server.base + path, conc, duration, headers, str(HERE / "wrk_stats.lua")
                        )
                        after = probe.snap()
                        record(
                            name,
                            conc,
                            stats,
                            Probe.delta(before, after, stats["requests"]),
                            bytes_per_response=len(body),
                        )
            posts = [
                ("take_over", {}),
                ("take_over_htmx", {"HX-Request": "true", "HX-Target": "case-main"}),
            ]
            for name, extra_headers in posts:
                if only and name not in only:
                    continue
                headers = {"Cookie": cookie, "X-CSRFToken": cookies["csrftoken"], **extra_headers}
                plan = [(1, 1, False)] + [
                    run
                    for _ in range(args.reps)
                    for run in ((4, args.duration, True), (1, max(1, args.duration // 2), True))
                ]
                for conc, duration, keep in plan:
                    since = db.execute("SELECT now()").fetchone()[0]
                    before = probe.snap()
                    stats = wrk(
                        server.base + "/",
                        conc,
                        duration,
                        headers,
                        str(HERE / "wrk_transition.lua"),
                        {"REFS_FILE": str(refs_file), "REFS_OFFSET": "0"},
                    )
                    after = probe.snap()
                    moved = restore(db, post_refs, since)
                    if keep:
                        record(
                            name,
                            conc,
                            stats,
                            Probe.delta(before, after, stats["requests"]),
                            taken_over=moved,
                        )
                    if moved < stats["requests"] - conc:
                        print(
                            f"  warning: {stats['requests']} POSTs but {moved} take-overs "
                            f"({len(post_refs)} cases in the list)",
                            flush=True,
                        )
        rss_after = server.rss_kb()
        (out / f"rss-{cases}.json").write_text(
            json.dumps({"cases": cases, "idle_kb": rss_idle, "after_kb": rss_after})
        )
    finally:
        server.stop()
        db.close()
    print(f"results: {results}")


if __name__ == "__main__":
    main()
