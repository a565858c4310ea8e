"""`make demo` as a newcomer runs it (issue 17), in a copy of the checkout: it writes the .env
the commands then read, says where it is only once the server answers, follows PORT in the
links it mails, and Ctrl-C ends it without "make: *** Error"."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mail.corpus import mail
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parents[1]


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def checkout(tmp_path) -> Path:
    """The tracked files (mtimes kept, so make finds the environment current) and the venv."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in tracked)):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (tmp_path / ".venv").symlink_to(VENV)
    return tmp_path


def test_make_demo_from_a_fresh_checkout(checkout):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    stamps = sorted(VENV.glob(".installed-*"))
    if not stamps:
        pytest.skip("the environment was not made by `make venv`")
    extras = stamps[0].name.removeprefix(".installed-").replace("-", ",")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SECRET", "DEBUG"))}
    env |= {"PORT": str(port), "EXTRAS": extras}
    env.pop("ENV_FILE", None)
    env.pop("DATABASE_URL", None)
    demo = subprocess.Popen(
        ["make", "demo"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group, as a terminal's Ctrl-C reaches it
        # As in a terminal, Ctrl-C is not ignored, even when this test runs in a background job
        # (which ignores SIGINT, and a shell cannot trap a signal ignored when it started).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    output = b""
    listening_when_told = None
    try:
        deadline = time.monotonic() + 240
        os.set_blocking(demo.stdout.fileno(), False)
        while time.monotonic() < deadline and b"Ctrl-C stops" not in output:
            chunk = demo.stdout.read() or b""
            if b"runs at" in output + chunk and listening_when_told is None:
                listening_when_told = answers(port)
            output += chunk
            assert demo.poll() is None, output.decode()[-3000:]
            time.sleep(0.1)
        text = output.decode()
        assert f"The back office runs at http://127.0.0.1:{port}/" in text, text[-3000:]
        assert listening_when_told is True

        # The commands in another terminal read the demo's .env: no SECRET_KEY in the shell.
        settings = (checkout / ".env").read_text()
        assert settings.startswith("# Written by `make demo`")
        assert f"PORT={port}\nSITE_URL=http://127.0.0.1:{port}\n" in settings
        ingest = subprocess.run(
            [str(checkout / ".venv/bin/python"), "manage.py", "ingest_email"],
            cwd=checkout,
            env={k: v for k, v in env.items() if k != "PORT"},
            input=mail("demo-1"),
            capture_output=True,
            timeout=120,
        )
        assert ingest.returncode == 0, ingest.stderr.decode()
        assert ingest.stdout.startswith(b"stored: case ")
        # Customer mail of the demo links to the demo's port, not 8000.
        outbox = "".join(p.read_text(errors="replace") for p in (checkout / "var/outbox").glob("*"))
        assert f"http://127.0.0.1:{port}/c/" in outbox and "localhost:8000" not in outbox
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl-C
        try:
            rest, _ = demo.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            rest, _ = demo.communicate()
    tail = (output + (rest or b"")).decode()
    assert "make: ***" not in tail and "Traceback" not in tail, tail[-3000:]
    assert "Stopping the web server and the worker" in tail
    assert not answers(port)


@pytest.mark.parametrize(
    ("first_line", "removed"),
    [("# Written by `make demo` for the demo on this machine", True), ("DEBUG=0", False)],
    ids=["the-demos", "written-by-hand"],
)
def test_make_clean_removes_the_demos_env_and_keeps_ones_own(tmp_path, first_line, removed):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".env").write_text(f"{first_line}\nSECRET_KEY=x\n")
    (tmp_path / "db.sqlite3").write_text("")
    done = subprocess.run(["make", "clean"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "db.sqlite3").exists()
    assert (tmp_path / ".env").exists() is not removed
