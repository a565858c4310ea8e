"""Calibration figures and per-intent thresholds chosen from held-out predictions.

A supervisor sets a target precision (say 0.98: at most 2 % of the automated messages wrong);
the thresholds follow from data. The data are out-of-fold predictions: every training example
predicted by a model that did not see it (`IntentClassifier.fit(..., folds=5)`), so every
example is held out once and the thresholds rest on thousands of predictions rather than on
a small validation split.

For each intent (the *predicted* intent, which is what routing looks at) the threshold is the
lowest confidence t at which the messages predicted as that intent with confidence >= t reach
the target precision, *with a margin for small samples*:

    (correct_c(t) + m * claimed_c(t)) / (n_c(t) + m)  >=  target

* ``claimed_c(t)`` is the mean calibrated confidence of those messages: what the model
  itself claims their precision is. The intent's record is weighed against ``m =
  PRIOR_STRENGTH`` (300) pseudo-examples of that claim: at a 2 % error rate an intent with
  130 examples expects fewer than three errors, so a short lucky streak cannot set a low
  threshold, and a record worse than the claim raises the threshold as far as it shows.
* Then the pooled check: the Clopper-Pearson lower bound (95 %) of the precision of
  everything automated must reach the target too; while it does not, every intent's bar is
  raised by 0.001.

Statuses: "chosen" (a threshold); "unreachable" (the intent's record reaches the bar at no
threshold, where a flawless record would have: never automate); "no_data" (never
predicted); "insufficient_data" (not even a flawless record would show the target: too few
held-out predictions for the intent, or fewer than ~150 in all at 0.98, or too few to pass
the pooled bound together; there is no data threshold, and routing keeps the supervisor's
own).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta

ECE_BINS = 15
DEFAULT_TARGET_PRECISION = 0.98
PRIOR_STRENGTH = 300.0
CONFIDENCE_LEVEL = 0.95
# Candidate thresholds are rounded to this grid so that a stored threshold means the same
# thing after a JSON round trip and reads well on a policy page.
THRESHOLD_DECIMALS = 4


def expected_calibration_error(confidences: np.ndarray, correct: np.ndarray) -> float:
    """Return the ECE of top-1 confidences over equal-width bins on (0, 1]."""
    confidences = np.asarray(confidences, dtype=float)
    correct = np.asarray(correct, dtype=float)
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


def clopper_pearson_lower(successes: int, n: int, confidence: float = 0.95) -> float:
    """One-sided Clopper-Pearson lower bound of a binomial proportion (0 for n = 0)."""
    if n == 0 or successes == 0:
        return 0.0
    return float(beta.ppf(1.0 - confidence, successes, n - successes + 1))


def risk_coverage(confidences: np.ndarray, correct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coverage and error rate when automating the k most confident messages, k = 1..n."""
    order = np.argsort(-np.asarray(confidences, dtype=float), kind="stable")
    errors = np.cumsum(1.0 - np.asarray(correct, dtype=float)[order])
    k = np.arange(1, len(order) + 1)
    return k / len(order), errors / k


def aurc(confidences: np.ndarray, correct: np.ndarray) -> float:
    """Area under the risk-coverage curve (lower is better; 0 for a perfect ranking)."""
    if len(confidences) == 0:
        return 0.0
    _, risk = risk_coverage(confidences, correct)
    return float(risk.mean())


def auroc(scores_positive: np.ndarray, scores_negative: np.ndarray) -> float | None:
    """Probability that a positive scores higher than a negative (ties count half)."""
    pos = np.asarray(scores_positive, dtype=float)
    neg = np.asarray(scores_negative, dtype=float)
    if len(pos) == 0 or len(neg) == 0:
        return None
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_values = allv[order]
    # Average ranks over ties (1-based).
    start = 0
    while start < len(allv):
        end = start
        while end + 1 < len(allv) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    rank_sum = ranks[: len(pos)].sum()
    return float((rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


@dataclass
class Thresholds:
    """Per-intent thresholds chosen for one target precision, and what they achieved."""

    target_precision: float
    per_intent: dict[str, float | None]
    status: dict[str, str]
    prior_strength: float = PRIOR_STRENGTH
    # The precision each intent had to reach (the target, raised by the pooled check).
    bar: float | None = None
    # Figures on the held-out predictions the thresholds were chosen on.
    coverage: float = 0.0
    precision: float | None = None
    precision_bound: float = 0.0
    n: int = 0

    def threshold_for(self, intent: str) -> float | None:
        """The intent's threshold; +inf when it may never be automated; None without data."""
        status = self.status.get(intent)
        if status == "unreachable":
            return math.inf
        return self.per_intent.get(intent)

    def automated(self, intents: Sequence[str], confidences: np.ndarray) -> np.ndarray:
        """Boolean mask: which predictions clear their intent's threshold."""
        out = np.zeros(len(intents), dtype=bool)
        for i, (intent, confidence) in enumerate(zip(intents, confidences, strict=True)):
            threshold = self.threshold_for(intent)
            out[i] = threshold is not None and confidence >= threshold
        return out

    def as_metrics(self) -> dict:
        """JSON-ready form for `ModelVersion.metrics["thresholds"]`."""
        return {
            "method": "per-intent, shrunk to the calibrated claim, pooled Clopper-Pearson check",
            "target_precision": self.target_precision,
            "prior_strength": self.prior_strength,
            "bar": self.bar,
            "per_intent": dict(self.per_intent),
            "status": dict(self.status),
            "oof_coverage": self.coverage,
            "oof_precision": self.precision,
            "oof_precision_bound": self.precision_bound,
            "oof_n": self.n,
        }

    @classmethod
    def from_metrics(cls, data: dict) -> Thresholds:
        return cls(
            target_precision=float(data["target_precision"]),
            per_intent={
                k: (None if v is None else float(v)) for k, v in data["per_intent"].items()
            },
            status=dict(data["status"]),
            prior_strength=float(data.get("prior_strength", PRIOR_STRENGTH)),
            bar=data.get("bar"),
            coverage=float(data.get("oof_coverage", 0.0)),
            precision=data.get("oof_precision"),
            precision_bound=float(data.get("oof_precision_bound", 0.0)),
            n=int(data.get("oof_n", 0)),
        )


def _per_intent(
    predicted: np.ndarray,
    confidences: np.ndarray,
    correct: np.ndarray,
    labels: Sequence[str],
    bar: float,
    prior_strength: float,
) -> tuple[dict[str, float | None], dict[str, str]]:
    """Each intent's lowest threshold whose shrunk precision reaches `bar`."""
    per_intent: dict[str, float | None] = {}
    status: dict[str, str] = {}
    for label in labels:
        mask = predicted == label
        per_intent[label], status[label] = None, "no_data"
        if not mask.any():
            continue
        order = np.argsort(-confidences[mask], kind="stable")
        conf, n_correct = confidences[mask][order], np.cumsum(correct[mask][order])
        claimed = np.cumsum(conf)  # what the calibrated model claims for the top k
        # "unreachable" if a flawless record would have passed somewhere but the real one
        # does not; "insufficient_data" if not even a flawless record could pass.
        status[label] = "insufficient_data"
        # Candidate cuts: after the last of each run of tied confidences (ties go together);
        # from the lowest threshold up, so the first that passes is the lowest.
        for k in range(len(conf), 0, -1):
            if k < len(conf) and conf[k] == conf[k - 1]:
                continue
            prior = prior_strength * claimed[k - 1] / k
            if (n_correct[k - 1] + prior) / (k + prior_strength) >= bar:
                per_intent[label], status[label] = float(conf[k - 1]), "chosen"
                break
            if (k + prior) / (k + prior_strength) >= bar:
                status[label] = "unreachable"
    return per_intent, status


def choose_thresholds(
    predicted: Sequence[str],
    confidences: np.ndarray,
    correct: np.ndarray,
    labels: Sequence[str],
    *,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    prior_strength: float = PRIOR_STRENGTH,
    confidence_level: float = CONFIDENCE_LEVEL,
) -> Thresholds:
    """Choose each intent's lowest threshold whose held-out precision reaches the target.

    `predicted`, `confidences` and `correct` describe held-out (out-of-fold) predictions:
    the top intent, its calibrated probability, and whether it was right. See the module
    docstring for the rule; the pooled check raises the bar in steps of 0.001 until the
    Clopper-Pearson bound of everything automated reaches the target.
    """
    if not 0.0 < target_precision < 1.0:
        raise ValueError(f"target precision must be in (0, 1), got {target_precision!r}")
    predicted_arr = np.asarray([str(p) for p in predicted], dtype=object)
    confidences = np.round(np.asarray(confidences, dtype=float), THRESHOLD_DECIMALS)
    correct = np.asarray(correct, dtype=float)
    labels = [str(label) for label in labels]

    def result(per_intent, status, bar) -> Thresholds:
        chosen = Thresholds(target_precision, per_intent, status, prior_strength, bar=bar)
        chosen.n = len(predicted_arr)
        automated = chosen.automated(list(predicted_arr), confidences)
        chosen.coverage = float(automated.mean()) if len(predicted_arr) else 0.0
        chosen.precision = float(correct[automated].mean()) if automated.any() else None
        chosen.precision_bound = clopper_pearson_lower(
            int(correct[automated].sum()), int(automated.sum()), confidence_level
        )
        return chosen

    bar = target_precision
    while bar < 1.0 + 1e-9:
        per_intent, status = _per_intent(
            predicted_arr, confidences, correct, labels, min(bar, 1.0), prior_strength
        )
        chosen = result(per_intent, status, round(min(bar, 1.0), 4))
        if chosen.precision is not None and chosen.precision_bound >= target_precision:
            return chosen
        bar += 0.001
    # No bar lets the pooled bound reach the target. Too few held-out predictions in all:
    # nothing can be shown. Otherwise intents whose own record rules them out stay
    # "unreachable"; the others cannot be shown jointly: "insufficient_data" (routing then
    # keeps the supervisors' thresholds).
    if clopper_pearson_lower(len(predicted_arr), len(predicted_arr), confidence_level) < (
        target_precision
    ):
        seen = set(predicted_arr)
        status = {label: "insufficient_data" if label in seen else "no_data" for label in labels}
    else:
        _, status = _per_intent(
            predicted_arr, confidences, correct, labels, target_precision, prior_strength
        )
        status = {k: "insufficient_data" if v == "chosen" else v for k, v in status.items()}
    return result(dict.fromkeys(labels), status, None)
