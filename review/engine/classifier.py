"""Intent classifier: TF-IDF word + character n-grams, logistic regression, temperature scaling.

Usage::

    clf = IntentClassifier.fit(texts, labels, seed=0)
    clf.predict_one("Wo ist meine Bestellung?")  # Prediction(intent=..., confidence=..., ...)
    blob = clf.to_bytes()
    same = IntentClassifier.from_bytes(blob)
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, Pipeline

FORMAT_VERSION = 1
ECE_BINS = 15
N_ALTERNATIVES = 3
# Weak regularisation: short support messages are sparse, and a stronger penalty flattens
# the scores of rare intents; over-confidence is corrected by the temperature afterwards.
REGULARISATION_C = 15.0
# A tiny, perfectly separated holdout pushes the NLL optimum towards T -> 0, which would
# make every suggestion look certain; the lower bound keeps that from running away.
TEMPERATURE_BOUNDS = (0.2, 20.0)


@dataclass(frozen=True)
class Prediction:
    """Top intent with its calibrated probability and the runners-up."""

    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


def _build_pipeline(seed: int) -> Pipeline:
    """Return an unfitted feature + model pipeline."""
    features = FeatureUnion(
        [
            # strip_accents=None so that umlauts and ß stay distinct features.
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    lowercase=True,
                    strip_accents=None,
                ),
            ),
            # Character n-grams cope with typos, inflections and German compounds.
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    lowercase=True,
                    strip_accents=None,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000, random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _logits(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Return an (n, n_classes) logit matrix, also for the binary case."""
    scores = np.asarray(pipeline.decision_function(list(texts)), dtype=np.float64)
    if scores.ndim == 1:
        # Binary logistic regression returns one margin; softmax([0, m]) == sigmoid(m).
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


def _nll(logits: np.ndarray, y: np.ndarray, temperature: float) -> float:
    """Return the mean negative log likelihood of softmax(logits / T)."""
    log_p = log_softmax(logits / temperature, axis=1)
    return float(-log_p[np.arange(len(y)), y].mean())


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Return the temperature minimising the holdout NLL (searched on log T)."""
    low, high = TEMPERATURE_BOUNDS
    result = minimize_scalar(
        lambda log_t: _nll(logits, y, math.exp(log_t)),
        bounds=(math.log(low), math.log(high)),
        method="bounded",
    )
    return float(math.exp(result.x))


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray) -> float:
    """Return the ECE of top-1 confidences over equal-width bins on (0, 1]."""
    if len(confidences) == 0:
        return 0.0
    # Bin b holds confidences in (b/15, (b+1)/15]; clip keeps 0.0 and 1.0 in range.
    bins = np.clip(np.ceil(confidences * ECE_BINS).astype(int) - 1, 0, ECE_BINS - 1)
    total = 0.0
    for b in range(ECE_BINS):
        mask = bins == b
        if mask.any():
            total += mask.sum() * abs(correct[mask].mean() - confidences[mask].mean())
    return float(total / len(confidences))


def _stratified_split(
    y: np.ndarray, n_classes: int, holdout: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train, holdout) indices, keeping at least one example per class in train."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    held: list[int] = []
    for cls in range(n_classes):
        idx = rng.permutation(np.flatnonzero(y == cls))
        n_held = min(len(idx) - 1, int(holdout * len(idx) + 0.5))
        held.extend(idx[:n_held].tolist())
        train.extend(idx[n_held:].tolist())
    return np.array(sorted(train), dtype=int), np.array(sorted(held), dtype=int)


class IntentClassifier:
    """Calibrated intent classifier; build it with `fit` or `from_bytes`, not directly."""

    def __init__(self, pipeline: Pipeline, temperature: float, metrics: dict[str, Any]) -> None:
        """Wrap an already fitted pipeline and its temperature."""
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature!r}")
        self._pipeline = pipeline
        self.temperature = float(temperature)
        self.metrics = metrics
        self.labels: list[str] = [str(c) for c in pipeline.classes_]

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        seed: int = 0,
        holdout: float = 0.2,
    ) -> IntentClassifier:
        """Train on `texts`/`labels`, calibrate on a stratified holdout, refit on all data.

        The temperature is fitted on the holdout split and kept for the final model,
        which is refitted on every example. Calibration is skipped (T = 1) when a class
        has fewer than 2 examples or the holdout would be empty; `metrics["calibration"]`
        says which happened.
        """
        if len(texts) != len(labels):
            raise ValueError(f"got {len(texts)} texts but {len(labels)} labels")
        if not 0.0 <= holdout < 1.0:
            raise ValueError(f"holdout must be in [0, 1), got {holdout!r}")
        texts = [str(t) for t in texts]
        classes, y = np.unique([str(label) for label in labels], return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"need at least 2 distinct labels, got {len(classes)}")

        metrics: dict[str, Any] = {
            "n_classes": len(classes),
            "labels": [str(c) for c in classes],
            "seed": int(seed),
            "sklearn_version": sklearn.__version__,
        }
        temperature = 1.0
        counts = np.bincount(y, minlength=len(classes))
        train_idx, held_idx = _stratified_split(y, len(classes), holdout, seed)
        if counts.min() < 2 or len(held_idx) == 0:
            reason = "a class has fewer than 2 examples" if counts.min() < 2 else "empty holdout"
            metrics.update(calibration=f"skipped: {reason}, T=1", n_train=len(texts), n_holdout=0)
        else:
            temperature = cls._calibrate(texts, y, train_idx, held_idx, seed, metrics)
            metrics.update(calibration="holdout", n_train=len(train_idx), n_holdout=len(held_idx))
        metrics["temperature"] = temperature

        pipeline = _build_pipeline(seed)
        pipeline.fit(texts, classes[y])
        return cls(pipeline, temperature, metrics)

    @staticmethod
    def _calibrate(
        texts: list[str],
        y: np.ndarray,
        train_idx: np.ndarray,
        held_idx: np.ndarray,
        seed: int,
        metrics: dict[str, Any],
    ) -> float:
        """Fit on the train split, fit T on the holdout and record holdout metrics."""
        pipeline = _build_pipeline(seed)
        pipeline.fit([texts[i] for i in train_idx], y[train_idx])
        logits = _logits(pipeline, [texts[i] for i in held_idx])
        y_held = y[held_idx]
        temperature = _fit_temperature(logits, y_held)

        # Every class is in the train split, so logit column j is class index j.
        predicted = logits.argmax(axis=1)
        correct = (predicted == y_held).astype(float)
        before = softmax(logits, axis=1).max(axis=1)
        after = softmax(logits / temperature, axis=1).max(axis=1)
        metrics.update(
            accuracy=float(correct.mean()),
            macro_f1=float(f1_score(y_held, predicted, average="macro", zero_division=0)),
            ece_before=expected_calibration_error(before, correct),
            ece_after=expected_calibration_error(after, correct),
            nll_before=_nll(logits, y_held, 1.0),
            nll_after=_nll(logits, y_held, temperature),
        )
        return temperature

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Return one calibrated prediction per text, in input order."""
        texts = [str(t) for t in texts]
        if not texts:
            return []
        probs = softmax(_logits(self._pipeline, texts) / self.temperature, axis=1)
        predictions = []
        for row in probs:
            # Stable sort on negated probabilities keeps label order on exact ties.
            order = np.argsort(-row, kind="stable")
            ranked = [(self.labels[i], float(row[i])) for i in order[: N_ALTERNATIVES + 1]]
            intent, confidence = ranked[0]
            predictions.append(Prediction(intent, confidence, tuple(ranked[1:])))
        return predictions

    def predict_one(self, text: str) -> Prediction:
        """Return the calibrated prediction for a single text."""
        return self.predict([text])[0]

    def to_bytes(self) -> bytes:
        """Serialise the model, its temperature and metrics into a versioned blob."""
        payload = {
            "format_version": FORMAT_VERSION,
            "pipeline": self._pipeline,
            "temperature": self.temperature,
            "metrics": self.metrics,
        }
        buffer = io.BytesIO()
        joblib.dump(payload, buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> IntentClassifier:
        """Load a blob produced by `to_bytes`; raise ValueError for an unknown format."""
        # Unpickling executes code. Model blobs come only from our own database, and
        # callers verify the SHA-256 stored beside the blob before calling this.
        payload = joblib.load(io.BytesIO(data))
        if not isinstance(payload, dict):
            raise ValueError("not an intent classifier blob")
        version = payload.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(
                f"unsupported classifier format version {version!r} (expected {FORMAT_VERSION})"
            )
        return cls(payload["pipeline"], payload["temperature"], payload["metrics"])
