"""The out-of-scope score, the evidence caps and routing's rules inside threshold selection."""

from __future__ import annotations

import numpy as np
import pytest

from review.engine.calibration import choose_thresholds
from review.engine.intent_classifier import IntentClassifier
from review.engine.out_of_scope import (
    MIN_PER_INTENT,
    OutOfScopeScorer,
    components,
    nearest_logits_distance,
    unit_rows,
)
from review.engine.scaling import evidence_caps, probabilities
from review.management.commands.evaluate_engine import pairings
from tests.review.test_engine_core import LABELS, TEXTS


@pytest.fixture(scope="module")
def model() -> IntentClassifier:
    return IntentClassifier.fit(TEXTS, LABELS, seed=0, folds=3)


def test_energy_is_higher_for_flat_logits() -> None:
    raw = components(np.array([[10.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), 1.0, None)
    assert raw.shape == (2, 1)
    assert raw[1, 0] > raw[0, 0]
    # With neighbour similarities a second column: one minus the best similarity.
    raw = components(np.zeros((1, 2)), 1.0, np.array([[0.2, 0.7]]))
    assert raw[0, 1] == pytest.approx(0.3)


def test_nearest_logits_is_the_cosine_distance_to_the_closest_reference_vector() -> None:
    reference = unit_rows(np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]]))
    assert reference.dtype == np.float32
    assert np.allclose(np.linalg.norm(reference, axis=1), 1.0)
    logits = np.array([[5.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    distance = nearest_logits_distance(logits, reference)
    assert distance == pytest.approx([0.0, 1.0, 1.0 - np.sqrt(0.5)], abs=1e-6)
    # A training row is compared with the other groups' rows only, never with itself.
    own = np.array([0, 1])
    left_out = nearest_logits_distance(logits[:2], reference, (own, own))
    assert left_out == pytest.approx([1.0, 1.0], abs=1e-6)
    # The third column of `components`, after energy and the neighbour distance.
    raw = components(logits, 1.0, np.full((3, 3), 0.5), reference)
    assert raw.shape == (3, 3)
    assert raw[:, 2] == pytest.approx(distance)


def test_the_nearest_logits_reference_travels_with_the_scorer(model) -> None:
    scorer = model.out_of_scope
    assert scorer.logits.shape == (len(TEXTS), len(model.labels))
    again = OutOfScopeScorer.from_metrics(scorer.as_metrics())
    assert np.array_equal(again.logits, scorer.logits)
    logits = np.random.default_rng(1).normal(size=(4, len(model.labels)))
    assert np.array_equal(
        again.score_logits(logits, 0.5, None), scorer.score_logits(logits, 0.5, None)
    )
    # A scorer saved before the signal existed scores with energy alone, as it did.
    old = {k: v for k, v in scorer.as_metrics().items() if k != "logits"}
    old["centre"], old["scale"] = old["centre"][:1], old["scale"][:1]
    before = OutOfScopeScorer.from_metrics(old)
    assert before.logits is None and before.signals() == ["energy"]
    assert np.array_equal(
        before.score_logits(logits, 0.5, None), before.score(components(logits, 0.5, None))
    )


def test_the_score_ranks_against_the_out_of_fold_reference_and_cuts_per_intent() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(400, 2))
    predicted = ["a"] * 200 + ["b"] * 170 + ["c"] * 30
    scorer = OutOfScopeScorer.fit(raw, predicted, ["a", "b", "c", "d"], quantile=0.9)
    scores = scorer.score(raw)
    assert scores.min() >= 0.0 and scores.max() <= 1.0
    # A rank: about a tenth of the reference lies above its 0.9 quantile.
    assert (scores > 0.9).mean() == pytest.approx(0.1, abs=0.01)
    assert scorer.score(np.array([[10.0, 10.0]]))[0] == 1.0
    assert scorer.score(np.array([[-10.0, -10.0]]))[0] == 0.0
    # Intents with enough out-of-fold predictions get their own cut; "c" (30) exactly
    # MIN_PER_INTENT, "d" none: the pooled quantile.
    assert MIN_PER_INTENT == 30
    a = scores[:200]
    assert scorer.cut_for("a") == pytest.approx(np.quantile(a, 0.9), abs=1e-4)
    assert scorer.cut_for("d") == pytest.approx(np.quantile(scores, 0.9), abs=1e-4)
    within = scorer.within(["a", "a"], np.array([0.0, 1.0]))
    assert within.tolist() == [True, False]
    assert OutOfScopeScorer.from_metrics(scorer.as_metrics()) == scorer


def test_caps_follow_the_rule_of_succession_and_never_change_the_answer() -> None:
    assert evidence_caps([8, 63, 130]).round(3).tolist() == [0.9, 0.985, 0.992]
    logits = np.array([[20.0, 0.0, -1.0], [2.0, 1.9, 0.0], [0.0, 0.0, 0.0]])
    caps = np.array([0.9, 0.9, 0.9])
    proba = probabilities(logits, 1.0, caps)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 0] == pytest.approx(0.9)  # capped
    assert proba[0, 1] > proba[0, 2]  # the excess goes to the others in proportion
    assert np.allclose(proba[1:], probabilities(logits[1:], 1.0))  # below the cap: unchanged
    assert (proba.argmax(axis=1) == logits.argmax(axis=1)).all()


def test_no_prediction_is_certain(model) -> None:
    prediction = model.predict_one("Where is my order? My package has not arrived yet")
    assert prediction.confidence <= evidence_caps([8])[0] + 1e-9
    assert model.metrics["evidence_caps"]["order_status"] == pytest.approx(0.9)


def test_predictions_carry_an_out_of_scope_score_that_survives_a_round_trip(model) -> None:
    inside, outside = model.predict(["Where is my order?", "xq zzv wibble frotz"])
    assert 0.0 <= inside.oos_score < outside.oos_score <= 1.0
    assert model.metrics["out_of_scope"]["signals"] == ["energy", "nearest_logits"]
    again = IntentClassifier.from_bytes(model.to_bytes())
    assert again.predict(["xq zzv wibble frotz"])[0] == outside
    assert outside.out_of_scope == (outside.oos_score > model.out_of_scope.cut_for(outside.intent))


def constructed(seed: int = 0, n: int = 3000):
    rng = np.random.default_rng(seed)
    confidence = rng.uniform(0.3, 1.0, n)
    correct = (rng.uniform(size=n) < confidence).astype(float)
    return ["a"] * n, confidence, correct


def test_the_floor_and_the_supervisor_apply_inside_the_selection() -> None:
    predicted, confidence, correct = constructed()
    free = choose_thresholds(predicted, confidence, correct, ["a"], target_precision=0.8)
    assert free.per_intent["a"] < 0.75
    bound = choose_thresholds(
        predicted, confidence, correct, ["a"], target_precision=0.8, supervisor={"a": 0.9}
    )
    assert bound.per_intent["a"] >= 0.9
    assert bound.bar_for("a") == bound.per_intent["a"]
    assert bound.as_metrics()["supervisor"] == {"a": 0.9}
    floored = choose_thresholds(
        predicted, confidence, correct, ["a"], target_precision=0.8, floor=0.95
    )
    assert floored.bar_for("a") >= 0.95


def test_an_intent_without_a_data_threshold_is_automated_at_the_supervisors() -> None:
    chosen = choose_thresholds(
        ["a"] * 20, np.full(20, 0.9), np.ones(20), ["a"], default_supervisor=0.85, floor=0.4
    )
    assert chosen.status == {"a": "insufficient_data"}
    assert chosen.bar_for("a") == 0.85
    assert chosen.automated(["a", "a"], np.array([0.86, 0.84])).tolist() == [True, False]
    # ... and counts in the reported coverage, as routing would act.
    assert chosen.coverage == 1.0
    assert choose_thresholds(["a"] * 20, np.full(20, 0.9), np.ones(20), ["a"]).coverage == 0.0


def test_out_of_scope_predictions_are_never_automated_nor_chosen_on() -> None:
    predicted, confidence, correct = constructed()
    eligible = np.ones(len(confidence), dtype=bool)
    eligible[::10] = False
    chosen = choose_thresholds(
        predicted, confidence, correct, ["a"], target_precision=0.8, eligible=eligible
    )
    automated = chosen.automated(predicted, confidence, eligible)
    assert not automated[~eligible].any()
    assert chosen.coverage == pytest.approx(automated.mean())


def test_the_pooled_bound_is_taken_on_data_the_thresholds_were_not_chosen_on() -> None:
    predicted, confidence, correct = constructed()
    crossfit = choose_thresholds(predicted, confidence, correct, ["a"], target_precision=0.9)
    same = choose_thresholds(
        predicted, confidence, correct, ["a"], target_precision=0.9, check="same"
    )
    assert crossfit.check == "crossfit" and same.check == "same"
    assert "cross-fitted" in crossfit.as_metrics()["method"]
    assert crossfit.precision_bound >= 0.9 and same.precision_bound >= 0.9
    # The honest check costs coverage, never gains it.
    assert crossfit.coverage <= same.coverage
    fresh = constructed(seed=1)
    automated = crossfit.automated(fresh[0], fresh[1])
    assert fresh[2][automated].mean() >= 0.9
    with pytest.raises(ValueError, match="crossfit or same"):
        choose_thresholds(predicted, confidence, correct, ["a"], check="other")


def test_the_standard_pairings() -> None:
    # Four in-scope rows (three right) and two out-of-scope rows.
    score = np.array([0.1, 0.2, 0.3, 0.9, 0.8, 0.95])
    correct = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    in_scope = np.array([True, True, True, True, False, False])
    at_recall, at_accuracy = pairings(score, correct, in_scope)
    # Rejecting both OOS rows (cut 0.8) loses the in-scope row at 0.9: 2 of 4 kept right.
    assert at_recall == 0.5
    # 93 % in-scope accuracy is never reached (3 of 4 right at best).
    assert at_accuracy is None
    assert pairings(score, correct, np.ones(6, dtype=bool)) == (None, None)
