"""Leases on the ORM broker (backoffice/broker.py): a task stays with the live cluster that took
it however long it runs, and moves to another cluster seconds after its cluster dies."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from backoffice.broker import LeasedORM
from tests.processes import worker_env

ROOT = Path(__file__).resolve().parents[2]
LEASE = 3

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lease(monkeypatch):
    monkeypatch.setitem(Conf.conf, "lease", LEASE)
    # Renewed by hand here: a cluster renews from a thread of its own (tested with real ones).
    monkeypatch.setattr(LeasedORM, "_start_renewing", lambda self: None)
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for a cluster instead of inline


def test_a_taken_task_is_leased_not_locked_for_the_timeout(lease):
    broker = LeasedORM(list_key="leases")
    broker.enqueue("payload")
    before = timezone.now()
    [(ack_id, payload)] = broker.dequeue()
    lock = OrmQ.objects.get(pk=ack_id).lock
    assert payload == "payload"
    assert before + timedelta(seconds=LEASE - 1) < lock <= timezone.now() + timedelta(seconds=LEASE)
    assert LeasedORM(list_key="leases").dequeue() is None  # another cluster sees an empty queue


def test_the_holder_renews_its_lease_and_forgets_acknowledged_tasks(lease, monkeypatch):
    monkeypatch.setattr(Conf, "BULK", 4)  # as configured: one dequeue takes both, each leased
    broker = LeasedORM(list_key="leases")
    broker.enqueue("first")
    broker.enqueue("second")
    taken = broker.dequeue()
    assert len(taken) == 2
    lock = OrmQ.objects.get(pk=taken[0][0]).lock
    broker.acknowledge(taken[1][0])
    time.sleep(0.01)

    assert broker.renew() == 1
    assert OrmQ.objects.get(pk=taken[0][0]).lock > lock
    assert list(broker.leases.held) == [taken[0][0]]


def test_a_lease_that_ran_out_belongs_to_the_cluster_that_took_it_next(lease):
    slow, fast = LeasedORM(list_key="leases"), LeasedORM(list_key="leases")
    slow.enqueue("task")
    [(ack_id, _)] = slow.dequeue()
    OrmQ.objects.filter(pk=ack_id).update(lock=timezone.now() - timedelta(seconds=1))
    assert fast.dequeue() == [(ack_id, "task")]
    lock = OrmQ.objects.get(pk=ack_id).lock

    assert slow.renew() == 0  # not ours any more: neither renewed nor held
    assert OrmQ.objects.get(pk=ack_id).lock == lock
    assert slow.leases.held == {}


def test_a_lease_is_renewed_only_as_long_as_the_task_can_be_here(lease, monkeypatch):
    broker = LeasedORM(list_key="leases")
    broker.enqueue(SignedPackage.dumps({"name": "usual"}))
    broker.enqueue(SignedPackage.dumps({"name": "slow", "timeout": Conf.TIMEOUT + 100}))
    broker.enqueue("not signed: failed at once")
    for _ in range(3):
        broker.dequeue()
    now = time.monotonic()
    usual, slow, unsigned = broker.leases.held.values()
    # Waiting behind the tasks already in the local queue (2 per worker), then its own run.
    stay = (Conf.QUEUE_LIMIT // Conf.WORKERS + 1) * Conf.TIMEOUT + LEASE
    assert usual.until == pytest.approx(now + stay, abs=2)
    assert slow.until == pytest.approx(now + stay + 100, abs=2)
    assert unsigned.until == pytest.approx(now + LEASE, abs=2)

    monkeypatch.setattr(time, "monotonic", lambda: now + stay + 1)
    assert broker.renew() == 1
    assert [held.until for held in broker.leases.held.values()] == [slow.until]


@pytest.fixture
def clusters(settings):
    env = worker_env(settings, Q_LEASE=str(LEASE), Q_TIMEOUT="60")
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # killed as a whole, like a machine that dies
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(path: Path, lines: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = path.read_text().splitlines() if path.exists() else []
        if len(found) >= lines:
            return found
        time.sleep(0.2)
    pytest.fail(f"{path.name} has {found} after {seconds} s")


@pytest.mark.worker
@pytest.mark.usefixtures("postgres", "lease")
def test_a_long_task_runs_once_and_a_dead_clusters_task_moves_on_in_seconds(clusters, tmp_path):
    clusters()
    long_task = tmp_path / "long.log"
    async_task("tests.queue.jobs.slow", str(long_task), 4 * LEASE)
    [started] = wait_for(long_task, 1, 60)
    clusters()  # a second cluster, polling the same queue

    # Four leases long, and the other cluster never took it.
    assert wait_for(long_task, 2, 8 * LEASE) == [started, started.replace("start", "end")]
    time.sleep(LEASE)
    assert len(long_task.read_text().splitlines()) == 2

    orphan = tmp_path / "orphan.log"
    async_task("tests.queue.jobs.slow", str(orphan), 2 * LEASE)
    [taken] = wait_for(orphan, 1, 30)
    victim = int(taken.split()[1])
    os.killpg(os.getpgid(victim), signal.SIGKILL)  # the whole cluster that runs it, mid-run
    killed_at = time.monotonic()

    lines = wait_for(orphan, 2, 30)
    moved_after = time.monotonic() - killed_at
    assert lines[1].startswith("start ") and lines[1] != taken
    assert moved_after < 3 * LEASE  # seconds, where django-q2's own lock waits out Q_TIMEOUT
    assert wait_for(orphan, 3, 8 * LEASE)[2] == lines[1].replace("start", "end")
    assert wait_for_empty_queue()


def wait_for_empty_queue() -> bool:
    deadline = time.monotonic() + 10
    while OrmQ.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return not OrmQ.objects.exists()
