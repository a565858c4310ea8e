"""From logits to calibrated probabilities: one temperature, and no claim beyond the evidence.

    p = softmax(logits / T), then the top intent's p at most (n + 1) / (n + 2)

T minimises the negative log-likelihood of held-out (out-of-fold) predictions (temperature
scaling: it keeps the order of the answers). On a small training set (the demo: 630
examples, 10 intents) it sharpens the logits until most messages read 1.00: the held-out
predictions are mostly right, and the NLL rewards certainty on them. But an intent with n
training examples cannot show more than Laplace's rule of succession allows, (n + 1) / (n +
2): after n right answers out of n, the next is right with that probability. So the top
intent's probability is capped there (0.985 for an intent with 63 examples, 0.992 with 130),
and the excess goes to the other intents in proportion. Confident answers stay confident and
in the same order; none is certain. Thresholds are chosen on the capped probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

# A tiny, perfectly separated holdout pushes the NLL optimum towards T -> 0, which would
# make every suggestion look certain; the lower bound keeps that from running away.
TEMPERATURE_BOUNDS = (0.2, 20.0)


def evidence_caps(counts: Sequence[int]) -> np.ndarray:
    """Each intent's highest probability: (n + 1) / (n + 2) for n training examples."""
    counts = np.asarray(counts, dtype=float)
    return (counts + 1.0) / (counts + 2.0)


def probabilities(
    logits: np.ndarray, temperature: float, caps: np.ndarray | None = None
) -> np.ndarray:
    """Calibrated probabilities of (n, K) logits; rows sum to 1."""
    proba = softmax(np.asarray(logits, dtype=float) / temperature, axis=1)
    if caps is None:
        return proba
    caps = np.asarray(caps, dtype=float)
    rows = np.arange(len(proba))
    top = proba.argmax(axis=1)
    excess = np.clip(proba[rows, top] - caps[top], 0.0, None)
    over = excess > 0
    if over.any():
        rest = proba[over].copy()
        rest[np.arange(over.sum()), top[over]] = 0.0
        share = rest / np.clip(rest.sum(axis=1, keepdims=True), 1e-300, None)
        proba[over] += share * excess[over, None]
        proba[rows[over], top[over]] = caps[top[over]]
    return proba


def nll(logits: np.ndarray, y: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the true classes `y` under softmax(logits / T)."""
    log_p = log_softmax(np.asarray(logits, dtype=float) / temperature, axis=1)
    return float(-log_p[np.arange(len(y)), y].mean())


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the held-out NLL (searched on log T)."""
    low, high = TEMPERATURE_BOUNDS
    result = minimize_scalar(
        lambda log_t: nll(logits, y, math.exp(log_t)),
        bounds=(math.log(low), math.log(high)),
        method="bounded",
    )
    return float(math.exp(result.x))
