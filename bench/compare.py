"""Side by side with the peer (issue 16): our workspace and django-helpdesk, interleaved.

    .venv/bin/python -m bench.compare                      # 10k, 100k, 1M (about an hour)
    .venv/bin/python -m bench.compare 10000 --duration 5   # one size, shorter runs
    .venv/bin/python -m bench.compare --table var/bench-compare/<stamp>   # the table again

For every size it fills (or reuses) one database of ours and one of the peer's per size, then
alternates, REPS times, one load test of ours (`bench.workspace.loadtest --reps 1`: gunicorn,
2 sync workers, wrk) and one of the peer (`bench_http.sh TARGETS DUR 1` from the peer harness,
used where it lies, PEER_HARNESS, default /work/shared/bench/peer). Both record CPU per
request of the gunicorn workers and of their PostgreSQL backends from /proc; the table adds
the two (web + db) and takes the median over the 4-connection runs.

Databases (PostgreSQL on 127.0.0.1:5432, user postgres): ours `<COMPARE_DB>_<size>` (default
`bench_workspace_<size>`), the peer's `<PEER_DB>_<size>` (default `peer_helpdesk_<size>`).
Each is created when missing and only grows, so a second run at a size reuses its data
(`--fresh` drops and refills them). A missing database starts as a copy of the same side's
database at the next smaller size asked for (`CREATE DATABASE … TEMPLATE`, seconds) and grows
from there, as the harnesses' own runs grow one database 10k → 100k → 1M; the two sides fill
at once (`nice -n FILL_NICE`, default 10), all sizes before the first load test.
`--fill-only` stops there (fill now, measure later on a quiet machine). `--backlog N` also
copies each size of ours to `<BACKLOG_DB>_<size>` (default `<COMPARE_DB>_backlog_<size>`),
adds N open cases (`fill backlog`) and load-tests our queue there in every round (table row
"queue with an open backlog ÷ without"). Nothing else is written. Results: OUT (default
var/bench-compare/<UTC stamp>/), `ours/`, `ours-backlog/` and `peer/` as each harness writes
them, `table.md` (`fill.txt` with --fill-only).
REDIS_URL, when set, reaches our gunicorn (the shared cache, `cached_db` sessions).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.workspace.loadtest import bench_env

REPO = Path(__file__).resolve().parents[1]
PY = str(REPO / ".venv/bin/python")
HARNESS = Path(os.environ.get("PEER_HARNESS", "/work/shared/bench/peer"))
OURS = ["hello", "hello_auth", "queue", "case", "take_over"]
BACKLOG_REQUESTS = ["hello_auth", "queue"]
PEER = ["hello", "hello_auth", "list_html", "list_json_25", "detail", "resolve_post"]
PSQL = ["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres"]
NICE = ["nice", "-n", os.environ.get("FILL_NICE", "10")]  # fills yield to measurements


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def run(cmd, env=None, capture=False, cwd=None):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run(  # noqa: S603 - our own commands, no shell
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout


def psql(db: str, sql: str) -> str:
    return run([*PSQL, "-d", db, "-tAc", sql], capture=True).strip()  # names we made


def exists(db: str) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{db}'"  # noqa: S608 - our names
    return psql("postgres", query) == "1"


def ours_env(db: str) -> dict:
    """The load test's environment (bench.workspace.loadtest.bench_env) for database `db`."""
    env = bench_env(f"postgres://postgres@127.0.0.1:5432/{db}")
    env["BENCH_DB"] = db
    return env


def peer_env(db: str, results: Path) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTHONPATH", None)
    env.update(PEER_DB=db, PEER_RESULTS=str(results))
    env.setdefault("PEER_DIR", "/tmp/peer")  # noqa: S108 - the harness's own default
    return env


def create(db: str, fresh: bool, template: str | None) -> bool:
    """Create `db` when missing (or `fresh`), as a copy of `template` when given; True if new."""
    if fresh and exists(db):
        run([*PSQL, "-d", "postgres", "-c", f'DROP DATABASE "{db}"'])
    if exists(db):
        return False
    copy = f' TEMPLATE "{template}"' if template else ""
    t0 = time.monotonic()
    run([*PSQL, "-d", "postgres", "-c", f'CREATE DATABASE "{db}"{copy}'])
    if template:
        print(f"  copied {template} in {time.monotonic() - t0:.1f} s", flush=True)
    return True


def fill_ours(db: str, n: int, fresh: bool, template: str | None = None):
    env = ours_env(db)
    t0 = time.monotonic()
    if create(db, fresh, template) and not template:
        run([PY, "-m", "bench.workspace.fill", "prepare"], env=env, cwd=REPO)
    run([*NICE, PY, "-m", "bench.workspace.fill", "grow", n], env=env, cwd=REPO)
    return time.monotonic() - t0


def fill_peer(db: str, n: int, fresh: bool, results: Path, template: str | None = None):
    env = peer_env(db, results)
    t0 = time.monotonic()
    create(db, fresh, template)
    run([HARNESS / "setup.sh"], env=env)
    py = Path(env["PEER_DIR"]) / "venv/bin/python"
    project = [
        "env",
        f"PYTHONPATH={HARNESS / 'project'}",
        "DJANGO_SETTINGS_MODULE=peerproj.settings",
    ]
    run([*NICE, *project, py, HARNESS / "gen_data.py", "--tickets", n], env=env, cwd=HARNESS)
    run([*PSQL, "-d", db, "-c", "VACUUM ANALYZE"])
    return time.monotonic() - t0


def fill(sizes, ours_base, peer_base, fresh, results) -> list[str]:
    """Every size's two databases, smallest first, each grown from a copy of the one before;
    ours and the peer's side by side (two processes, niced)."""

    def chain(base, grow):
        done, before = [], None
        for size in sorted(sizes):
            db = f"{base}_{label(size)}"
            done.append((size, grow(db, size, before)))
            before = db
        return done

    with ThreadPoolExecutor(2) as pool:
        ours = pool.submit(chain, ours_base, lambda db, n, t: fill_ours(db, n, fresh, t))
        peer = pool.submit(chain, peer_base, lambda db, n, t: fill_peer(db, n, fresh, results, t))
        ours, peer = ours.result(), peer.result()
    notes = [
        f"fill {size:,}: ours {o:.0f} s, peer {p:.0f} s"
        for (size, o), (_, p) in zip(ours, peer, strict=True)
    ]
    notes.append(f"filled: load {load()}")
    print("\n".join(notes), flush=True)
    return notes


def backlog_db(size: int) -> str:
    """Ours at `size` with the open backlog: `<BACKLOG_DB>_<size>` (`<COMPARE_DB>_backlog_…`)."""
    base = os.environ.get("COMPARE_DB", "bench_workspace") + "_backlog"
    return f"{os.environ.get('BACKLOG_DB', base)}_{label(size)}"


def fill_backlog(ours_db: str, db: str, n: int, fresh: bool) -> str:
    """A copy of our database at a size with n open cases on top (`fill backlog`)."""
    t0 = time.monotonic()
    create(db, fresh, ours_db)
    had = psql(db, "SELECT coalesce((SELECT value FROM bench_meta WHERE key = 'backlog'), '0')")
    if int(had) < n:
        run([*NICE, PY, "-m", "bench.workspace.fill", "backlog", n - int(had)], env=ours_env(db))
    return f"backlog {db}: {n:,} open cases on {ours_db}, {time.monotonic() - t0:.0f} s"


def peer_targets(db: str, results: Path) -> str:
    """A new session and open tickets to resolve: each round resolves tickets of its own."""
    env = peer_env(db, results)
    py = Path(env["PEER_DIR"]) / "venv/bin/python"
    project = [
        "env",
        f"PYTHONPATH={HARNESS / 'project'}",
        "DJANGO_SETTINGS_MODULE=peerproj.settings",
    ]
    out = run([*project, py, HARNESS / "targets.py"], env=env, capture=True, cwd=HARNESS)
    return out.strip().splitlines()[-1]


def loadtest(db: str, out: Path, duration: int, only) -> None:
    run(
        [
            *(PY, "-m", "bench.workspace.loadtest", "--out", out, "--append"),
            *("--reps", 1, "--duration", duration, "--only", ",".join(only)),
            *("--database-url", f"postgres://postgres@127.0.0.1:5432/{db}"),
        ],
        env=ours_env(db),
        cwd=REPO,
    )


def measure(size, ours_db, peer_db, out, duration, reps, backlog=None):
    for rep in range(reps):
        print(f"=== {size:,}: round {rep + 1}/{reps} ({time.strftime('%H:%M:%S')} UTC)", flush=True)
        loadtest(ours_db, out / "ours", duration, OURS)
        if backlog:  # the same size with an open backlog on top, right after the ordinary one
            loadtest(backlog, out / "ours-backlog", duration, BACKLOG_REQUESTS)
        targets = peer_targets(peer_db, out / "peer")
        env = peer_env(peer_db, out / "peer") | {"APPEND": "1", "ONLY": " ".join(PEER)}
        run([HARNESS / "bench_http.sh", targets, duration, 1], env=env)


def runs(folder: Path, key: str) -> dict:
    """(size, name) -> [(web, db)] of the 4-connection runs."""
    found: dict = {}
    for path in folder.glob("http-*.jsonl"):
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if r["conc"] != 4:
                continue
            cpu = r["cpu"]
            web = cpu.get("web_cpu_ms", cpu.get("app_cpu_ms_per_req"))
            db = cpu.get("db_cpu_ms", cpu.get("db_cpu_ms_per_req"))
            found.setdefault((r[key], r["name"]), []).append((web, db))
    return found


def cost(found, size, *names):
    """Median web + db CPU ms per request, summed over names (the peer's list is two requests)."""
    total = 0.0
    for name in names:
        got = found.get((size, name))
        if not got:
            return None
        total += statistics.median(w + d for w, d in got)
    return total


def fmt(x, unit=" ms"):
    if x is None:
        return "—"
    return f"{x:,.0f}{unit}" if x >= 100 else f"{x:.1f}{unit}"


def ratio(a, b):
    return f"{b / a:.1f}x" if a and b else "—"


def table(out: Path) -> str:
    ours, peer = runs(out / "ours", "cases"), runs(out / "peer", "tickets")
    sizes = sorted({s for s, _ in ours} & {s for s, _ in peer}) or sorted({s for s, _ in ours})
    n_runs = {len(v) for v in ours.values()} | {len(v) for v in peer.values()}
    lines = [
        "CPU per request (gunicorn workers + their PostgreSQL backends, from /proc), median of "
        f"{'/'.join(map(str, sorted(n_runs)))} runs at 4 connections; peer = django-helpdesk 2.6.1",
        "",
        "| request | size | ours | peer | peer ÷ ours | goal |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    goal_queue = {100_000: "≥ 40x", 1_000_000: "≥ 300x"}
    for size in sizes:
        q = cost(ours, size, "queue")
        p = cost(peer, size, "list_html", "list_json_25")
        lines.append(
            f"| queue (peer: list shell + JSON, 25 rows) | {size:,} | {fmt(q)} | {fmt(p)} "
            f"| {ratio(q, p)} | {goal_queue.get(size, '')} |"
        )
    for size in sizes:
        q, floor = cost(ours, size, "queue"), cost(ours, size, "hello_auth")
        pf = cost(peer, size, "hello_auth")
        lines.append(
            f"| queue ÷ session floor (hello-auth: ours {fmt(floor)}, peer {fmt(pf)}) | {size:,} "
            f"| {ratio(floor, q)} | — | — | ≤ 8x |"
        )
    for size in sizes:
        c, d = cost(ours, size, "case"), cost(peer, size, "detail")
        lines.append(
            f"| case page (peer: ticket detail) | {size:,} | {fmt(c)} | {fmt(d)} "
            f"| {ratio(c, d)} | ≥ 3x |"
        )
    for size in sizes:
        t, r = cost(ours, size, "take_over"), cost(peer, size, "resolve_post")
        lines.append(
            f"| take over (peer: resolve) | {size:,} | {fmt(t)} | {fmt(r)} | {ratio(t, r)} | ≥ 3x |"
        )
    backlog = runs(out / "ours-backlog", "cases") if (out / "ours-backlog").exists() else {}
    for cases in sorted({c for c, _ in backlog}):
        size = max((s for s in sizes if s <= cases), default=None)
        q, b = cost(ours, size, "queue"), cost(backlog, cases, "queue")
        lines.append(
            f"| queue with an open backlog ({cases - (size or 0):,} more cases) ÷ without "
            f"| {size or 0:,} | {fmt(q)} → {fmt(b)} | — | {ratio(q, b)} | ≤ 1.2 |"
        )
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        flat_o = ratio(cost(ours, lo, "queue"), cost(ours, hi, "queue"))
        flat_p = ratio(
            cost(peer, lo, "list_html", "list_json_25"), cost(peer, hi, "list_html", "list_json_25")
        )
        lines.append(f"| queue {label(hi)} ÷ {label(lo)} | | {flat_o} | {flat_p} | — | ≤ 1.2 |")
    return "\n".join(lines) + "\n"


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    commit = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture=True).strip()
    dirty = run(["git", "-C", REPO, "status", "--short", "--untracked-files=no"], capture=True)
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "?"
    )
    return (
        f"date {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, commit {commit}"
        f"{' (+ uncommitted changes)' if dirty.strip() else ''}, {os.cpu_count()} cores ({cpu}), "
        f"load {load()}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--duration", type=int, default=10, help="seconds per 4-connection run")
    parser.add_argument("--reps", type=int, default=2, help="rounds of ours, then the peer")
    parser.add_argument("--fresh", action="store_true", help="drop and refill the databases")
    parser.add_argument(
        "--fill-only", action="store_true", help="fill the databases, measure nothing"
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=0,
        help="also measure our queue on a copy of each size with N open cases on top",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--table", type=Path, help="only print the table of an earlier OUT")
    args = parser.parse_args()
    if args.table:
        print(table(args.table))
        return
    out = args.out or REPO / "var/bench-compare" / time.strftime("%Y%m%dT%H%M", time.gmtime())
    out = out.resolve()  # the peer's scripts run in their own folder
    (out / "ours").mkdir(parents=True, exist_ok=True)
    (out / "peer").mkdir(parents=True, exist_ok=True)
    ours_base = os.environ.get("COMPARE_DB", "bench_workspace")
    peer_base = os.environ.get("PEER_DB", "peer_helpdesk")
    header = [machine()]
    header += fill(args.sizes, ours_base, peer_base, args.fresh, out / "peer")
    if args.backlog:
        for size in sorted(args.sizes):
            ours_db = f"{ours_base}_{label(size)}"
            header.append(fill_backlog(ours_db, backlog_db(size), args.backlog, args.fresh))
    if args.fill_only:
        (out / "fill.txt").write_text("\n".join(header) + "\n")
        return
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=ours_env("x"), cwd=REPO)
    for size in sorted(args.sizes):
        ours_db, peer_db = f"{ours_base}_{label(size)}", f"{peer_base}_{label(size)}"
        backlog = backlog_db(size) if args.backlog else None
        measure(size, ours_db, peer_db, out, args.duration, args.reps, backlog)
        header.append(f"after {size:,}: load {load()}")
    text = "\n".join(header) + "\n\n" + table(out)
    (out / "table.md").write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
