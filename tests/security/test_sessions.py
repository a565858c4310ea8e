"""Expired sessions are deleted by a daily schedule, not kept until someone remembers."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_q.models import Schedule

from cases.tasks import clear_sessions

pytestmark = pytest.mark.django_db


def test_a_daily_schedule_clears_expired_sessions():
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
