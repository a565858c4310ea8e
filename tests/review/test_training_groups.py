"""`model_train` keeps one message's examples, and one customer's, together in every split."""

import pytest

from review.engine import interface as engine_interface
from review.engine.gate import holdout_bucket
from review.engine.groups import group_ids
from review.models import TrainingExample
from review.training import model_train, training_groups
from tests.factories import CaseFactory, CustomerFactory, IntentFactory, SuggestionFactory
from tests.review.test_retrain_gate import PHRASES, add_examples


def learnt(case, intent, text, sources=("agent_approve", "customer_accept")):
    """What the learning loop stores for one message: an example per decision on it."""
    suggestion = SuggestionFactory(case=case, intent=intent)
    return [
        TrainingExample.objects.create(
            text=text,
            intent=intent,
            source=source,
            verdict="confirmed",
            weight=TrainingExample.weight_for(source, "confirmed"),
            case=case,
            suggestion=suggestion,
        )
        for source in sources
    ]


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = engine_interface.train

    def train(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_interface, "train", train)
    return calls


def test_model_train_passes_the_customer_of_each_learnt_example(db, spy):
    for slug, phrases in PHRASES.items():
        add_examples(slug, phrases, range(101, 113))
    intent = IntentFactory(slug="order_status")
    customers = [CustomerFactory(), CustomerFactory()]
    pairs = [
        learnt(CaseFactory(customer=customers[n % 2]), intent, f"Where is order {n}? Still late")
        for n in range(6)
    ]
    version = model_train()
    (texts, _), kwargs = spy[0]
    groups = dict(zip(texts, kwargs["groups"], strict=True))
    trained = {pair[0].text for pair in pairs} & set(texts)
    assert trained  # the held-out ones are judged on, not trained on
    for pair in pairs:
        if pair[0].text in trained:
            assert groups[pair[0].text] == ("customer", pair[0].case.customer_id)
        # Both decisions on a message sit on the same side of the gate's split.
        assert texts.count(pair[0].text) in (0, 2)
    seeds = [g for t, g in groups.items() if t not in trained]
    assert seeds and set(seeds) == {None}
    gate = version.metrics["gate"]
    assert gate["holdout_groups"] == "customer"
    held = {c.pk for c in customers if holdout_bucket(f"group {('customer', c.pk)}") < 0.1}
    assert {pair[0].case.customer_id for pair in pairs if pair[0].text not in trained} == held
    # In the folds, a customer's messages are one group: as many groups as customers.
    train_ids = group_ids(texts, kwargs["groups"])
    learnt_ids = {int(train_ids[i]) for i, t in enumerate(texts) if t in trained}
    assert len(learnt_ids) == len({groups[t] for t in trained}) >= 1


@pytest.mark.parametrize(
    ("customers_per_intent", "by"),
    [
        # Enough customers per intent for the folds: by customer.
        (3, "customer"),
        # One customer wrote all of an intent: by customer it could not be cross-fitted.
        (1, "message"),
    ],
)
def test_training_groups_fall_back_to_the_message(db, customers_per_intent, by):
    customers = [CustomerFactory() for _ in range(customers_per_intent)]
    examples = []
    for slug in ("order_status", "refund_request"):
        intent = IntentFactory(slug=slug)
        for n in range(6):
            case = CaseFactory(customer=customers[n % customers_per_intent])
            examples += learnt(case, intent, f"{slug} message {n}")
    examples = list(TrainingExample.objects.select_related("intent", "case", "suggestion"))
    chosen, keys = training_groups(examples, folds=3)
    assert chosen == by
    expected = [
        ("customer", e.case.customer_id)
        if by == "customer"
        else ("message", e.suggestion.message_id)
        for e in examples
    ]
    assert keys == expected


@pytest.mark.parametrize(
    ("with_case", "with_suggestion", "by", "expected"),
    [
        (False, False, "customer", None),
        (False, False, "message", None),
        (True, True, "customer", "customer"),
        (True, True, "message", "message"),
        (True, False, "message", "case"),
    ],
)
def test_group_key(db, with_case, with_suggestion, by, expected):
    intent = IntentFactory(slug="order_status")
    case = CaseFactory() if with_case else None
    suggestion = SuggestionFactory(case=case, intent=intent) if with_suggestion else None
    example = TrainingExample.objects.create(
        text="x", intent=intent, source="seed", case=case, suggestion=suggestion
    )
    key = example.group_key(by)
    ids = {"customer": case and case.customer_id, "case": case and case.pk}
    ids["message"] = suggestion and suggestion.message_id
    assert key == (None if expected is None else (expected, ids[expected]))


def test_group_key_refuses_an_unknown_grouping(db):
    with pytest.raises(ValueError, match="customer or message"):
        TrainingExample(text="x").group_key("language")
