"""Calibration figures and thresholds chosen from held-out predictions (no database)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from review.engine.calibration import (
    Thresholds,
    aurc,
    auroc,
    choose_thresholds,
    clopper_pearson_lower,
    expected_calibration_error,
)
from review.engine.intent_classifier import PRIOR_STRENGTHS, IntentClassifier
from tests.review.test_engine_core import LABELS, TEXTS


def constructed(n_per_intent: int = 4000, seed: int = 0):
    """Calibrated held-out predictions: each is right with the probability it claims.

    Intent "easy" is always at least 97 % sure; intent "hard" anywhere from 50 % to 100 %,
    so only its most confident predictions reach 98 % together.
    """
    rng = np.random.default_rng(seed)
    predicted, confidence = [], []
    for intent, low in (("easy", 0.97), ("hard", 0.50)):
        predicted += [intent] * n_per_intent
        confidence += list(rng.uniform(low, 1.0, n_per_intent))
    confidence = np.array(confidence)
    correct = (rng.uniform(size=len(confidence)) < confidence).astype(float)
    return predicted, confidence, correct


def test_threshold_selection_meets_the_target_on_a_constructed_example() -> None:
    predicted, confidence, correct = constructed()
    chosen = choose_thresholds(predicted, confidence, correct, ["easy", "hard"])
    assert chosen.status == {"easy": "chosen", "hard": "chosen"}
    # The pooled bound holds on the data the thresholds were chosen on ...
    assert chosen.precision >= 0.98
    assert chosen.precision_bound >= 0.98
    # ... the easy intent is automated almost whole, the hard one only at the top ...
    # ... and on fresh data from the same distribution the automated precision holds.
    # Above t, "hard" is right (1 + t) / 2 of the time: 98 % needs t >= 0.96.
    assert chosen.per_intent["easy"] < 0.975
    assert 0.95 < chosen.per_intent["hard"] < 0.99
    fresh = constructed(seed=1)
    automated = chosen.automated(fresh[0], fresh[1])
    assert fresh[2][automated].mean() >= 0.978
    assert 0.5 < automated.mean() < 0.6


def test_the_chosen_threshold_is_the_lowest_that_reaches_the_bar() -> None:
    # Without the prior the rule is plain: the lowest cut whose precision reaches the bar.
    confidence = np.round(np.linspace(0.5, 1.0, 2000), 4)
    correct = (confidence > 0.8).astype(float)
    correct[::100] = 0.0  # 1 % scattered errors everywhere
    chosen = choose_thresholds(["a"] * 2000, confidence, correct, ["a"], prior_strength=0)
    threshold = chosen.per_intent["a"]

    def precision_above(t):
        return correct[confidence >= t].mean()

    assert precision_above(threshold) >= chosen.bar
    assert precision_above(confidence[confidence < threshold].max()) < chosen.bar


def test_a_higher_target_never_lowers_a_threshold() -> None:
    predicted, confidence, correct = constructed()
    previous = dict.fromkeys(["easy", "hard"], 0.0)
    for target in (0.90, 0.95, 0.98, 0.99):
        chosen = choose_thresholds(
            predicted, confidence, correct, ["easy", "hard"], target_precision=target
        )
        for intent, threshold in chosen.per_intent.items():
            value = math.inf if threshold is None else threshold
            assert value >= previous[intent]
            previous[intent] = value


def test_an_intent_that_is_always_wrong_is_unreachable_and_never_automated() -> None:
    predicted, confidence, correct = constructed()
    predicted = [*predicted, *(["broken"] * 100)]
    confidence = np.concatenate([confidence, np.full(100, 0.99)])
    correct = np.concatenate([correct, np.zeros(100)])
    chosen = choose_thresholds(predicted, confidence, correct, ["easy", "hard", "broken", "x"])
    assert chosen.status["broken"] == "unreachable"
    assert chosen.threshold_for("broken") == math.inf
    assert chosen.status["x"] == "no_data"
    assert chosen.threshold_for("x") is None
    assert not chosen.automated(["broken"], np.array([1.0])).any()


def test_tfidfs_prior_trusts_the_claim_but_still_stops_an_intent_far_below_it() -> None:
    # "good": 600 predictions claimed at 0.981-0.999 (mean 0.99), its 20 errors at the bottom.
    # 300 pseudo-examples let that record decide: (580 + 297) / 900 < 0.98, so the threshold
    # rises into the errors; 2,000 trust the claim more: (580 + 1980) / 2600 >= 0.98, lowest
    # threshold ("easy", 3,000 flawless, carries the pooled bound). "bad": 300 predictions
    # claimed at 0.99, 60 wrong (80 %): even 2,000 cannot outweigh that, (240 + 1980) / 2300
    # < 0.98: never automated.
    predicted = ["good"] * 600 + ["bad"] * 300 + ["easy"] * 3000
    confidence = np.concatenate(
        [np.linspace(0.999, 0.981, 600), np.full(300, 0.99), np.full(3000, 0.995)]
    )
    correct = np.ones(3900)
    correct[580:660] = 0.0
    labels = ["good", "bad", "easy"]
    tfidf = choose_thresholds(
        predicted, confidence, correct, labels, prior_strength=PRIOR_STRENGTHS["tfidf"]
    )
    assert PRIOR_STRENGTHS == {"tfidf": 2000.0, "hybrid": 2000.0}
    assert tfidf.status == {"good": "chosen", "bad": "unreachable", "easy": "chosen"}
    assert tfidf.per_intent["good"] == 0.981
    assert not tfidf.automated(["bad"], np.array([0.99])).any()
    strict = choose_thresholds(predicted, confidence, correct, labels, prior_strength=300.0)
    assert strict.status == tfidf.status
    assert strict.per_intent["good"] == 0.9813


def test_too_few_held_out_predictions_leave_the_threshold_to_the_supervisor() -> None:
    # 40 flawless predictions: a 95 % bound on 40/40 is 0.928, which cannot show 0.98.
    chosen = choose_thresholds(["a"] * 20 + ["b"] * 20, np.full(40, 0.9), np.ones(40), ["a", "b"])
    assert chosen.status == {"a": "insufficient_data", "b": "insufficient_data"}
    assert chosen.threshold_for("a") is None
    assert chosen.coverage == 0.0


def test_a_flawless_but_short_record_is_insufficient_not_unreachable() -> None:
    # 30 right answers per intent, each claimed at only 60 %: the record cannot outweigh the
    # claim, so there is no data threshold, but nothing shows the intents are bad either.
    predicted = [f"intent{i}" for i in range(10) for _ in range(30)]
    chosen = choose_thresholds(predicted, np.full(300, 0.6), np.ones(300), sorted(set(predicted)))
    assert set(chosen.status.values()) == {"insufficient_data"}


def test_thresholds_survive_a_json_round_trip() -> None:
    chosen = choose_thresholds(*constructed(), ["easy", "hard", "never"])
    stored = json.loads(json.dumps(chosen.as_metrics()))
    again = Thresholds.from_metrics(stored)
    assert again.per_intent == chosen.per_intent
    assert again.status == chosen.status
    assert again.threshold_for("never") is None


@pytest.mark.parametrize("target", [0.0, 1.0, 1.5])
def test_an_impossible_target_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="target precision"):
        choose_thresholds(["a"], np.array([0.9]), np.array([1.0]), ["a"], target_precision=target)


def test_clopper_pearson_bound() -> None:
    assert clopper_pearson_lower(0, 0) == 0.0
    # All n right: the bound is alpha ** (1 / n).
    assert clopper_pearson_lower(149, 149) == pytest.approx(0.05 ** (1 / 149))
    assert clopper_pearson_lower(980, 1000) < 0.98 < clopper_pearson_lower(990, 1000)


def test_expected_calibration_error() -> None:
    assert expected_calibration_error(np.array([]), np.array([])) == 0.0
    # Perfectly calibrated in each bin.
    confidence = np.array([0.5, 0.5, 1.0, 1.0])
    assert expected_calibration_error(confidence, np.array([1, 0, 1, 1])) == pytest.approx(0.0)
    # Always 90 % sure, always wrong.
    assert expected_calibration_error(np.full(5, 0.9), np.zeros(5)) == pytest.approx(0.9)


def test_risk_coverage_area_and_auroc() -> None:
    # A perfect ranking puts the errors last.
    assert aurc(np.array([0.9, 0.8, 0.1]), np.array([1, 1, 0])) == pytest.approx(1 / 9)
    assert aurc(np.array([0.1, 0.8, 0.9]), np.array([1, 1, 0])) > 1 / 9
    assert auroc(np.array([0.9, 0.8]), np.array([0.1, 0.2])) == 1.0
    assert auroc(np.array([0.5]), np.array([0.5])) == 0.5
    assert auroc(np.array([0.9]), np.array([])) is None


def test_calibration_is_monotonic() -> None:
    # Temperature scaling changes how sure the model is, never the order of its answers: per
    # message the intents rank as the raw scores do, and for two intents the confidence
    # rises with the raw margin.
    model = IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=4)
    assert model.temperature != 1.0
    texts = [*TEXTS, "Paket", "refund please", "kündigen", "hello", "???"]
    raw = model._pipeline.decision_function(texts)
    calibrated = model.predict_proba(texts)
    assert (
        np.argsort(-raw, axis=1, kind="stable") == np.argsort(-calibrated, axis=1, kind="stable")
    ).all()

    binary = IntentClassifier.fit(TEXTS[:16], LABELS[:16], seed=0, folds=4)
    margins = np.abs(binary._pipeline.decision_function(texts))
    confidences = binary.predict_proba(texts).max(axis=1)
    order = np.argsort(margins)
    assert np.all(np.diff(confidences[order]) >= 0)


def test_cross_validated_fit_records_out_of_fold_figures() -> None:
    model = IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=5)
    metrics = model.metrics
    assert metrics["calibration"] == "cross_validation (5 folds)"
    assert metrics["n_holdout"] == len(TEXTS)  # every example held out once
    assert metrics["thresholds"]["target_precision"] == 0.98
    assert metrics["thresholds"]["prior_strength"] == 2000.0  # the tfidf engine's
    assert set(metrics["thresholds"]["status"]) == set(LABELS)
    assert json.loads(json.dumps(metrics)) == metrics
    # Folds never exceed the rarest intent's count.
    few = IntentClassifier.fit(TEXTS[:2] + TEXTS[8:10], ["a", "a", "b", "b"], folds=5)
    assert few.metrics["calibration"] == "cross_validation (2 folds)"
