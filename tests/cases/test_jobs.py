"""Scheduled jobs: quiet resolved cases close, unanswered confirmations expire; both idempotent."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_q.models import Schedule

from cases import tasks
from cases.models import State
from tests.factories import case_in


@pytest.mark.django_db
def test_the_lifecycle_jobs_are_scheduled():
    # Run the data migration again: a transactional test earlier may have flushed its rows.
    schedules = importlib.import_module("cases.migrations.0004_schedules")
    schedules.forwards(apps, None)
    funcs = set(Schedule.objects.values_list("func", flat=True))
    assert {"cases.tasks.close_quiet_cases", "cases.tasks.expire_confirmations"} <= funcs


@pytest.mark.django_db
def test_resolved_cases_close_after_quiet_days(settings):
    settings.CLOSE_AFTER_DAYS = 7
    quiet = case_in(State.RESOLVED)
    quiet.resolved_at = timezone.now() - timedelta(days=8)
    quiet.save()
    recent = case_in(State.RESOLVED)

    assert tasks.close_quiet_cases() == 1
    assert tasks.close_quiet_cases() == 0  # a second run changes nothing
    quiet.refresh_from_db()
    recent.refresh_from_db()
    assert (quiet.state, recent.state) == (State.CLOSED, State.RESOLVED)
    assert quiet.events.get().actor_kind == "system"


@pytest.mark.django_db
def test_unanswered_confirmations_expire_once():
    late = case_in(State.AWAITING_CUSTOMER)
    late.confirmations.update(expires_at=timezone.now() - timedelta(minutes=1))
    waiting = case_in(State.AWAITING_CUSTOMER)

    assert tasks.expire_confirmations() == 1
    assert tasks.expire_confirmations() == 0
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert (late.state, waiting.state) == (State.IN_REVIEW, State.AWAITING_CUSTOMER)
    assert late.review_items.get().reason_codes == ["customer_no_answer"]


def test_old_task_results_are_purged_and_recent_ones_and_failures_kept(db, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_q.models import Task

    from cases.tasks import purge_task_results

    settings.TASK_RESULTS_KEEP_HOURS = 24
    now = timezone.now()

    def task(name, success, hours_ago):
        when = now - timedelta(hours=hours_ago)
        return Task.objects.create(
            id=name, name=name, func="x", started=when, stopped=when, success=success
        )

    task("old-success", True, 25)
    task("new-success", True, 23)
    task("old-failure", False, 25)  # failures are kept seven times as long
    task("ancient-failure", False, 24 * 7 + 1)
    assert purge_task_results() == 2
    assert sorted(Task.objects.values_list("id", flat=True)) == ["new-success", "old-failure"]
    assert Schedule.objects.get(name="Purge old task results").minutes == 60
