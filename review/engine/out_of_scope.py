"""The out-of-scope score: how unlike every intent's training messages a message is.

Max probability is a weak out-of-scope signal: softmax spreads the same probability mass
over the known intents whether the message is close to one of them or far from all. The
score combines signals that see the distance:

* **energy** (Liu et al. 2020), ``-T * logsumexp(logits / T)``: low when some intent's logit
  is high in absolute terms, not only relative to the others;
* for ``hybrid``, **neighbour distance**: one minus the best intent's neighbour similarity
  (the mean cosine similarity of its 3 nearest training messages,
  `classifier._HybridEnsemble`): a message far from every training message belongs to none;
* for ``tfidf``, **nearest logits** (Sun et al. 2022, in the classifier's output space): one
  minus the cosine similarity of a message's logit vector to the nearest out-of-fold logit
  vector of a training message (the scorer keeps them, float32, unit length): a message whose
  pattern of scores over all intents no training message showed is unusual even where its
  top score is high. A training message is compared with the others outside its own group
  (`review.engine.groups`), as a new message is with all of them.

Each signal is standardised on the out-of-fold predictions of the training messages (every
message scored by a model that did not see it, the way a new message is), and the signals are
averaged with equal weights (no out-of-scope data is needed to fit them). ``oos_score`` is the
rank of that average among the out-of-fold messages of the known intents: 0.97 means more
unusual than 97 % of them; higher means more likely out of scope.

**Cuts.** Each intent's cut is the `CUT_QUANTILE` quantile of the scores of the out-of-fold
messages predicted as it (at least `MIN_PER_INTENT` of them; fewer: the pooled quantile): a
message above its predicted intent's cut is out of scope, and routing sends it to a person
(reason ``out_of_scope``). By construction about 1 - `CUT_QUANTILE` of in-scope messages are
cut too: that is the coverage the check costs. Messages of an ``out_of_scope`` catch-all
intent (where one exists) are trained as a class and left out of the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

CUT_QUANTILE = 0.99
MIN_PER_INTENT = 30
REFERENCE_POINTS = 1001
BLOCK = 512


def components(
    logits: np.ndarray,
    temperature: float,
    neighbours: np.ndarray | None,
    reference: np.ndarray | None = None,
    exclude: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """(n, k) raw signals, each higher for a message more likely out of scope: energy, the
    neighbour distance (with `neighbours`), the nearest-logits distance (with `reference`;
    `exclude` = (each row's group, the reference rows' groups) leaves a row's own group out)."""
    columns = [-temperature * logsumexp(np.asarray(logits) / temperature, axis=1)]
    if neighbours is not None:
        columns.append(1.0 - np.asarray(neighbours, dtype=float).max(axis=1))
    if reference is not None:
        columns.append(nearest_logits_distance(logits, reference, exclude))
    return np.column_stack(columns)


def unit_rows(logits: np.ndarray) -> np.ndarray:
    """Logit vectors scaled to unit length, float32: the nearest-logits reference."""
    logits = np.asarray(logits, dtype=np.float64)
    norms = np.clip(np.linalg.norm(logits, axis=1, keepdims=True), 1e-12, None)
    return (logits / norms).astype(np.float32)


def nearest_logits_distance(
    logits: np.ndarray,
    reference: np.ndarray,
    exclude: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """One minus each row's largest cosine similarity to a `reference` row (in blocks of
    `BLOCK` rows: the similarity matrix is never n by n)."""
    query = unit_rows(logits).astype(np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    out = np.empty(len(query))
    for start in range(0, len(query), BLOCK):
        similarity = query[start : start + BLOCK] @ reference.T
        if exclude is not None:
            own, groups = exclude
            similarity[np.asarray(own)[start : start + BLOCK, None] == groups[None, :]] = -np.inf
        out[start : start + BLOCK] = 1.0 - similarity.max(axis=1)
    return out


@dataclass
class OutOfScopeScorer:
    """Standardisation of the signals, the out-of-fold reference, and each intent's cut."""

    centre: list[float]
    scale: list[float]
    reference: list[float]
    cuts: dict[str, float] = field(default_factory=dict)
    quantile: float = CUT_QUANTILE
    # The nearest-logits reference (`unit_rows` of the out-of-fold logits; None: no such signal).
    logits: np.ndarray | None = field(default=None, compare=False, repr=False)

    @classmethod
    def fit(
        cls,
        raw: np.ndarray,
        predicted: Sequence[str],
        labels: Sequence[str],
        *,
        in_scope: np.ndarray | None = None,
        quantile: float = CUT_QUANTILE,
        logits: np.ndarray | None = None,
    ) -> OutOfScopeScorer:
        """Fit on out-of-fold signals (`components`) and the intents predicted for them;
        `logits` is the nearest-logits reference the signals were computed against."""
        raw = np.asarray(raw, dtype=float)
        keep = np.ones(len(raw), dtype=bool) if in_scope is None else np.asarray(in_scope)
        centre = raw[keep].mean(axis=0)
        scale = np.clip(raw[keep].std(axis=0), 1e-9, None)
        combined = ((raw - centre) / scale).mean(axis=1)
        reference = np.quantile(combined[keep], np.linspace(0.0, 1.0, REFERENCE_POINTS))
        scorer = cls(
            centre.tolist(), scale.tolist(), reference.tolist(), quantile=quantile, logits=logits
        )
        scores = scorer.rank(combined)
        predicted_arr = np.asarray([str(p) for p in predicted], dtype=object)
        pooled = float(np.quantile(scores[keep], quantile))
        for label in labels:
            mine = scores[keep & (predicted_arr == str(label))]
            cut = float(np.quantile(mine, quantile)) if len(mine) >= MIN_PER_INTENT else pooled
            scorer.cuts[str(label)] = round(cut, 4)
        return scorer

    def score_logits(
        self, logits: np.ndarray, temperature: float, neighbours: np.ndarray | None
    ) -> np.ndarray:
        """``oos_score`` of new messages from the model's logits (and neighbour similarities)."""
        return self.score(components(logits, temperature, neighbours, self.logits))

    @classmethod
    def from_out_of_fold(
        cls,
        logits: np.ndarray,
        temperature: float,
        neighbours: np.ndarray | None,
        predicted: Sequence[str],
        labels: Sequence[str],
        in_scope: np.ndarray,
        groups: np.ndarray | None = None,
    ) -> tuple[OutOfScopeScorer, np.ndarray]:
        """The scorer of `IntentClassifier.fit` and the out-of-fold rows' scores. Signals:
        energy and either the neighbour distance (`hybrid`, with `neighbours`) or the
        nearest-logits distance against the in-scope rows' out-of-fold logits, own group left
        out (`tfidf`; on `hybrid` it was not validated, docs/engine.md)."""
        reference = exclude = None
        if neighbours is None:
            own = np.arange(len(logits)) if groups is None else np.asarray(groups)
            reference, exclude = unit_rows(logits[in_scope]), (own, own[in_scope])
        raw = components(logits, temperature, neighbours, reference, exclude)
        scorer = cls.fit(raw, predicted, labels, in_scope=in_scope, logits=reference)
        return scorer, scorer.score(raw)

    def signals(self) -> list[str]:
        """The signals' names, in `components` order."""
        nearest = [] if self.logits is None else ["nearest_logits"]
        neighbour = ["neighbour_distance"] if len(self.centre) > 1 + len(nearest) else []
        return ["energy", *neighbour, *nearest]

    def rank(self, combined: np.ndarray) -> np.ndarray:
        """Share of the reference below each combined value, in [0, 1]."""
        reference = np.asarray(self.reference)
        return np.interp(combined, reference, np.linspace(0.0, 1.0, len(reference)))

    def score(self, raw: np.ndarray) -> np.ndarray:
        """``oos_score`` in [0, 1] for rows of `components`."""
        raw = np.asarray(raw, dtype=float)
        combined = ((raw - np.asarray(self.centre)) / np.asarray(self.scale)).mean(axis=1)
        return np.round(self.rank(combined), 4)

    def cut_for(self, intent: str) -> float:
        """The intent's cut: above it a message predicted as `intent` is out of scope."""
        return self.cuts.get(str(intent), 1.0)

    def within(self, intents: Sequence[str], scores: np.ndarray) -> np.ndarray:
        """Boolean mask: which predictions are within their intent's cut (in scope)."""
        cuts = np.array([self.cut_for(i) for i in intents], dtype=float)
        return np.asarray(scores, dtype=float) <= cuts

    def as_metrics(self) -> dict:
        return {
            "centre": list(self.centre),
            "scale": list(self.scale),
            "reference": list(self.reference),
            "cuts": dict(self.cuts),
            "quantile": self.quantile,
            **({} if self.logits is None else {"logits": self.logits}),
        }

    @classmethod
    def from_metrics(cls, data: dict) -> OutOfScopeScorer:
        return cls(
            centre=[float(v) for v in data["centre"]],
            scale=[float(v) for v in data["scale"]],
            reference=[float(v) for v in data["reference"]],
            cuts={k: float(v) for k, v in data["cuts"].items()},
            quantile=float(data.get("quantile", CUT_QUANTILE)),
            logits=None if data.get("logits") is None else np.asarray(data["logits"], np.float32),
        )
