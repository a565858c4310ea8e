"""The retrain gate: a challenger is activated only if it is not worse than the active model
on the same held-out examples, by coverage at the target precision (`review.engine.gate`)."""

import pytest

from review.engine.gate import split_holdout
from review.models import AuditEntry, Intent, ModelVersion, TrainingExample
from review.training import model_train
from tests.factories import IntentFactory

PHRASES = {
    "order_status": [
        "Where is my order {n}?",
        "Order {n} has still not arrived",
        "Tracking for order {n} shows nothing",
        "Wo ist meine Bestellung {n}?",
    ],
    "refund_request": [
        "Please refund {n} EUR for the broken kettle",
        "I want my money back, {n} EUR",
        "Refund the returned shoes, {n} EUR please",
        "Bitte erstatten Sie mir {n} Euro",
    ],
    "address_change": [
        "Please change my address to Main Street {n}",
        "I moved, new address Elm Road {n}",
        "Update my postal address to Hill Lane {n}",
        "Neue Anschrift: Bahnhofstraße {n}",
    ],
}
NEW_INTENT = "cancel_contract"
NEW_PHRASES = [
    "Cancel my contract {n} at the end of the month",
    "I want to terminate contract {n}",
    "Kündigung meines Vertrags {n}",
]


def add_examples(slug, phrases, numbers, source="seed"):
    intent = Intent.objects.filter(slug=slug).first() or IntentFactory(slug=slug, threshold=0.5)
    TrainingExample.objects.bulk_create(
        TrainingExample(text=phrase.format(n=n), intent=intent, source=source)
        for phrase in phrases
        for n in numbers
    )


@pytest.fixture
def examples(db):
    """Twelve examples of each phrase: easy to tell apart, so a sound model gets them right."""
    for slug, phrases in PHRASES.items():
        add_examples(slug, phrases, range(101, 113))


@pytest.fixture
def champion(examples):
    version = model_train()
    assert version.is_active
    return version


def mislabel_the_training_side():
    """Give every example a challenger trains on the wrong intent; leave the held-out ones."""
    examples = list(TrainingExample.objects.select_related("intent").order_by("pk"))
    train, _ = split_holdout([e.text for e in examples], [e.intent.slug for e in examples], 0.1)
    intents = list(Intent.objects.order_by("slug"))
    for example in (examples[i] for i in train):
        example.intent = intents[(intents.index(example.intent) + 1) % len(intents)]
        example.save(update_fields=["intent"])


def test_the_first_model_holds_examples_out_and_records_its_figures(champion):
    gate = champion.metrics["gate"]
    assert gate["champion"] is None and gate["reason"] == "no active model to compare with"
    assert (
        gate["n_holdout"] > 0 and champion.n_examples == gate["n_train"] == 144 - gate["n_holdout"]
    )
    assert gate["challenger"]["n"] == gate["n_holdout"]
    assert gate["challenger"]["correct"] == gate["n_holdout"]  # easy examples, a sound model


def test_a_worse_challenger_is_kept_but_not_activated(champion):
    mislabel_the_training_side()
    challenger = model_train()
    assert not challenger.is_active
    assert ModelVersion.objects.get(is_active=True) == champion
    gate = challenger.metrics["gate"]
    assert gate["not_worse"] is False and gate["champion"]["label"] == champion.label
    # Both were judged on the same held-out examples, which neither trained on.
    assert gate["n_holdout"] == champion.metrics["gate"]["n_holdout"]
    assert gate["champion"]["n"] == gate["challenger"]["n"] == gate["n_holdout"]
    assert gate["challenger"]["correct"] < gate["champion"]["correct"] == gate["n_holdout"]
    assert not AuditEntry.objects.filter(object_id=str(challenger.pk)).exists()


def test_a_challenger_that_learnt_a_new_intent_is_activated(champion):
    add_examples(NEW_INTENT, NEW_PHRASES, range(201, 213), source="agent_amend")
    challenger = model_train()
    assert challenger.is_active and NEW_INTENT in challenger.labels
    gate = challenger.metrics["gate"]
    assert gate["not_worse"] is True
    # The active model cannot know the new intent: the challenger is right more often.
    assert gate["challenger"]["correct"] > gate["champion"]["correct"]
    assert gate["champion"]["label"] == champion.label
    assert set(gate["champion"]) >= {"n", "automated", "coverage", "realised_precision"}
    audit = AuditEntry.objects.get(action="model_activated", object_id=str(challenger.pk))
    assert audit.actor is None  # no person: the command, the schedule
    assert audit.data["previous"] == champion.label
    assert audit.data["reason"].startswith("retrain gate (if_better): ")


@pytest.mark.parametrize(("activate", "active"), [("always", True), ("never", False)])
def test_the_gate_can_be_overruled_either_way(champion, activate, active):
    if active:
        mislabel_the_training_side()  # even a worse model, when asked to
    challenger = model_train(activate=activate)
    assert challenger.is_active is active
    assert challenger.metrics["gate"]["activate"] == activate


def test_an_unknown_activate_option_is_refused(champion):
    with pytest.raises(ValueError, match="activate"):
        model_train(activate="sometimes")


def test_a_champion_that_cannot_be_loaded_is_replaced(champion):
    ModelVersion.objects.filter(pk=champion.pk).update(blob=b"not the model")
    challenger = model_train()
    assert challenger.is_active
    assert "cannot be loaded" in challenger.metrics["gate"]["reason"]
    assert challenger.metrics["gate"]["champion"] is None


def test_a_champion_trained_before_the_split_is_flagged(champion):
    ModelVersion.objects.filter(pk=champion.pk).update(
        metrics={k: v for k, v in champion.metrics.items() if k != "gate"}
    )
    gate = model_train().metrics["gate"]
    assert "trained on some of these examples" in gate["reason"]


def test_the_held_out_share_is_a_setting(examples, settings):
    settings.ENGINE_HOLDOUT_SHARE = 0.0
    version = model_train()
    assert version.metrics["gate"]["n_holdout"] == 0 and version.n_examples == 144


def test_the_gate_routes_out_of_scope_answers_to_a_person(examples):
    from review.engine.intent_classifier import Prediction
    from review.training import model_evaluate

    held = list(TrainingExample.objects.select_related("intent")[:2])

    class Answers:
        def predict(self, texts):
            slug = held[0].intent.slug
            return [Prediction(slug, 0.999, ()), Prediction(slug, 0.999, (), 0.999, True)]

    figures = model_evaluate(None, Answers(), held)
    assert (figures.n, figures.automated) == (2, 1)
