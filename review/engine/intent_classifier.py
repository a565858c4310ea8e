"""The calibrated intent classifier: one of the engines (`review.engine.classifier`), its
temperature and its per-intent thresholds, fitted, used and serialised together.

Calibration fits one temperature and caps each intent's probability at what its examples
can show (`review.engine.scaling`; never CalibratedClassifierCV). With ``folds=k`` they, the
out-of-scope score (`review.engine.out_of_scope`) and the per-intent thresholds
(`review.engine.calibration`) come from out-of-fold predictions on the training data, then the
model is refitted on every example; without it, from a stratified 20 % holdout.

Usage::

    clf = IntentClassifier.fit(texts, labels, seed=0, folds=5, target_precision=0.98)
    clf.predict_one("Wo ist meine Bestellung?")  # Prediction(intent=..., confidence=..., ...)
    clf.threshold_for("order_status")  # the data-chosen minimum confidence, or None
    blob = clf.to_bytes()
    same = IntentClassifier.from_bytes(blob)
"""

from __future__ import annotations

import io
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import sklearn
from scipy.special import softmax
from sklearn.metrics import f1_score
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
    pipeline_scores,
)
from review.engine.embeddings import DEFAULT_EMBEDDINGS, SentenceEmbedder, embedding_model
from review.engine.groups import fold_splits, group_ids, spread_columns
from review.engine.out_of_scope import OutOfScopeScorer
from review.engine.scaling import evidence_caps, fit_temperature, nll, probabilities

# Version 1 blobs written before the engine choice and thresholds existed load as "tfidf"
# without thresholds; the keys added since are optional.
FORMAT_VERSION = 1
N_ALTERNATIVES = 3
DEFAULT_FOLDS = 5
# Pseudo-examples of the calibrated claim weighing each intent's record in threshold selection
# (`review.engine.calibration`), chosen on BANKING77's out-of-fold predictions: the pooled bound
# already guards the precision (docs/engine.md, "`tfidf`'s coverage", "`hybrid`'s coverage").
PRIOR_STRENGTHS = {"tfidf": 2000.0, "hybrid": 2000.0}


@dataclass(frozen=True)
class Prediction:
    """Top intent with its calibrated probability and the runners-up.

    `oos_score` (0 to 1, higher: more likely out of scope) and `out_of_scope` (above the
    intent's cut: routing sends it to a person) come from `review.engine.out_of_scope`;
    a model without a scorer gives 0.0 and False.
    """

    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    oos_score: float = 0.0
    out_of_scope: bool = False


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
        out_of_scope: OutOfScopeScorer | None = None,
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
        self.out_of_scope = out_of_scope
        self.labels: list[str] = [str(c) for c in pipeline.classes_]
        # Each intent's highest probability (`review.engine.scaling`; none before it existed).
        caps = metrics.get("evidence_caps")
        self.caps = None if caps is None else np.array([caps[label] for label in self.labels])

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
        routing: dict[str, Any] | None = None,
        out_of_scope_labels: Sequence[str] = (),
        embeddings: str = DEFAULT_EMBEDDINGS,
        groups: Sequence[Hashable | None] | None = None,
    ) -> IntentClassifier:
        """Train on `texts`/`labels`, calibrate on held-out predictions, refit on all data.

        `routing` holds routing's rules that threshold selection applies as routing does
        (`choose_thresholds`: ``floor``, ``supervisor``, ``default_supervisor``);
        `out_of_scope_labels` names the catch-all intents, left out of the out-of-scope
        score's reference (`review.engine.out_of_scope`).

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

        `groups` names each example's group (a message, a customer; None: the example
        alone); examples with the same text (case and white space folded) are one group
        whatever `groups` says (`review.engine.groups.group_ids`). When a group holds more
        than one example the folds are StratifiedGroupKFold (at most as many as there are
        groups) and the halves of the pooled check keep groups whole: no fold predicts an
        example whose copy or sibling it trained on. Without shared groups the folds are as
        before, bit for bit.
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
        group = group_ids(texts, groups)
        if len(np.unique(group)) == len(texts):
            group = None  # nothing shared: the plain stratified folds
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
            "n_groups": len(texts) if group is None else int(group.max()) + 1,
        }
        embedder = None
        if engine == "hybrid":
            spec = embedding_model(embeddings)
            poolings = EMBEDDING_POOLINGS if "minilm" in spec.parts else ("mean",)
            embedder = SentenceEmbedder(poolings=poolings, model=spec.name)
            embedder.remember(texts)  # embed once, reuse in every fold and the final fit
            metrics["embedding_model"] = spec.model_id
        try:
            temperature, thresholds, scorer = cls._calibrate(
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
                dict(routing or {}),
                {str(label) for label in out_of_scope_labels},
                group,
            )
            pipeline = build_pipeline(seed, engine, embedder)
            pipeline.fit(texts, classes[y], **_weights(weights))
        finally:
            if embedder is not None:
                embedder.forget()
        return cls(
            pipeline,
            temperature,
            metrics,
            engine=engine,
            thresholds=thresholds,
            out_of_scope=scorer,
        )

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
        routing: dict[str, Any],
        out_of_scope_labels: set[str],
        group: np.ndarray | None = None,
    ) -> tuple[float, Thresholds | None, OutOfScopeScorer | None]:
        """Predict held-out examples, fit T on them, choose thresholds, record figures."""
        counts = np.bincount(y, minlength=len(classes))
        if folds is not None:
            n_splits, splits = fold_splits(y, group, min(folds, int(counts.min())), seed)
            mode = f"cross_validation ({n_splits} {'grouped ' if group is not None else ''}folds)"
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
            return 1.0, None, None

        held = np.concatenate([test for _, test in splits])
        logits = np.zeros((len(y), len(classes)))
        neighbours = np.zeros((len(y), len(classes))) if engine == "hybrid" else None
        for train, test in splits:
            pipeline = build_pipeline(seed, engine, embedder)
            fold_weights = None if weights is None else weights[train]
            pipeline.fit([texts[i] for i in train], y[train], **_weights(fold_weights))
            fold_logits, fold_neighbours = pipeline_scores(pipeline, [texts[i] for i in test])
            # Ungrouped, every class is in every training part. A grouped part can lack a
            # class whose groups all fell in this fold: its column gets the row's lowest
            # score (this fold's model cannot predict it).
            seen = np.asarray(pipeline.classes_, dtype=int)
            logits[test] = spread_columns(fold_logits, seen, len(classes))
            if neighbours is not None:
                neighbours[test] = spread_columns(fold_neighbours, seen, len(classes))
            del pipeline  # one fold's model at a time: the peak is one fit, not five
        logits, y_held = logits[held], y[held]
        temperature = fit_temperature(logits, y_held)
        caps = evidence_caps(counts)

        predicted = logits.argmax(axis=1)
        correct = (predicted == y_held).astype(float)
        before = softmax(logits, axis=1).max(axis=1)
        after = probabilities(logits, temperature, caps).max(axis=1)
        in_scope = np.array([str(c) not in out_of_scope_labels for c in classes[y_held]])
        held_neighbours, held_groups = (None if a is None else a[held] for a in (neighbours, group))
        scorer, oos_scores = OutOfScopeScorer.from_out_of_fold(
            logits, temperature, held_neighbours, classes[predicted], classes, in_scope, held_groups
        )
        thresholds = choose_thresholds(
            classes[predicted],
            after,
            correct,
            list(classes),
            target_precision=target_precision,
            eligible=scorer.within(classes[predicted], oos_scores),
            prior_strength=PRIOR_STRENGTHS[engine],
            seed=seed,
            groups=None if group is None else group[held],
            **routing,
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
            nll_before=nll(logits, y_held, 1.0),
            nll_after=nll(logits, y_held, temperature),
            temperature=temperature,
            evidence_caps={str(c): round(float(v), 6) for c, v in zip(classes, caps, strict=True)},
            thresholds=thresholds.as_metrics(),
            out_of_scope={
                "cuts": dict(scorer.cuts),
                "quantile": scorer.quantile,
                "signals": scorer.signals(),
                "oof_cut_share": float(1.0 - scorer.within(classes[predicted], oos_scores).mean()),
            },
        )
        return temperature, thresholds, scorer

    def threshold_for(self, intent: str) -> float | None:
        """The data-chosen minimum confidence for `intent` (inf: never automate; None: none)."""
        return None if self.thresholds is None else self.thresholds.threshold_for(intent)

    def _scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(calibrated probabilities, oos scores) for `texts`."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, len(self.labels))), np.zeros(0)
        logits, neighbours = pipeline_scores(self._pipeline, texts)
        proba = probabilities(logits, self.temperature, self.caps)
        if self.out_of_scope is None:
            return proba, np.zeros(len(texts))
        return proba, self.out_of_scope.score_logits(logits, self.temperature, neighbours)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in `self.labels` order."""
        return self._scores(texts)[0]

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Return one calibrated prediction per text, in input order."""
        predictions = []
        proba, oos_scores = self._scores(texts)
        for row, oos_score in zip(proba, oos_scores, strict=True):
            # Stable sort on negated probabilities keeps label order on exact ties.
            order = np.argsort(-row, kind="stable")
            ranked = [(self.labels[i], float(row[i])) for i in order[: N_ALTERNATIVES + 1]]
            intent, confidence = ranked[0]
            out = self.out_of_scope is not None and oos_score > self.out_of_scope.cut_for(intent)
            predictions.append(
                Prediction(intent, confidence, tuple(ranked[1:]), float(oos_score), bool(out))
            )
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
            "out_of_scope": None if self.out_of_scope is None else self.out_of_scope.as_metrics(),
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
        scorer = payload.get("out_of_scope")
        return cls(
            payload["pipeline"],
            payload["temperature"],
            payload["metrics"],
            engine=engine,
            thresholds=thresholds,
            out_of_scope=None if scorer is None else OutOfScopeScorer.from_metrics(scorer),
        )


def _weights(weights: np.ndarray | None) -> dict[str, Any]:
    return {} if weights is None else {"model__sample_weight": weights}
