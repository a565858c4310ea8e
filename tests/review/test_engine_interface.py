"""The engine interface with the default `tfidf` engine: train, predict, save/load, analyse."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pytest

from review.engine import interface
from review.engine.intent_classifier import IntentClassifier
from tests.review.test_engine_core import LABELS, TEXTS, TRAINING_DATA


@pytest.fixture(scope="module")
def model() -> IntentClassifier:
    return interface.train(TEXTS, LABELS, seed=0)


def test_training_uses_out_of_fold_predictions_and_records_thresholds(model) -> None:
    assert model.engine == "tfidf"
    assert model.metrics["calibration"] == "cross_validation (5 folds)"
    thresholds = model.metrics["thresholds"]
    assert thresholds["target_precision"] == 0.98
    # 32 held-out predictions cannot show 98 %: no data thresholds, the supervisor's apply.
    assert set(thresholds["status"].values()) == {"insufficient_data"}
    assert all(model.threshold_for(label) is None for label in TRAINING_DATA)


def test_prediction_for_one_message_and_a_batch(model) -> None:
    one = model.predict_one("Wo bleibt mein Paket?")
    assert one.intent == "order_status"
    assert [label for label, _ in one.alternatives] != []
    batch = model.predict(["Wo bleibt mein Paket?", "Bitte Geld zurück"])
    assert batch[0] == one and batch[1].intent == "refund"
    probabilities = model.predict_proba(["Wo bleibt mein Paket?"])
    assert probabilities.shape == (1, 4)
    assert probabilities.sum() == pytest.approx(1.0)
    assert model.labels[int(probabilities.argmax())] == "order_status"
    assert model.predict_proba([]).shape == (0, 4)


def test_save_and_load_round_trip_keeps_predictions_and_metadata(model, tmp_path) -> None:
    path = tmp_path / "model.bin"
    interface.save(model, path)
    loaded = interface.load(path)
    assert loaded.engine == model.engine
    assert loaded.labels == model.labels
    assert loaded.temperature == model.temperature
    assert loaded.metrics == model.metrics
    assert loaded.thresholds.as_metrics() == model.thresholds.as_metrics()
    assert loaded.predict(TEXTS) == model.predict(TEXTS)
    assert np.array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))


def test_training_is_reproducible(model) -> None:
    again = interface.train(TEXTS, LABELS, seed=0)
    assert again.predict(TEXTS) == model.predict(TEXTS)
    assert again.metrics == model.metrics


def test_thresholds_are_chosen_when_there_is_enough_data() -> None:
    # 4 clearly separated intents with 60 examples each: enough to show 98 %.
    texts, labels = [], []
    for label, words in {
        "track": ("parcel", "package", "delivery", "tracking"),
        "cancel": ("cancel", "terminate", "contract", "subscription"),
        "refund": ("refund", "money", "reimburse", "charged"),
        "address": ("address", "moved", "street", "postcode"),
    }.items():
        for i in range(60):
            texts.append(f"{words[i % 4]} {words[(i + 1) % 4]} please {i}")
            labels.append(label)
    model = interface.train(texts, labels, seed=0)
    status = model.metrics["thresholds"]["status"]
    assert set(status.values()) == {"chosen"}
    assert all(0.0 < model.threshold_for(label) <= 1.0 for label in status)
    assert model.metrics["thresholds"]["oof_precision_bound"] >= 0.98


def test_sample_weights_shift_the_model() -> None:
    texts = ["card arrived", "card missing", "card lost", "card stolen"]
    labels = ["arrival", "arrival", "lost", "lost"]

    def margin_towards_lost(model) -> float:
        return float(model._pipeline.decision_function(["card missing lost"])[0])

    plain = interface.train(texts, labels, folds=2)
    weighted = interface.train(texts, labels, folds=2, sample_weight=[1, 5, 1, 1])
    assert margin_towards_lost(weighted) < margin_towards_lost(plain)
    with pytest.raises(ValueError, match="sample_weight"):
        interface.train(texts, labels, folds=2, sample_weight=[1, 0, 1, 1])


def test_metrics_are_json(model) -> None:
    assert json.loads(json.dumps(model.metrics)) == model.metrics


def test_analyse_finds_language_slots_and_risks() -> None:
    analysis = interface.analyse(
        "Bestellung 123456 ist nicht da, bis kommenden Freitag, sonst geht es zum Anwalt!",
        today=datetime.date(2026, 3, 10),
    )
    assert analysis.language == "de"
    assert analysis.slots["order_number"] == "123456"
    assert analysis.slots["dates"] == ["2026-03-13"]
    assert "legal" in analysis.risk_flags


def test_template_drafter_fills_known_placeholders_and_keeps_the_rest() -> None:
    drafter: interface.ReplyDrafter = interface.TemplateDrafter()
    draft = drafter.draft(
        template="Hello {customer_name}, order {order_number}.",
        values={"customer_name": "Ada"},
        message="",
        language="en",
    )
    assert draft == "Hello Ada, order {order_number}."


def test_the_llm_drafter_is_behind_the_same_interface_and_falls_back_to_the_template() -> None:
    from review.engine.llm import LLMConfig

    drafter: interface.ReplyDrafter = interface.LLMDrafter(LLMConfig(base_url="", model=""))
    draft = drafter.draft(
        template="Hello {customer_name}.",
        values={"customer_name": "Ada"},
        message="hi",
        language="en",
    )
    assert draft == "Hello Ada."  # off by default: the template's draft
