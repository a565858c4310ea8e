"""Races on PostgreSQL with real threads and connections: one winner, one effect."""

import pytest
from django.db import transaction
from django_q.conf import Conf
from django_q.models import OrmQ

from cases.intake import message_receive
from cases.models import CaseEvent, State
from cases.transitions import Actor, TransitionConflict, case_transition
from review.models import ReviewItem
from tests.factories import UserFactory, case_in
from tests.threads import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


@pytest.fixture
def broker(monkeypatch):
    """Enqueue into the real ORM broker instead of running tasks inline."""
    monkeypatch.setattr(Conf, "SYNC", False)


def queued(func: str) -> int:
    return sum(1 for row in OrmQ.objects.all() if row.task["func"] == func)


def test_two_agents_approving_at_once_make_one_transition_one_event_one_email(broker):
    agent = UserFactory(username="agent", role="agent")
    agent2 = UserFactory(username="agent2", role="agent")
    case = case_in(State.IN_REVIEW)

    results = in_threads(
        lambda: case_transition(case=case.pk, name="approve", actor=Actor.staff(agent)),
        lambda: case_transition(case=case.pk, name="approve", actor=Actor.staff(agent2)),
    )

    conflicts = [r for r in results if isinstance(r, TransitionConflict)]
    events = [r for r in results if isinstance(r, CaseEvent)]
    assert len(events) == 1 and len(conflicts) == 1, results
    assert "Already handled by" in conflicts[0].message
    assert CaseEvent.objects.filter(case=case, name="approve").count() == 1
    assert case.messages.filter(direction="out").count() == 1
    assert queued("cases.tasks.message_send") == 1


def test_different_transitions_at_once_have_one_winner(broker):
    agent = UserFactory(username="agent", role="agent")
    agent2 = UserFactory(username="agent2", role="agent")
    case = case_in(State.IN_REVIEW)

    # Both acted on the page they saw (in review), as the workspace and API clients send it.
    seen = {"expected_state": State.IN_REVIEW}
    results = in_threads(
        lambda: case_transition(
            case=case.pk, name="take_over", actor=Actor.staff(agent), payload=seen
        ),
        lambda: case_transition(
            case=case.pk,
            name="escalate",
            actor=Actor.staff(agent2),
            payload=seen | {"reason": "VIP"},
        ),
    )

    assert sum(isinstance(r, CaseEvent) for r in results) == 1, results
    assert sum(isinstance(r, TransitionConflict) for r in results) == 1, results
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_rolled_back_transaction_enqueues_nothing(broker):
    agent = UserFactory(username="agent", role="agent")
    case = case_in(State.IN_REVIEW)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
        raise Abort

    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not CaseEvent.objects.filter(case=case).exists()
    assert queued("cases.tasks.message_send") == 0


def test_a_committed_transition_enqueues_exactly_once(broker):
    agent = UserFactory(username="agent", role="agent")
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="approve", actor=Actor.staff(agent))
    assert queued("cases.tasks.message_send") == 1


def test_committed_intake_enqueues_the_suggestion_job_once(broker):
    message_receive(from_email="ada@example.com", body="Where is my order?", external_id="m-1")
    message_receive(from_email="ada@example.com", body="Where is my order?", external_id="m-1")
    assert queued("review.tasks.suggest_case") == 1


def test_the_same_message_delivered_twice_at_once_is_stored_once(broker):
    results = in_threads(
        *[
            lambda: message_receive(
                from_email="ada@example.com", body="Hello", external_id="dup-1", channel="email"
            )
        ]
        * 2
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert results[0].case.pk == results[1].case.pk
    assert sorted(r.created for r in results) == [False, True]
    assert queued("review.tasks.suggest_case") == 1


def test_two_agents_claiming_one_review_item_one_wins():
    agent = UserFactory(username="agent", role="agent")
    agent2 = UserFactory(username="agent2", role="agent")
    case = case_in(State.IN_REVIEW)
    item = ReviewItem.objects.create(case=case, reason_codes=["low_confidence"])

    results = in_threads(
        lambda: ReviewItem.objects.claim(item.pk, agent),
        lambda: ReviewItem.objects.claim(item.pk, agent2),
    )

    assert sorted(results) == [False, True]
    item.refresh_from_db()
    assert item.claimed_by in (agent, agent2)
