"""The optional `hybrid` engine: pinned files, and (where installed) training and prediction.

`make test` and CI install only `.[dev]`: there the tests that need onnxruntime and the model
package skip with the reason. The pin checks run everywhere.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from review.engine import embeddings, interface, sessions
from review.engine.embeddings import (
    MODEL_FILE,
    EngineUnavailable,
    SentenceEmbedder,
    locate,
    unavailable_reason,
    verified,
)
from review.engine.intent_classifier import IntentClassifier
from tests.review.test_engine_core import LABELS, TEXTS

UNAVAILABLE = unavailable_reason()
needs_hybrid = pytest.mark.skipif(
    UNAVAILABLE is not None,
    reason=f"hybrid engine not installed here (pip install -e '.[enhanced]'): {UNAVAILABLE}",
)


def test_a_model_file_that_does_not_match_the_pin_is_refused(tmp_path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model we pinned")
    with pytest.raises(EngineUnavailable, match="refusing"):
        verified(fake, MODEL_FILE)
    # Also when handed to the embedder directly: the hash is checked before anything runs.
    with pytest.raises(EngineUnavailable, match="refusing"):
        SentenceEmbedder(model_path=str(fake)).embed(["hello"])


def test_a_missing_package_says_how_to_install_it() -> None:
    missing = dataclasses.replace(MODEL_FILE, distribution="no-such-distribution-here")
    with pytest.raises(EngineUnavailable, match=r"pip install -e '\.\[enhanced\]'"):
        locate(missing)


def test_an_unavailable_engine_is_refused_before_training(monkeypatch) -> None:
    monkeypatch.setattr(interface, "unavailable_reason", lambda: "onnxruntime is not installed")
    assert interface.available() == {"tfidf": None, "hybrid": "onnxruntime is not installed"}
    with pytest.raises(EngineUnavailable, match="onnxruntime is not installed"):
        interface.train(TEXTS, LABELS, engine="hybrid")
    with pytest.raises(ValueError, match="unknown engine"):
        interface.train(TEXTS, LABELS, engine="bert")


@pytest.fixture(scope="module")
def hybrid() -> IntentClassifier:
    if UNAVAILABLE is not None:
        pytest.skip(f"hybrid engine not installed here: {UNAVAILABLE}")
    return interface.train(TEXTS, LABELS, engine="hybrid", seed=0, folds=4)


@needs_hybrid
def test_embeddings_are_unit_length_and_put_paraphrases_close() -> None:
    embedder = SentenceEmbedder()
    vectors = embedder.embed(
        ["Where is my parcel?", "My package has not arrived", "I want to cancel my contract"]
    )
    assert vectors.shape == (3, embeddings.DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2]
    # Batching never changes a text's vector.
    assert np.array_equal(embedder.embed(["My package has not arrived"])[0], vectors[1])


@needs_hybrid
def test_more_poolings_add_unit_length_views_of_the_same_run() -> None:
    texts = ["Where is my parcel?", "Ich will meinen Vertrag kündigen"]
    views = SentenceEmbedder(poolings=("mean", "cls", "max")).embed(texts)
    d = embeddings.DIMENSION
    assert views.shape == (2, 3 * d)
    for start in range(0, 3 * d, d):
        assert np.allclose(np.linalg.norm(views[:, start : start + d], axis=1), 1.0, atol=1e-5)
    # The first view is the default embedding, bit for bit.
    assert np.array_equal(views[:, :d], SentenceEmbedder().embed(texts))
    assert len(SentenceEmbedder(poolings=("mean", "max")).get_feature_names_out()) == 2 * d


@needs_hybrid
def test_the_session_folds_the_weights_once_and_keeps_no_memory_arena(monkeypatch) -> None:
    import onnxruntime

    # Without a cache of optimised graphs (`review.engine.sessions`; test_engine_sessions.py).
    monkeypatch.setattr(sessions, "_CACHE_DIR", None)
    released = []
    monkeypatch.setattr(embeddings, "release_freed_memory", lambda: released.append(True))
    embedder = SentenceEmbedder(threads=2)
    embedder.embed(["Where is my parcel?"])
    embedder.embed(["My package has not arrived"])
    session, _ = embedder._load()["minilm"]
    options = session.get_session_options()
    assert options.graph_optimization_level == onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert options.enable_cpu_mem_arena is False
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (2, 1)
    # The allocator's free memory goes back to the system once, after the session is built.
    assert released == [True]


def test_returning_freed_memory_to_the_system_is_harmless() -> None:
    assert embeddings.release_freed_memory() is None


def test_an_unknown_pooling_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown pooling"):
        _ = SentenceEmbedder(poolings=("median",)).dimension


@needs_hybrid
def test_the_hybrid_model_sums_two_regressions_and_a_neighbour_score(hybrid) -> None:
    ensemble = hybrid._pipeline.named_steps["model"]
    features = hybrid._pipeline.named_steps["features"].transform(TEXTS[:3])
    text, vectors = ensemble._split(features)
    neighbours = ensemble._neighbour_scores(vectors)
    # A training message's nearest neighbour is itself: similarity 1 counts in its intent.
    own = [list(ensemble.classes_).index(label) for label in LABELS[:3]]
    assert np.all(neighbours[np.arange(3), own] > 0.5)
    summed = (
        ensemble.text_model_.decision_function(text)
        + ensemble.embedding_model_.decision_function(vectors)
        + ensemble.neighbour_weight * neighbours
    )
    assert np.allclose(ensemble.decision_function(features), summed)
    # The neighbour index is float16 (half the memory); scores() gives the same logits and
    # the neighbour similarities that the out-of-scope score uses.
    assert ensemble.neighbour_vectors_.dtype == np.float16
    logits, similarities = ensemble.scores(features)
    assert np.allclose(logits, summed) and np.allclose(similarities, neighbours)


@needs_hybrid
def test_the_hybrid_out_of_scope_score_uses_the_neighbour_distance(hybrid) -> None:
    assert hybrid.metrics["out_of_scope"]["signals"] == ["energy", "neighbour_distance"]
    assert hybrid.out_of_scope.logits is None  # nearest logits: `tfidf` only (not validated)
    inside, outside = hybrid.predict(
        ["Where is my parcel? It has not arrived", "Who won the football world cup in 1954?"]
    )
    assert inside.oos_score < outside.oos_score


@needs_hybrid
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Where is my parcel? It has not arrived", "order_status"),
        ("Ich will meinen Vertrag kündigen", "cancel_contract"),
        ("Please give me my money back", "refund"),
        ("I moved house, new address please", "address_change"),
    ],
)
def test_hybrid_predicts_held_out_phrasing(hybrid: IntentClassifier, text: str, intent: str):
    assert hybrid.predict_one(text).intent == intent


@needs_hybrid
def test_hybrid_round_trip_and_batches_give_identical_predictions(
    hybrid: IntentClassifier, tmp_path
) -> None:
    assert hybrid.engine == "hybrid"
    assert hybrid.metrics["embedding_model"] == embeddings.MODEL_ID
    interface.save(hybrid, tmp_path / "model.bin")
    restored = interface.load(tmp_path / "model.bin")
    assert restored.engine == "hybrid"
    assert restored.predict(TEXTS) == hybrid.predict(TEXTS)
    assert hybrid.predict(TEXTS[:5]) == [hybrid.predict_one(t) for t in TEXTS[:5]]
    # The ONNX file is not in the blob, only its hash.
    assert (tmp_path / "model.bin").stat().st_size < MODEL_FILE.size / 10


@needs_hybrid
def test_a_hybrid_model_built_on_another_model_file_is_refused(hybrid: IntentClassifier):
    blob = hybrid.to_bytes()
    model = IntentClassifier.from_bytes(blob)
    features = model._pipeline.named_steps["features"]
    dict(features.transformer_list)["minilm"].model_sha256_ = "0" * 64
    with pytest.raises(ValueError, match="another model file"):
        IntentClassifier.from_bytes(model.to_bytes())


@needs_hybrid
def test_texts_are_scored_in_chunks_with_the_same_figures(hybrid, monkeypatch) -> None:
    from review.engine import classifier

    # Chunks bound a batch's memory (issue 15); a text's scores do not depend on them.
    monkeypatch.setattr(classifier, "SCORE_CHUNK", 10**9)
    whole = hybrid.predict_proba(TEXTS[:7]), hybrid.predict(TEXTS[:7])
    monkeypatch.setattr(classifier, "SCORE_CHUNK", 3)
    assert np.array_equal(hybrid.predict_proba(TEXTS[:7]), whole[0])
    assert hybrid.predict(TEXTS[:7]) == whole[1]
