"""Grouped splits (issue 15): copies of one message, and one customer's messages, never sit
on both sides of a fold, of the pooled check's halves or of the retrain gate's holdout."""

from unittest import mock

import numpy as np
import pytest

from review.engine import calibration, intent_classifier
from review.engine import groups as groups_module
from review.engine.calibration import _halves
from review.engine.gate import holdout_bucket, split_holdout
from review.engine.groups import group_ids, representatives
from review.engine.intent_classifier import IntentClassifier


@pytest.mark.parametrize(
    ("texts", "groups", "expected"),
    [
        # Equal after folding case and white space: one group; otherwise each alone.
        (["a b", "A  b", "c"], None, [0, 0, 1]),
        (["a", "b", "c"], None, [0, 1, 2]),
        # A shared key joins; None joins nothing.
        (["a", "b", "c"], ["m1", "m1", None], [0, 0, 1]),
        (["a", "b", "c"], [None, None, None], [0, 1, 2]),
        # Transitive: 0 and 1 share a key, 1 and 2 a text.
        (["a", "b", "B", "d"], ["m1", "m1", "m2", "m3"], [0, 0, 0, 1]),
        # Keys of any hashable kind.
        (["a", "b", "c"], [("customer", 1), ("customer", 2), ("customer", 1)], [0, 1, 0]),
    ],
)
def test_group_ids(texts, groups, expected):
    assert group_ids(texts, groups).tolist() == expected


def test_group_ids_needs_one_group_per_text():
    with pytest.raises(ValueError, match="2 texts but 1 groups"):
        group_ids(["a", "b"], ["m"])


def test_a_group_is_named_by_its_smallest_key_or_its_text():
    texts = ["Hello", "hello ", "other", "third"]
    assert representatives(texts, [None, "m2", "m1", "m2"]) == [
        "group m2",
        "group m2",
        "group m1",
        "group m2",
    ]
    assert representatives(texts, None) == ["hello", "hello", "other", "third"]


def test_the_gate_holds_a_group_out_whole():
    texts = [f"message number {i}" for i in range(2000)]
    labels = [f"intent_{i % 4}" for i in range(2000)]
    customers = [f"customer {i % 150}" for i in range(2000)]
    train, held = split_holdout(texts, labels, 0.1, customers)
    assert sorted(train + held) == list(range(2000))
    held_customers = {customers[i] for i in held}
    assert held_customers.isdisjoint(customers[i] for i in train)
    assert held_customers == {c for c in set(customers) if holdout_bucket(f"group {c}") < 0.1}
    # Without groups, nothing changes: the text's own bucket.
    assert split_holdout(texts, labels, 0.1, None) == split_holdout(texts, labels, 0.1)


def test_the_halves_keep_each_group_whole_and_stay_balanced():
    predicted = np.array([f"intent_{i % 5}" for i in range(1000)], dtype=object)
    groups = np.arange(1000) // 4  # 250 groups of four
    first = _halves(predicted, 0, groups)
    for g in range(250):
        assert len(set(first[groups == g])) == 1
    assert 450 <= first.sum() <= 550
    for label in set(predicted):
        assert 80 <= first[predicted == label].sum() <= 120
    # Without groups: the stratified halves as before (half of each intent, rounded down).
    plain = _halves(predicted, 0)
    assert [int(plain[predicted == f"intent_{k}"].sum()) for k in range(5)] == [100] * 5


TEXTS = [
    *(f"where is my order {n}" for n in range(12)),
    *(f"please refund {n} euro" for n in range(12)),
    *(f"change my address to street {n}" for n in range(12)),
]
LABELS = ["order_status"] * 12 + ["refund_request"] * 12 + ["address_change"] * 12


def record_splits(monkeypatch):
    """The (train, test) folds `fit` draws, recorded."""
    seen: list = []
    for name in ("StratifiedKFold", "StratifiedGroupKFold"):
        real = getattr(groups_module, name)

        def recording(*args, _real=real, **kwargs):
            splitter = _real(*args, **kwargs)
            split = splitter.split

            def recorded(*a, **k):
                folds = list(split(*a, **k))
                seen.append((type(splitter).__name__, folds))
                return folds

            splitter.split = recorded
            return splitter

        monkeypatch.setattr(groups_module, name, recording)
    return seen


@pytest.mark.parametrize(
    ("texts", "groups", "splitter"),
    [
        # Every example twice, as the learning loop gives it: duplicates group themselves.
        (TEXTS * 2, None, "StratifiedGroupKFold"),
        # One message per pair of examples, named by the caller.
        (TEXTS, [f"message {i // 2}" for i in range(36)], "StratifiedGroupKFold"),
        # Nothing shared: the plain stratified folds.
        (TEXTS, None, "StratifiedKFold"),
        (TEXTS, [None] * 36, "StratifiedKFold"),
    ],
)
def test_no_group_is_on_both_sides_of_a_fold(monkeypatch, texts, groups, splitter):
    labels = LABELS * (len(texts) // len(LABELS))
    seen = record_splits(monkeypatch)
    model = IntentClassifier.fit(texts, labels, seed=0, folds=4, groups=groups)
    assert [name for name, _ in seen] == [splitter]
    ids = group_ids(texts, groups)
    for train, test in seen[0][1]:
        assert set(ids[train]).isdisjoint(ids[test])
    assert model.metrics["n_groups"] == len(set(ids))
    grouped = "grouped " if splitter == "StratifiedGroupKFold" else ""
    assert model.metrics["calibration"] == f"cross_validation (4 {grouped}folds)"


def test_the_pooled_check_gets_the_groups_of_the_held_out_predictions(monkeypatch):
    real = calibration.choose_thresholds
    calls = []
    monkeypatch.setattr(
        intent_classifier,
        "choose_thresholds",
        lambda *a, **k: calls.append(k["groups"]) or real(*a, **k),
    )
    groups = [f"message {i // 2}" for i in range(36)]
    IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=3, groups=groups)
    IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=3)
    held_groups, none = calls
    assert none is None
    # One id per held-out prediction, shared by the two examples of a message.
    assert sorted(np.bincount(held_groups).tolist()) == [2] * 18


def test_without_groups_the_model_is_the_same_as_before():
    """No shared group: the folds, the figures and the thresholds of the ungrouped fit."""
    plain = IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=4)
    alone = IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=4, groups=list(range(36)))
    with mock.patch.object(intent_classifier, "group_ids", lambda t, g=None: np.arange(len(t))):
        before = IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=4)
    assert plain.metrics == alone.metrics == before.metrics
    assert plain.to_bytes() == before.to_bytes()


def test_a_class_missing_from_a_grouped_training_part_gets_the_lowest_score():
    # All of "rare" is one customer: the fold that holds it out trains without it.
    texts = [*TEXTS, "cancel my contract now", "cancel my contract today", "cancel it"]
    labels = [*LABELS, "cancel", "cancel", "cancel"]
    groups = [None] * 36 + ["customer 1"] * 3
    model = IntentClassifier.fit(texts, labels, seed=0, folds=3, groups=groups)
    assert model.metrics["calibration"] == "cross_validation (3 grouped folds)"
    # Out of fold, "cancel" could not be predicted for its own examples.
    assert model.metrics["thresholds"]["status"]["cancel"] == "no_data"
    assert model.predict_one("cancel my contract now").intent == "cancel"
