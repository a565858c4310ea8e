"""After a database restart the queue goes on: a dropped connection is replaced, no task is lost.

The broker (backoffice/broker.py) checks its connection once per round of the cluster's loops
(the pusher's dequeue, the monitor's acknowledgement), and a task or a request once at its
start (`CONN_HEALTH_CHECKS`): not before every statement, as django-q2's own ORM broker does
(issue 16, docs/performance.md). A restart is what the server does to every connection:
`pg_terminate_backend`.
"""

import pytest
from django.db import connection, connections
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.utils import close_old_django_connections

from backoffice.broker import LeasedORM
from cases.background import enqueue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


@pytest.fixture
def queue(monkeypatch):
    monkeypatch.setattr(LeasedORM, "_start_renewing", lambda self: None)
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for a cluster instead of inline
    return LeasedORM(list_key="reconnect")


def restart_database() -> None:
    """End this process's database session from outside, as a restart of the server does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_the_pusher_takes_a_task_after_a_restart(queue):
    queue.enqueue("payload")
    restart_database()
    [(_, payload)] = queue.dequeue()
    assert payload == "payload"


def test_the_monitor_acknowledges_a_task_after_a_restart(queue):
    queue.enqueue("payload")
    [(ack_id, _)] = queue.dequeue()
    restart_database()
    queue.acknowledge(ack_id)
    assert not OrmQ.objects.filter(pk=ack_id).exists()


def test_a_task_started_after_a_restart_queues_its_jobs(queue):
    restart_database()
    close_old_django_connections()  # what django-q2's worker does before every task
    enqueue("tests.queue.jobs.succeed")
    assert OrmQ.objects.count() == 1
