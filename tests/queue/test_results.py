"""The jobs every message causes leave a django-q2 task result only when they fail."""

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Task
from django_q.monitor import save_task
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from cases.background import enqueue

pytestmark = pytest.mark.django_db


def test_a_job_that_succeeds_leaves_no_result_row():
    enqueue("tests.queue.jobs.succeed")
    assert Task.objects.count() == 0


def test_other_tasks_keep_their_results():
    async_task("tests.queue.jobs.succeed", task_name="kept")
    assert list(Task.objects.values_list("name", "success", "result")) == [("kept", True, "done")]


def test_a_job_that_fails_keeps_its_failure(monkeypatch):
    # Sync mode re-raises a failure before the monitor would store it: catch the package
    # enqueue builds and give it to the monitor as a worker would, failed.
    packages = []
    monkeypatch.setattr("django_q.tasks.Conf.SYNC", False)
    monkeypatch.setattr("django_q.brokers.orm.ORM.enqueue", lambda self, p: packages.append(p))
    enqueue("tests.queue.jobs.fail")
    task = SignedPackage.loads(packages[0])
    assert task["save"] is False
    now = timezone.now()
    task |= {"success": False, "result": "RuntimeError: broken on purpose"}
    task |= {"started": now, "stopped": now}
    task["sync"] = True  # else the monitor closes this test's database connection
    save_task(task, get_broker())
    failure = Task.objects.get()
    assert (failure.func, failure.success) == ("tests.queue.jobs.fail", False)
    assert failure.result == "RuntimeError: broken on purpose"
