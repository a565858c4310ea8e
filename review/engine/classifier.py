"""Intent classifier: TF-IDF word + character n-grams, logistic regression, temperature scaling.

Two engines share this class:

* ``tfidf`` (default, always installed): TF-IDF over word 1-2-grams and char_wb 2-5-grams
  (sublinear tf) into one multinomial LogisticRegression;
* ``hybrid`` (optional extra ``enhanced``): the same TF-IDF features and all-MiniLM-L6-v2
  sentence embeddings (`review.engine.embeddings`; mean, [CLS] and max pooling of one ONNX
  run) scored by three members whose logits are summed (`_HybridEnsemble`): a
  LogisticRegression on the TF-IDF block, one on the embedding block, and a nearest-neighbour
  score (per intent, the mean cosine similarity of the 3 most similar training messages).

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
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from review.engine.calibration import (
    DEFAULT_TARGET_PRECISION,
    Thresholds,
    choose_thresholds,
    expected_calibration_error,
)

# Version 1 blobs written before the engine choice and thresholds existed load as "tfidf"
# without thresholds; the keys added since are optional.
FORMAT_VERSION = 1
ENGINES = ("tfidf", "hybrid")
N_ALTERNATIVES = 3
DEFAULT_FOLDS = 5
# Weak regularisation: short support messages are sparse, and a stronger penalty flattens
# the scores of rare intents; over-confidence is corrected by the temperature afterwards.
REGULARISATION_C = 15.0
# A tiny, perfectly separated holdout pushes the NLL optimum towards T -> 0, which would
# make every suggestion look certain; the lower bound keeps that from running away.
TEMPERATURE_BOUNDS = (0.2, 20.0)
CHAR_MIN_DF = 2
# The hybrid engine's embedding views (each unit length), and its nearest-neighbour member:
# the k most similar training messages per intent, their mean cosine similarity times the
# weight is added to the two regressions' logits. On BANKING77 (5 folds) the three members
# raise the out-of-fold coverage at 98 % from 82.8 % (one joint regression) to 84.8 %, the
# test coverage from 84.0 % to 85.7 % (realised precision 98.5 %).
EMBEDDING_POOLINGS = ("mean", "cls", "max")  # mean first: the neighbour member uses it
MEAN_VIEW_DIM = 384
NEIGHBOURS = 3
NEIGHBOUR_WEIGHT = 25.0

__all__ = [
    "ENGINES",
    "IntentClassifier",
    "Prediction",
    "expected_calibration_error",
]


@dataclass(frozen=True)
class Prediction:
    """Top intent with its calibrated probability and the runners-up."""

    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


def _build_pipeline(seed: int, engine: str = "tfidf", embedder: Any = None) -> Pipeline:
    """Return an unfitted feature + model pipeline for `engine`."""
    blocks: list[tuple[str, Any]] = [
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
        # Character n-grams cope with typos, inflections and German compounds. Those seen in
        # one message only (mostly names, numbers and typos) are dropped: a smaller model,
        # and on BANKING77 no loss (docs/engine.md).
        (
            "char",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                sublinear_tf=True,
                lowercase=True,
                strip_accents=None,
                min_df=CHAR_MIN_DF,
            ),
        ),
    ]
    model: Any = LogisticRegression(C=REGULARISATION_C, max_iter=5000, random_state=seed)
    if engine == "hybrid":
        # The embedding block comes last; the ensemble splits the columns there.
        blocks.append(("minilm", embedder))
        model = _HybridEnsemble(embedding_dim=embedder.dimension, seed=seed)
    elif engine != "tfidf":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    features = FeatureUnion(blocks)
    return Pipeline([("features", features), ("model", model)])


def _margins(model: LogisticRegression, features: Any) -> np.ndarray:
    """A LogisticRegression's (n, n_classes) logits, also for the binary case."""
    scores = np.asarray(model.decision_function(features), dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


class _HybridEnsemble(ClassifierMixin, BaseEstimator):
    """The hybrid engine's model: three members on [TF-IDF | embeddings] rows, logits summed.

    The last `embedding_dim` columns are the embedding views (the first 384 of them mean
    pooling), the others TF-IDF. Members: a LogisticRegression on the TF-IDF columns, one on
    the embedding columns, and a nearest-neighbour score on the mean-pooled view (for each
    intent, the mean cosine similarity of its `neighbours` most similar training messages,
    times `neighbour_weight`). Separate regressions err on different messages, and the
    neighbour score is not a linear function of the features: summed, right and wrong
    predictions separate better than in one joint regression. The neighbour member keeps
    the training embeddings (float32) and ignores sample weights.
    """

    def __init__(
        self,
        embedding_dim: int,
        seed: int = 0,
        C: float = REGULARISATION_C,
        neighbours: int = NEIGHBOURS,
        neighbour_weight: float = NEIGHBOUR_WEIGHT,
    ) -> None:
        self.embedding_dim = embedding_dim
        self.seed = seed
        self.C = C
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight

    def _split(self, features: Any) -> tuple[Any, Any]:
        # Sparse rows throughout: sparse products go row by row, so a text's scores never
        # depend on the batch it came in (dense BLAS products may round differently).
        features = sparse.csr_matrix(features)
        split = features.shape[1] - self.embedding_dim
        return features[:, :split], features[:, split:]

    def fit(
        self, features: Any, y: Any, sample_weight: np.ndarray | None = None
    ) -> _HybridEnsemble:
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        text, vectors = self._split(features)
        self.text_model_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
        self.text_model_.fit(text, codes, sample_weight=sample_weight)
        self.embedding_model_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
        # Fitting on the dense block is twice as fast; scoring stays sparse (`_split`).
        self.embedding_model_.fit(vectors.toarray(), codes, sample_weight=sample_weight)
        # Neighbour index: mean-pooled training vectors grouped by class.
        order = np.argsort(codes, kind="stable")
        self.neighbour_vectors_ = vectors[order, :MEAN_VIEW_DIM].toarray().astype(np.float32)
        counts = np.bincount(codes, minlength=len(self.classes_))
        self.neighbour_bounds_ = np.concatenate([[0], np.cumsum(counts)])
        return self

    def _neighbour_scores(self, vectors: Any) -> np.ndarray:
        queries = vectors[:, :MEAN_VIEW_DIM].toarray().astype(np.float32)
        index, bounds = self.neighbour_vectors_, self.neighbour_bounds_
        out = np.zeros((len(queries), len(self.classes_)))
        for start in range(0, len(queries), 1024):
            chunk = queries[start : start + 1024]
            # One matrix-vector product per text, for the same reason as in `_split`.
            similarity = np.empty((len(chunk), len(index)), dtype=np.float32)
            for row, query in enumerate(chunk):
                similarity[row] = index @ query
            for cls in range(len(self.classes_)):
                block = similarity[:, bounds[cls] : bounds[cls + 1]]
                k = min(self.neighbours, block.shape[1])
                top = -np.partition(-block, k - 1, axis=1)[:, :k]
                out[start : start + 1024, cls] = top.mean(axis=1)
        return out

    def decision_function(self, features: Any) -> np.ndarray:
        text, vectors = self._split(features)
        return (
            _margins(self.text_model_, text)
            + _margins(self.embedding_model_, vectors)
            + self.neighbour_weight * self._neighbour_scores(vectors)
        )

    def predict(self, features: Any) -> np.ndarray:
        return self.classes_[self.decision_function(features).argmax(axis=1)]


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
        weights); held-out figures count every example once.
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
            from review.engine.embeddings import MODEL_ID, SentenceEmbedder

            embedder = SentenceEmbedder(poolings=EMBEDDING_POOLINGS)
            embedder.remember(texts)  # embed once, reuse in every fold and the final fit
            metrics["embedding_model"] = MODEL_ID
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
            pipeline = _build_pipeline(seed, engine, embedder)
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
            pipeline = _build_pipeline(seed, engine, embedder)
            fold_weights = None if weights is None else weights[train]
            pipeline.fit([texts[i] for i in train], y[train], **_weights(fold_weights))
            # Every class is in every training part, so logit column j is class index j.
            logits[test] = _logits(pipeline, [texts[i] for i in test])
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
        return softmax(_logits(self._pipeline, texts) / self.temperature, axis=1)

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
            _check_embedding_pin(payload["pipeline"])
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


def _check_embedding_pin(pipeline: Pipeline) -> None:
    """Refuse a hybrid model whose embeddings came from another model file than ours."""
    from review.engine.embeddings import MODEL_FILE

    for name, block in pipeline.named_steps["features"].transformer_list:
        if name == "minilm" and getattr(block, "model_sha256_", None) != MODEL_FILE.sha256:
            raise ValueError(
                "hybrid model was trained on embeddings from another model file "
                f"({getattr(block, 'model_sha256_', None)!r}); refusing to load it"
            )
