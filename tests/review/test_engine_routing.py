"""The model's data-chosen thresholds in routing, engine fallback, and `evaluate_engine`."""

from __future__ import annotations

import csv
import json
import math

import pytest
from django.core.management import CommandError, call_command

from cases.models import State
from review import suggest
from review.engine import interface
from review.engine.embeddings import EngineUnavailable
from review.management.commands.evaluate_engine import KEYS
from review.models import ModelVersion
from review.suggest import active_classifier, model_threshold
from review.training import model_train
from tests.review.test_engine_core import TRAINING_DATA
from tests.review.test_suggest import receive, trained  # noqa: F401 - the fixture

REPLY = "Hello, where is my order 654321? It has not arrived."


@pytest.fixture(autouse=True)
def fresh_cache():
    # A rolled-back database hands out the same primary keys again.
    suggest._classifiers.clear()
    yield
    suggest._classifiers.clear()


def set_thresholds(version, per_intent: dict, status: dict) -> None:
    metrics = dict(version.metrics)
    metrics["thresholds"] = {**metrics["thresholds"], "per_intent": per_intent, "status": status}
    ModelVersion.objects.filter(pk=version.pk).update(metrics=metrics)


def test_training_stores_thresholds_and_time_in_the_version(trained):  # noqa: F811
    thresholds = trained.metrics["thresholds"]
    assert thresholds["target_precision"] == 0.98
    assert set(thresholds["status"]) == set(trained.labels)
    assert trained.metrics["train_seconds"] >= 0
    assert trained.metrics["calibration"] == "cross_validation (5 folds)"
    # 24 examples are too few to show 98 %: the supervisor's thresholds alone apply.
    assert model_threshold(trained, "order_status") is None


def test_without_a_data_threshold_the_supervisors_threshold_routes(trained):  # noqa: F811
    case = receive(REPLY)
    assert case.current_suggestion.automatable
    assert case.state == State.RESOLVED


def test_a_data_threshold_above_the_supervisors_sends_the_case_to_a_human(trained):  # noqa: F811
    set_thresholds(trained, {"order_status": 0.9999}, {"order_status": "chosen"})
    assert model_threshold(ModelVersion.objects.get(pk=trained.pk), "order_status") == 0.9999
    case = receive(REPLY)
    assert case.state == State.IN_REVIEW
    assert case.current_suggestion.reason_codes == ["low_confidence"]
    # The intent itself is unchanged: the data threshold is applied, never stored on it.
    assert case.current_suggestion.intent.threshold == 0.3


def test_an_unreachable_intent_is_never_automated(trained):  # noqa: F811
    set_thresholds(trained, {"order_status": None}, {"order_status": "unreachable"})
    assert model_threshold(ModelVersion.objects.get(pk=trained.pk), "order_status") == math.inf
    case = receive(REPLY)
    assert "low_confidence" in case.current_suggestion.reason_codes


def test_a_data_threshold_below_the_supervisors_does_not_lower_it(trained):  # noqa: F811
    set_thresholds(trained, {"order_status": 0.01}, {"order_status": "chosen"})
    intent = trained.suggestions.model.intent.field.related_model.objects.get(slug="order_status")
    intent.threshold = 0.9999
    intent.save()
    case = receive(REPLY)
    assert "low_confidence" in case.current_suggestion.reason_codes


def test_model_threshold_without_a_version_or_thresholds():
    assert model_threshold(None, "x") is None
    assert model_threshold(ModelVersion(metrics={}), "x") is None


def test_the_tfidf_model_serves_when_the_configured_engine_has_none(
    trained,  # noqa: F811
    settings,
):
    settings.ENGINE = "hybrid"
    version, classifier = active_classifier()
    assert version == trained and classifier.engine == "tfidf"
    case = receive(REPLY)
    assert case.current_suggestion.engine == "tfidf"


def test_an_active_hybrid_model_that_cannot_run_here_is_skipped(
    trained,  # noqa: F811
    settings,
    monkeypatch,
):
    ModelVersion.objects.create(
        engine="hybrid", label="hybrid-x", blob=b"x", sha256="0" * 64, is_active=True
    )
    settings.ENGINE = "hybrid"
    monkeypatch.setattr(interface, "unavailable_reason", lambda: "onnxruntime is not installed")
    version, _ = active_classifier()
    assert version == trained


def test_training_an_unavailable_engine_fails_clearly(db, monkeypatch):
    monkeypatch.setattr(interface, "unavailable_reason", lambda: "onnxruntime is not installed")
    with pytest.raises(EngineUnavailable, match="not available"):
        model_train(engine="hybrid")
    with pytest.raises(CommandError, match="not available"):
        call_command("train_engine", "--engine", "hybrid")


# --- evaluate_engine ---------------------------------------------------------------------


def write_csv(path, rows) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def csv_files(tmp_path):
    rows = [(text, label) for label, texts in TRAINING_DATA.items() for text in texts]
    train = write_csv(tmp_path / "train.csv", rows)
    test_rows = [
        ("Where is my parcel? It has not arrived", "order_status"),
        ("Ich will meinen Vertrag kündigen", "cancel_contract"),
        ("Please give me my money back", "refund"),
        ("New address: please change it", "address_change"),
    ]
    test = write_csv(tmp_path / "test.csv", test_rows)
    oos = write_csv(
        tmp_path / "oos.csv", [*test_rows, ("What is the weather tomorrow?", "weather")]
    )
    return train, test, oos


def run_json(capsys, *args) -> dict:
    call_command("evaluate_engine", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_evaluate_engine_prints_exactly_the_documented_keys(csv_files, capsys):
    train, test, _ = csv_files
    figures = run_json(capsys, "--train", train, "--test", test)
    assert tuple(figures) == KEYS
    assert figures["engine"] == "tfidf"
    assert figures["target_precision"] == 0.98
    assert figures["accuracy"] == figures["in_scope_accuracy"] == 1.0
    assert figures["oos_recall"] is None and figures["oos_auroc"] is None
    assert 0.0 <= figures["ece"] <= 1.0 and 0.0 <= figures["aurc"] <= 1.0
    assert figures["predictions_per_second_batch1"] > 0
    assert figures["predictions_per_second_batch256"] > 0
    assert figures["model_bytes"] > 0 and figures["peak_rss_bytes"] > 0
    assert figures["folds"] == 5 and figures["n_test"] == 4 and figures["n_out_of_scope"] == 0
    assert figures["peak_rss_training_bytes"] > 0
    # Too few examples to show 98 %: no data thresholds, so routing applies the supervisor's
    # (a new intent's 0.85), and every confident answer is automated, as in the product ...
    assert figures["threshold"] is None
    assert figures["coverage"] == 1.0 and figures["realised_precision"] == 1.0
    # ... but none above a supervisor's threshold that no answer reaches (with 8 examples an
    # intent's probability is at most 0.9).
    strict = run_json(capsys, "--train", train, "--test", test, "--supervisor-threshold", "0.95")
    assert strict["coverage"] == 0.0 and strict["realised_precision"] is None


def test_evaluate_engine_writes_every_prediction_as_routing_acted(csv_files, capsys, tmp_path):
    train, _, oos = csv_files
    path = tmp_path / "predictions.csv"
    figures = run_json(capsys, "--train", train, "--test", oos, "--predictions", str(path))
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["text", "label", "predicted", "confidence", "oos_score", "automated"]
    assert [row["label"] for row in rows] == [
        "order_status",
        "cancel_contract",
        "refund",
        "address_change",
        "weather",
    ]
    assert rows[4]["text"] == "What is the weather tomorrow?"
    # Every figure can be recomputed from the file.
    automated = [row["automated"] == "1" for row in rows]
    assert sum(automated) / len(rows) == pytest.approx(figures["coverage"])
    right = [row["label"] == row["predicted"] for row in rows]
    assert sum(right) / len(rows) == pytest.approx(figures["accuracy"])
    assert figures["oos_automated"] == int(automated[4])
    assert all(0.0 <= float(row["oos_score"]) <= 1.0 for row in rows)


def test_evaluate_engine_out_of_scope_mode(csv_files, capsys):
    train, _, oos = csv_files
    figures = run_json(capsys, "--train", train, "--test", oos, "--target-precision", "0.9")
    assert figures["target_precision"] == 0.9
    assert figures["in_scope_accuracy"] == 1.0
    assert figures["accuracy"] == pytest.approx(0.8)  # the out-of-scope row counts as wrong
    assert figures["oos_recall"] == 1.0
    assert 0.0 <= figures["oos_auroc"] <= 1.0


def test_evaluate_engine_text_output_and_bad_input(csv_files, capsys, tmp_path):
    train, test, _ = csv_files
    call_command("evaluate_engine", "--train", train, "--test", test)
    out = capsys.readouterr().out
    assert "coverage" in out and "peak_rss_bytes" in out
    bad = write_csv(tmp_path / "bad.csv", [])
    with pytest.raises(CommandError, match="no rows"):
        call_command("evaluate_engine", "--train", bad, "--test", test)
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("evaluate_engine", "--train", train, "--test", test, "--target-precision", "1")
    with pytest.raises(CommandError, match="at least 2"):
        call_command("evaluate_engine", "--train", train, "--test", test, "--folds", "1")


def test_evaluate_engine_takes_the_number_of_folds(csv_files, capsys, monkeypatch):
    from review.engine import interface

    seen = []
    real = interface.train
    monkeypatch.setattr(
        interface, "train", lambda *a, **kw: seen.append(kw["folds"]) or real(*a, **kw)
    )
    train, test, _ = csv_files
    assert run_json(capsys, "--train", train, "--test", test, "--folds", "3")["accuracy"] == 1.0
    assert run_json(capsys, "--train", train, "--test", test)["accuracy"] == 1.0
    assert seen == [3, interface.DEFAULT_FOLDS]
