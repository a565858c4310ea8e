"""django-q2's ORM broker with leases: a dead node's tasks go to another node in seconds.

django-q2's own ORM broker locks a task for `retry` seconds when a cluster takes it, and that
lock must outlast the longest task (`retry` > `timeout`), or a slow task is handed out twice.
So a cluster that dies leaves its tasks locked for minutes.

Here the lock is a short lease (`Q_LEASE`, 15 seconds by default) that the cluster holding the
task renews every third of it, from the process that took it (the pusher), for as long as the
task can still be waiting or running there. A live cluster keeps its tasks however long they
run, and no other cluster takes them. A cluster that is killed stops renewing, and its tasks are
free for the others once the lease runs out.

A task whose worker dies inside a live cluster is renewed until the longest it could have taken
(its place in the local queue and its timeout), then freed the same way. Every task is
idempotent (docs/deploy.md), so the run that finished just before a kill, unacknowledged, does
no harm when it runs again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django import db
from django.db import transaction
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import BadSignature, SignedPackage

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    return Conf.conf.get("lease", 15)


def longest_stay() -> float:
    """How long a task taken by this cluster may wait in its local queue and then run."""
    queue_limit = Conf.QUEUE_LIMIT or Conf.WORKERS
    tasks_ahead = -(-queue_limit // max(Conf.WORKERS, 1))  # rounds up
    return (tasks_ahead + 1) * (Conf.TIMEOUT or 0) + lease_seconds()


@dataclass
class Lease:
    lock: object  # the lock value this cluster wrote: the row is still ours while it holds it
    until: float  # time.monotonic() after which the task cannot still be here


@dataclass
class Leases:
    """The tasks this process took and holds, by ack id (the row's id)."""

    held: dict[int, Lease] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, ack_id: int, lease: Lease) -> None:
        with self.lock:
            self.held[ack_id] = lease

    def due(self, now: float) -> dict[int, Lease]:
        """The leases to renew; those past their time are let go."""
        with self.lock:
            for ack_id in [key for key, lease in self.held.items() if lease.until <= now]:
                del self.held[ack_id]
            return dict(self.held)

    def release(self, ack_id: int) -> None:
        with self.lock:
            self.held.pop(ack_id, None)


class LeasedORM(ORM):
    """The ORM broker, with a lease per task that the taking cluster renews while it lives."""

    def __init__(self, list_key: str | None = None):
        super().__init__(list_key=list_key)
        self.leases = Leases()
        self._renewer_pid = None

    @staticmethod
    def get_connection(list_key: str | None = None):
        # django-q2's ORM broker closes old connections before every statement it sends (each
        # enqueue, each lease taken, each acknowledgement), and with CONN_HEALTH_CHECKS each
        # close makes the next statement a `SELECT 1` first: 5-6 per message at intake
        # (docs/performance.md, issue 16). A request and a task already start that way;
        # the cluster's own loops do it once per round (`fresh`).
        return OrmQ.objects.using(Conf.ORM)

    @staticmethod
    def fresh() -> None:
        """Drop a connection that broke or aged out (a database restart), as a request's start
        does: the pusher's and the monitor's loops have no request around them."""
        if transaction.get_autocommit(using=Conf.ORM):
            db.close_old_connections()

    def acknowledge(self, task_id):
        self.fresh()
        return super().acknowledge(task_id)

    def timeout(self, task):
        return timezone.now() + timedelta(seconds=lease_seconds())

    def dequeue(self):
        # ORM.dequeue, remembering the lock written: the lease is renewed only while it holds.
        self.fresh()
        rows = self.get_connection().filter(key=self.list_key, lock__lt=timezone.now())[: Conf.BULK]
        if not rows:
            time.sleep(Conf.POLL)  # an empty queue: spare the processor
            return None
        self._start_renewing()
        taken = []
        for row in rows:
            lock = self.timeout(row)
            if self.get_connection().filter(id=row.id, lock=row.lock).update(lock=lock):
                until = time.monotonic() + self._stay(row.payload)
                self.leases.take(row.pk, Lease(lock=lock, until=until))
                taken.append((row.pk, row.payload))
            # else another cluster was faster to take it
        return taken

    @staticmethod
    def _stay(payload) -> float:
        try:
            own_timeout = SignedPackage.loads(payload).get("timeout")
        except (TypeError, BadSignature):
            return lease_seconds()  # the pusher fails it at once
        return longest_stay() + max((own_timeout or 0) - (Conf.TIMEOUT or 0), 0)

    def _start_renewing(self) -> None:
        # The pusher is its own process; the thread lives there, started by its first take.
        if self._renewer_pid == os.getpid():
            return
        self._renewer_pid = os.getpid()
        self.leases = Leases()
        threading.Thread(target=self._renew_forever, name="lease-renewer", daemon=True).start()

    def _renew_forever(self) -> None:
        interval = lease_seconds() / 3
        while True:
            time.sleep(interval)
            try:
                self.renew()
            except Exception:  # the database went away: the next round tries again
                logger.exception("Could not renew the leases of taken tasks")
            finally:
                db.connections.close_all()  # this thread's own: no idle connection between rounds

    def renew(self) -> int:
        """Extend the lease of every task still held here; forget those acknowledged or lost."""
        renewed = 0
        for ack_id, lease in self.leases.due(time.monotonic()).items():
            lock = self.timeout(None)
            if self.get_connection().filter(pk=ack_id, lock=lease.lock).update(lock=lock):
                self.leases.take(ack_id, Lease(lock=lock, until=lease.until))
                renewed += 1
            else:
                self.leases.release(ack_id)
        return renewed
