"""Risk flags learnt from labelled examples, beside the rules of `review.engine.risks`.

The rules catch the blunt words ("lawyer", "Klage", "GDPR"); customers who mean the same
often say it politely or indirectly ("I will have no choice but to seek legal advice", "Ich
sehe mich gezwungen, meinen Anwalt einzuschalten"). A small linear model learns those from
labelled examples: character n-grams (robust to German compounds, inflection and typos) and
word pairs, one logistic regression per flag. It reads each sentence on its own, so that one
threat in a long friendly message is not diluted by the rest.

The examples ship in ``review/fixtures/risks/examples.json`` (written for this project; the
``none`` examples are routine messages that must stay unflagged). A flag is raised when its
probability reaches `THRESHOLD`; like every flag, it asks a person to look, it never acts.

No Django imports; the model is trained once per process on first use (well under a second).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

EXAMPLES = files("review") / "fixtures" / "risks" / "examples.json"
NONE = "none"
# A flag is raised at this probability or above. Chosen on the cross-validated figures of
# `cross_validate` (docs/engine.md): no routine example flagged, most phrasings caught.
THRESHOLD = 0.5
# Regularisation of each flag's regression: small data, so a firm hand.
C = 16.0
MAX_DF = 0.1
_SCAN_LIMIT = 20_000
_MAX_SENTENCES = 60
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def labelled_examples() -> list[tuple[str, list[str]]]:
    """The shipped examples as (text, flags); routine messages have no flags."""
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    return [
        (text, [] if flag == NONE else [flag])
        for flag, texts in data.items()
        if not flag.startswith("_")
        for text in texts
    ]


def sentences(text: str) -> list[str]:
    """The sentences of a message (at most `_MAX_SENTENCES`), each as the model reads it."""
    parts = (" ".join(part.split()) for part in _SENTENCE_END.split(text[:_SCAN_LIMIT]))
    return [part for part in parts if part][:_MAX_SENTENCES]


def _features(n_examples: int) -> FeatureUnion:
    # An n-gram in more than a tenth of the examples ("ich habe", "this is") says nothing
    # about risk; kept, it lets "Ich habe bereits gekündigt" look like a legal threat. Too
    # few examples for a tenth to be a count: every n-gram is kept.
    max_df = MAX_DF if n_examples * MAX_DF >= 2 else 1.0
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, max_df=max_df
                ),
            ),
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=max_df)),
        ]
    )


@dataclass
class RiskModel:
    """One logistic regression per flag over shared n-gram features."""

    flags: tuple[str, ...]
    features: FeatureUnion
    models: dict[str, LogisticRegression]
    threshold: float = THRESHOLD

    def __post_init__(self):
        # Every message is read by this model (the suggestion job): the flags' weights side
        # by side, one product for all of them, instead of a `predict_proba` per flag whose
        # input checks cost more than the arithmetic (docs/performance.md, issue 16).
        models = list(self.models.values())
        self._weights = np.column_stack([m.coef_.ravel() for m in models]) if models else None
        self._intercepts = np.array([m.intercept_[0] for m in models])

    @classmethod
    def fit(cls, examples: Sequence[tuple[str, Sequence[str]]]) -> RiskModel:
        """Train on (text, flags) pairs; a flag needs examples with it and without it."""
        texts = [" ".join(text.split()) for text, _ in examples]
        flags = tuple(sorted({flag for _, labels in examples for flag in labels}))
        features = _features(len(texts))
        matrix = features.fit_transform(texts)
        models = {}
        for flag in flags:
            target = np.array([flag in labels for _, labels in examples])
            if target.all():
                continue  # nothing to tell it from
            model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear")
            models[flag] = model.fit(matrix, target)
        return cls(flags=tuple(models), features=features, models=models)

    def probabilities(self, text: str) -> dict[str, float]:
        """Each flag's highest probability over the sentences of `text` (0.0 without any).

        The figures of each regression's `predict_proba` (the sigmoid of its margin), to the
        last bit (tests/review/test_risk_phrasings.py), in one sparse product.
        """
        parts = sentences(text) if isinstance(text, str) else []
        if not parts or self._weights is None:
            return dict.fromkeys(self.flags, 0.0)
        # FeatureUnion.transform without its per-call machinery: each block, side by side.
        matrix = sparse.hstack(
            [block.transform(parts) for _, block in self.features.transformer_list]
        ).tocsr()
        margins = matrix @ self._weights + self._intercepts
        highest = expit(margins.max(axis=0))
        return {flag: float(p) for flag, p in zip(self.models, highest, strict=True)}

    def detect(self, text: str) -> list[str]:
        """The sorted flags whose probability reaches the threshold."""
        scores = self.probabilities(text)
        return sorted(flag for flag, p in scores.items() if p >= self.threshold)


@cache
def default_model() -> RiskModel:
    """The model trained on the shipped examples, once per process."""
    return RiskModel.fit(labelled_examples())


def cross_validate(
    folds: int = 5, seed: int = 0, threshold: float = THRESHOLD
) -> dict[str, dict[str, float]]:
    """Out-of-fold precision and recall per flag on the shipped examples (for the docs)."""
    examples = labelled_examples()
    order = np.random.default_rng(seed).permutation(len(examples))
    predicted: list[list[str]] = [[] for _ in examples]
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        model = RiskModel.fit([e for i, e in enumerate(examples) if i not in held])
        model.threshold = threshold
        for i in held:
            predicted[i] = model.detect(examples[i][0])
    figures = {}
    for flag in sorted({f for _, labels in examples for f in labels}):
        truth = [flag in labels for _, labels in examples]
        guess = [flag in found for found in predicted]
        hits = sum(t and g for t, g in zip(truth, guess, strict=True))
        figures[flag] = {
            "precision": hits / max(1, sum(guess)),
            "recall": hits / max(1, sum(truth)),
            "flagged_routine": sum(
                g and not labels for g, (_, labels) in zip(guess, examples, strict=True)
            ),
        }
    return figures
