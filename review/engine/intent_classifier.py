"""The calibrated intent classifier: one of the engines (`review.engine.classifier`), its
temperature and its per-intent thresholds, fitted, used and serialised together.

Calibration fits one temperature (never CalibratedClassifierCV). With ``folds=k`` the
temperature and the per-intent thresholds (`review.engine.calibration`) come from
out-of-fold predictions on the training data, then the model is refitted on every example;
without it, from a stratified 20 % holdout.

Usage::

    clf = IntentClassifier.fit(texts, labels, seed=0, folds=5, target_precision=0.98)
    clf.predict_one("Wo ist meine Bestellung?")  # Prediction(intent=..., confidence=..., ...)
    clf.threshold_for("order_status")  # the data-chosen minimum confidence, or None
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
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from review.engine.calibration import (
    DEFAULT_TARGET_PRECISION,
    Thresholds,
    choose_thresholds,
    expected_calibration_error,
)
from review.engine.classifier import (
    EMBEDDING_POOLINGS,
    ENGINES,
    build_pipeline,
    check_embedding_pin,
    pipeline_logits,
)
from review.engine.embeddings import DEFAULT_EMBEDDINGS, SentenceEmbedder, embedding_model

# Version 1 blobs written before the engine choice and thresholds existed load as "tfidf"
# without thresholds; the keys added since are optional.
FORMAT_VERSION = 1
N_ALTERNATIVES = 3
DEFAULT_FOLDS = 5
# A tiny, perfectly separated holdout pushes the NLL optimum towards T -> 0, which would
# make every suggestion look certain; the lower bound keeps that from running away.
TEMPERATURE_BOUNDS = (0.2, 20.0)


@dataclass(frozen=True)
class Prediction:
    """Top intent with its calibrated probability and the runners-up."""

    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


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

    def __init__(
        self,
        pipeline: Pipeline,
        temperature: float,
        metrics: dict[str, Any],
        *,
        engine: str = "tfidf",
        thresholds: Thresholds | None = None,
    ) -> None:
        """Wrap an already fitted pipeline, its temperature and its chosen thresholds."""
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature!r}")
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        self._pipeline = pipeline
        self.engine = engine
        self.temperature = float(temperature)
        self.metrics = metrics
        self.thresholds = thresholds
        self.labels: list[str] = [str(c) for c in pipeline.classes_]

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        seed: int = 0,
        holdout: float = 0.2,
        folds: int | None = None,
        engine: str = "tfidf",
        target_precision: float = DEFAULT_TARGET_PRECISION,
        sample_weight: Sequence[float] | None = None,
        embeddings: str = DEFAULT_EMBEDDINGS,
    ) -> IntentClassifier:
        """Train on `texts`/`labels`, calibrate on held-out predictions, refit on all data.

        With `folds=k` every example is predicted once by a model trained on the other
        folds (stratified k-fold, at most as many folds as the rarest intent has examples);
        otherwise a stratified `holdout` share is predicted by a model trained on the rest.
        The temperature is fitted to those held-out predictions, the per-intent thresholds
        for `target_precision` are chosen from them, and the final model is refitted on
        every example. Calibration is skipped (T = 1, no thresholds) when an intent has
        fewer than 2 examples or nothing is held out; `metrics["calibration"]` says which
        happened. `sample_weight` weighs examples in every fit (the learning loop's
        weights); held-out figures count every example once. `embeddings` chooses the
        hybrid engine's embedding model (`review.engine.embeddings.EMBEDDINGS`).
        """
        if len(texts) != len(labels):
            raise ValueError(f"got {len(texts)} texts but {len(labels)} labels")
        if not 0.0 <= holdout < 1.0:
            raise ValueError(f"holdout must be in [0, 1), got {holdout!r}")
        if folds is not None and folds < 2:
            raise ValueError(f"folds must be at least 2, got {folds!r}")
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        texts = [str(t) for t in texts]
        classes, y = np.unique([str(label) for label in labels], return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"need at least 2 distinct labels, got {len(classes)}")
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=float)
            if weights.shape != (len(texts),) or not (weights > 0).all():
                raise ValueError("sample_weight needs one positive weight per text")

        metrics: dict[str, Any] = {
            "engine": engine,
            "n_classes": len(classes),
            "labels": [str(c) for c in classes],
            "seed": int(seed),
            "sklearn_version": sklearn.__version__,
        }
        embedder = None
        if engine == "hybrid":
            spec = embedding_model(embeddings)
            poolings = EMBEDDING_POOLINGS if "minilm" in spec.parts else ("mean",)
            embedder = SentenceEmbedder(poolings=poolings, model=spec.name)
            embedder.remember(texts)  # embed once, reuse in every fold and the final fit
            metrics["embedding_model"] = spec.model_id
        try:
            temperature, thresholds = cls._calibrate(
                texts,
                y,
                classes,
                weights,
                seed,
                holdout,
                folds,
                engine,
                embedder,
                target_precision,
                metrics,
            )
            pipeline = build_pipeline(seed, engine, embedder)
            pipeline.fit(texts, classes[y], **_weights(weights))
        finally:
            if embedder is not None:
                embedder.forget()
        return cls(pipeline, temperature, metrics, engine=engine, thresholds=thresholds)

    @staticmethod
    def _calibrate(
        texts: list[str],
        y: np.ndarray,
        classes: np.ndarray,
        weights: np.ndarray | None,
        seed: int,
        holdout: float,
        folds: int | None,
        engine: str,
        embedder: Any,
        target_precision: float,
        metrics: dict[str, Any],
    ) -> tuple[float, Thresholds | None]:
        """Predict held-out examples, fit T on them, choose thresholds, record figures."""
        counts = np.bincount(y, minlength=len(classes))
        if folds is not None:
            n_splits = min(folds, int(counts.min()))
            splits = []
            if n_splits >= 2:
                splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
                splits = list(splitter.split(np.zeros(len(y)), y))
            mode = f"cross_validation ({n_splits} folds)"
        else:
            train_idx, held_idx = _stratified_split(y, len(classes), holdout, seed)
            splits = [(train_idx, held_idx)] if len(held_idx) else []
            mode = "holdout"
        if counts.min() < 2 or not splits:
            reason = "a class has fewer than 2 examples" if counts.min() < 2 else "empty holdout"
            metrics.update(
                calibration=f"skipped: {reason}, T=1",
                n_train=len(texts),
                n_holdout=0,
                temperature=1.0,
            )
            return 1.0, None

        held = np.concatenate([test for _, test in splits])
        logits = np.zeros((len(y), len(classes)))
        for train, test in splits:
            pipeline = build_pipeline(seed, engine, embedder)
            fold_weights = None if weights is None else weights[train]
            pipeline.fit([texts[i] for i in train], y[train], **_weights(fold_weights))
            # Every class is in every training part, so logit column j is class index j.
            logits[test] = pipeline_logits(pipeline, [texts[i] for i in test])
        logits, y_held = logits[held], y[held]
        temperature = _fit_temperature(logits, y_held)

        predicted = logits.argmax(axis=1)
        correct = (predicted == y_held).astype(float)
        before = softmax(logits, axis=1).max(axis=1)
        after = softmax(logits / temperature, axis=1).max(axis=1)
        thresholds = choose_thresholds(
            classes[predicted], after, correct, list(classes), target_precision=target_precision
        )
        n_train = len(texts) if folds is not None else len(texts) - len(held)
        metrics.update(
            calibration=mode,
            n_train=n_train,
            n_holdout=len(held),
            accuracy=float(correct.mean()),
            macro_f1=float(f1_score(y_held, predicted, average="macro", zero_division=0)),
            ece_before=expected_calibration_error(before, correct),
            ece_after=expected_calibration_error(after, correct),
            nll_before=_nll(logits, y_held, 1.0),
            nll_after=_nll(logits, y_held, temperature),
            temperature=temperature,
            thresholds=thresholds.as_metrics(),
        )
        return temperature, thresholds

    def threshold_for(self, intent: str) -> float | None:
        """The data-chosen minimum confidence for `intent` (inf: never automate; None: none)."""
        return None if self.thresholds is None else self.thresholds.threshold_for(intent)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in `self.labels` order."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, len(self.labels)))
        return softmax(pipeline_logits(self._pipeline, texts) / self.temperature, axis=1)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Return one calibrated prediction per text, in input order."""
        predictions = []
        for row in self.predict_proba(texts):
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
        """Serialise the model, its temperature, thresholds and metrics into a versioned blob.

        The hybrid engine's ONNX file is not in the blob, only its pinned SHA-256: the file
        comes from the installed package and is verified when the model first predicts.
        """
        payload = {
            "format_version": FORMAT_VERSION,
            "engine": self.engine,
            "pipeline": self._pipeline,
            "temperature": self.temperature,
            "metrics": self.metrics,
            "thresholds": None if self.thresholds is None else self.thresholds.as_metrics(),
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
        engine = payload.get("engine", "tfidf")
        if engine == "hybrid":
            check_embedding_pin(payload["pipeline"])
        stored = payload.get("thresholds")
        thresholds = None if stored is None else Thresholds.from_metrics(stored)
        return cls(
            payload["pipeline"],
            payload["temperature"],
            payload["metrics"],
            engine=engine,
            thresholds=thresholds,
        )


def _weights(weights: np.ndarray | None) -> dict[str, Any]:
    return {} if weights is None else {"model__sample_weight": weights}
