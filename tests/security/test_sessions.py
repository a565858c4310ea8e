"""Expired sessions are deleted by a daily schedule, not kept until someone remembers."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_q.models import Schedule

from cases.tasks import clear_sessions

pytestmark = pytest.mark.django_db


def test_a_daily_schedule_clears_expired_sessions():
    # Run the data migration again: a transactional test earlier may have flushed its rows.
    importlib.import_module("cases.migrations.0019_clear_sessions_schedule").forwards(apps, None)
    schedule = Schedule.objects.get(func="cases.tasks.clear_sessions")
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 24 * 60)


def test_clearing_deletes_the_expired_and_keeps_the_live():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    clear_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
