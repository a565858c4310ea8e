"""The suggestion job against itself and against a case that moved on: one suggestion, one route.

Delivery is at least once, so two runs of the job for one case can overlap. The job reads the
case without a lock and stores its suggestion in the transaction of the case's transition
(`review.suggest.suggestion_create`); these tests hold both runs at the moment between.
"""

import threading

import pytest
from django_q.conf import Conf
from django_q.models import OrmQ

import review.suggest
from cases.intake import message_receive
from cases.models import Case, CaseEvent, State
from review.models import Suggestion
from review.suggest import suggestion_create
from tests.review.test_suggest import trained  # noqa: F401 - the fixture
from tests.threads import in_threads


@pytest.fixture
def broker(monkeypatch):
    """Enqueue into the real ORM broker instead of running tasks inline."""
    monkeypatch.setattr(Conf, "SYNC", False)


def held_at_build(monkeypatch, during):
    """Run `during(case)` after the job built its suggestion and before it stores it."""
    build = review.suggest.build_suggestion

    def build_then(case, *args, **kwargs):
        fields = build(case, *args, **kwargs)
        during(case)
        return fields

    monkeypatch.setattr(review.suggest, "build_suggestion", build_then)


def routing_events(case) -> int:
    return CaseEvent.objects.filter(case=case, name__in=["automate", "route_to_review"]).count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_two_runs_of_the_job_at_once_store_one_suggestion_and_route_once(
    trained,  # noqa: F811
    broker,
    monkeypatch,
):
    case = message_receive(
        from_email="ada@example.com", subject="Order", body="Where is my order 123456?"
    ).case
    both_built = threading.Barrier(2, timeout=20)
    held_at_build(monkeypatch, lambda case: both_built.wait())

    results = in_threads(
        lambda: suggestion_create(case_id=case.pk), lambda: suggestion_create(case_id=case.pk)
    )

    assert sorted(type(r).__name__ for r in results) == ["NoneType", "Suggestion"], results
    assert Suggestion.objects.filter(case=case).count() == 1
    assert routing_events(case) == 1
    case.refresh_from_db()
    assert case.state != State.NEW
    sent = sum(1 for row in OrmQ.objects.all() if row.task["func"] == "cases.tasks.message_send")
    assert sent == (1 if case.state == State.RESOLVED else 0)


def test_a_case_that_moved_on_meanwhile_gets_no_suggestion(trained, monkeypatch):  # noqa: F811
    case = message_receive(
        from_email="ada@example.com", subject="Order", body="Where is my order 123456?"
    ).case
    # Another run of the job routed it while this one was reading the message.
    held_at_build(
        monkeypatch,
        lambda case: Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW),
    )

    assert suggestion_create(case_id=case.pk) is None
    assert not Suggestion.objects.filter(case=case).exists()
    assert routing_events(case) == 0
