"""The learning loop: every kind of decision becomes the right training example, with a weight."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_q.models import Schedule

from cases.models import ActionKind, State
from cases.transitions import Actor, case_transition
from customers.services import confirmation_decide
from review.models import TrainingExample
from tests.factories import IntentFactory, case_in


def example(case):
    return TrainingExample.objects.get(case=case)


@pytest.mark.parametrize(
    ("name", "payload", "source", "verdict", "weight"),
    [
        ("approve", {}, "agent_approve", "confirmed", 1.0),
        ("amend", {"reply": "Better words."}, "agent_amend", "confirmed", 1.0),
        ("amend", {"intent": "invoice_copy", "reply": "Here."}, "agent_amend", "corrected", 2.0),
        ("take_over", {}, "agent_take_over", "rejected", 0.0),
    ],
)
def test_each_agent_decision_becomes_its_example(agent, name, payload, source, verdict, weight):
    IntentFactory(slug="invoice_copy", action=ActionKind.REPLY)
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name=name, actor=Actor.staff(agent), payload=payload)
    made = example(case)
    assert (made.source, made.verdict, made.weight) == (source, verdict, weight)
    assert made.predicted_intent == case.current_suggestion.intent
    assert made.created_by == agent


@pytest.mark.parametrize(
    ("decision", "source", "verdict", "weight"),
    [
        ("accept", "customer_accept", "confirmed", 1.5),
        ("decline", "customer_decline", "rejected", 0.0),
    ],
)
def test_each_customer_decision_becomes_its_example(db, decision, source, verdict, weight):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation_decide(
        confirmation=case.confirmations.get(), decision=decision, option="a", comment=""
    )
    made = example(case)
    assert (made.source, made.verdict, made.weight) == (source, verdict, weight)
    assert made.created_by is None


@pytest.mark.parametrize(
    ("decision", "verdict", "weight"), [("yes", "confirmed", 1.5), ("no", "rejected", 0.0)]
)
def test_feedback_becomes_its_example(db, decision, verdict, weight):
    from customers.models import ConfirmationRequest

    case = case_in(State.RESOLVED)
    feedback = ConfirmationRequest.issue(case=case, kind="feedback")
    confirmation_decide(confirmation=feedback, decision=decision)
    made = example(case)
    assert (made.source, made.verdict, made.weight) == ("customer_feedback", verdict, weight)


def test_rejected_examples_are_not_trained_on(db):
    assert TrainingExample.weight_for("agent_take_over", "rejected") == 0.0


@pytest.mark.django_db
def test_the_nightly_retrain_is_scheduled():
    module = importlib.import_module("review.migrations.0005_nightly_retrain_schedule")
    module.forwards(apps, None)
    schedule = Schedule.objects.get(func="review.tasks.scheduled_retrain")
    assert schedule.schedule_type == Schedule.CRON and schedule.cron == "30 2 * * *"
    # Not at once when the worker first starts (the demo), but tonight.
    assert timezone.now() < schedule.next_run <= timezone.now() + timedelta(days=1)


def test_the_scheduled_retrain_trains_and_gates_a_challenger(db, settings):
    from review.models import ModelVersion, TrainingRun
    from review.tasks import scheduled_retrain

    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    texts = {
        "order_status": ["Where is my order 1", "Wo ist meine Bestellung 2", "Status order 3"] * 3,
        "invoice_copy": ["Send my invoice", "Rechnung bitte", "Copy of my bill please"] * 3,
    }
    for slug, rows in texts.items():
        intent = IntentFactory(slug=slug)
        TrainingExample.objects.bulk_create(
            TrainingExample(text=f"{text} ({n})", intent=intent, source="seed")
            for n, text in enumerate(rows)
        )
    run = TrainingRun.objects.get(pk=scheduled_retrain())
    assert run.status == TrainingRun.Status.DONE
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert run.requested_by is None
    assert run.created_at > timezone.now() - timedelta(minutes=5)
