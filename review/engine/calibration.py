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
* Then the pooled check, on data the thresholds were not chosen on (cross-fitting): the
  held-out predictions are split in two halves (stratified by predicted intent, seeded;
  with `groups`, each group of examples whole on one side);
  thresholds chosen on each half automate messages of the other, and the Clopper-Pearson
  lower bound (95 %) of the precision of those automations together must reach the target;
  while it does not, every intent's bar is raised by 0.001. The thresholds kept are those
  chosen on all the data at the bar that passed. (``check="same"``: the bound on the data
  the thresholds were chosen on, the rule before; its 95 % is nominal.)

Routing's own rules apply inside the selection, as routing applies them: a message is
automated only when its confidence clears the largest of its intent's threshold, the
supervisor's threshold for the intent (``supervisor``, or ``default_supervisor``) and the
out-of-scope floor (``floor``), and when it is not out of scope (``eligible``: the intent's
out-of-scope cut, `review.engine.out_of_scope`). Messages that cannot be automated whatever
the threshold take no part in choosing it. An intent without a data threshold
("insufficient_data") is automated at the supervisor's threshold, as in the product; such
automations count in the reported coverage and precision but not in the pooled check (no
data threshold could be raised for them).

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

    # Routing's rules as they were applied in the selection (see the module docstring).
    floor: float = 0.0
    supervisor: dict[str, float] | None = None
    default_supervisor: float | None = None
    check: str = "crossfit"

    def threshold_for(self, intent: str) -> float | None:
        """The intent's threshold; +inf when it may never be automated; None without data."""
        status = self.status.get(intent)
        if status == "unreachable":
            return math.inf
        return self.per_intent.get(intent)

    def bar_for(self, intent: str) -> float | None:
        """The confidence routing asks of `intent`: the largest of the data threshold, the
        supervisor's and the floor; None when there is neither a data nor a supervisor's
        threshold (never automated)."""
        own = self.threshold_for(intent)
        supervisor = (self.supervisor or {}).get(intent, self.default_supervisor)
        if own is None and supervisor is None:
            return None
        return max(v for v in (own, supervisor, self.floor) if v is not None)

    def automated(
        self,
        intents: Sequence[str],
        confidences: np.ndarray,
        eligible: np.ndarray | None = None,
    ) -> np.ndarray:
        """Boolean mask: which predictions routing would automate (`bar_for`), leaving out
        those that are not `eligible` (out of scope)."""
        out = np.zeros(len(intents), dtype=bool)
        for i, (intent, confidence) in enumerate(zip(intents, confidences, strict=True)):
            bar = self.bar_for(intent)
            out[i] = bar is not None and confidence >= bar
        if eligible is not None:
            out &= np.asarray(eligible, dtype=bool)
        return out

    def as_metrics(self) -> dict:
        """JSON-ready form for `ModelVersion.metrics["thresholds"]`."""
        return {
            "method": "per-intent, shrunk to the calibrated claim, pooled Clopper-Pearson check"
            + (" on cross-fitted halves" if self.check == "crossfit" else ""),
            "target_precision": self.target_precision,
            "prior_strength": self.prior_strength,
            "bar": self.bar,
            "per_intent": dict(self.per_intent),
            "status": dict(self.status),
            "oof_coverage": self.coverage,
            "oof_precision": self.precision,
            "oof_precision_bound": self.precision_bound,
            "oof_n": self.n,
            "floor": self.floor,
            "supervisor": None if self.supervisor is None else dict(self.supervisor),
            "default_supervisor": self.default_supervisor,
            "check": self.check,
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
            floor=float(data.get("floor", 0.0)),
            supervisor=data.get("supervisor"),
            default_supervisor=data.get("default_supervisor"),
            check=data.get("check", "same"),
        )


def _per_intent(
    predicted: np.ndarray,
    confidences: np.ndarray,
    correct: np.ndarray,
    labels: Sequence[str],
    bar: float,
    prior_strength: float,
    minimum: dict[str, float] | None = None,
) -> tuple[dict[str, float | None], dict[str, str]]:
    """Each intent's lowest threshold whose shrunk precision reaches `bar`; predictions
    below the intent's `minimum` (routing's floor) take no part."""
    per_intent: dict[str, float | None] = {}
    status: dict[str, str] = {}
    for label in labels:
        mask = predicted == label
        if minimum is not None:
            mask = mask & (confidences >= minimum.get(label, 0.0))
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


def _halves(predicted: np.ndarray, seed: int, groups: np.ndarray | None = None) -> np.ndarray:
    """A boolean mask: the first of two halves, stratified by predicted intent; with
    `groups`, each group whole on one side (`_group_halves`)."""
    rng = np.random.default_rng(seed)
    if groups is not None:
        return _group_halves(predicted, np.asarray(groups), rng)
    first = np.zeros(len(predicted), dtype=bool)
    for label in sorted(set(predicted)):
        idx = rng.permutation(np.flatnonzero(predicted == label))
        first[idx[: len(idx) // 2]] = True
    return first


def _group_halves(predicted: np.ndarray, groups: np.ndarray, rng) -> np.ndarray:
    """Whole groups, in random order, each to the half that has fewer of its predicted
    intents so far (a tie: by chance): stratified as far as whole groups allow."""
    first = np.zeros(len(predicted), dtype=bool)
    names, inverse = np.unique(groups, return_inverse=True)
    members = np.split(np.argsort(inverse, kind="stable"), np.cumsum(np.bincount(inverse))[:-1])
    counts: dict[str, list[int]] = {}
    for g in rng.permutation(len(names)):
        rows = members[g]
        load = [sum(counts.setdefault(p, [0, 0])[side] for p in predicted[rows]) for side in (0, 1)]
        side = int(rng.integers(2)) if load[0] == load[1] else int(load[1] < load[0])
        first[rows] = side == 0
        for p in predicted[rows]:
            counts[p][side] += 1
    return first


def choose_thresholds(
    predicted: Sequence[str],
    confidences: np.ndarray,
    correct: np.ndarray,
    labels: Sequence[str],
    *,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    prior_strength: float = PRIOR_STRENGTH,
    confidence_level: float = CONFIDENCE_LEVEL,
    floor: float = 0.0,
    supervisor: dict[str, float] | None = None,
    default_supervisor: float | None = None,
    eligible: np.ndarray | None = None,
    check: str = "crossfit",
    seed: int = 0,
    groups: np.ndarray | None = None,
) -> Thresholds:
    """Choose each intent's lowest threshold whose held-out precision reaches the target.

    `predicted`, `confidences` and `correct` describe held-out (out-of-fold) predictions:
    the top intent, its calibrated probability, and whether it was right; `eligible` marks
    those within their intent's out-of-scope cut (default: all). See the module docstring
    for the rule, routing's rules (`floor`, `supervisor`, `default_supervisor`) and the
    pooled check (`check`: "crossfit" or "same"), which raises the bar in steps of 0.001
    until the Clopper-Pearson bound reaches the target. `groups` (one id per prediction,
    `review.engine.groups`) keeps each group on one side of the cross-fitted halves.
    """
    if not 0.0 < target_precision < 1.0:
        raise ValueError(f"target precision must be in (0, 1), got {target_precision!r}")
    if check not in ("crossfit", "same"):
        raise ValueError(f"check must be crossfit or same, not {check!r}")
    predicted_arr = np.asarray([str(p) for p in predicted], dtype=object)
    confidences = np.round(np.asarray(confidences, dtype=float), THRESHOLD_DECIMALS)
    correct = np.asarray(correct, dtype=float)
    labels = [str(label) for label in labels]
    eligible = (
        np.ones(len(predicted_arr), dtype=bool)
        if eligible is None
        else np.asarray(eligible, dtype=bool)
    )
    rules = {"floor": floor, "supervisor": supervisor, "default_supervisor": default_supervisor}
    minimum = {
        label: max(floor, (supervisor or {}).get(label, default_supervisor) or 0.0)
        for label in labels
    }
    # Predictions that cannot be automated whatever the threshold take no part in it.
    usable = eligible.copy()

    def select(mask: np.ndarray, bar: float) -> tuple[dict, dict]:
        return _per_intent(
            predicted_arr[mask],
            confidences[mask],
            correct[mask],
            labels,
            bar,
            prior_strength,
            minimum,
        )

    def data_automated(per_intent: dict, status: dict, rows: np.ndarray) -> np.ndarray:
        """Automated by the data thresholds alone (the pooled check's rows)."""
        chosen = Thresholds(target_precision, per_intent, status, floor=floor)
        chosen.supervisor = supervisor
        automated = chosen.automated(list(predicted_arr[rows]), confidences[rows])
        return (
            automated
            & eligible[rows]
            & np.array([per_intent.get(p) is not None for p in predicted_arr[rows]], dtype=bool)
        )

    def result(per_intent, status, bar, bound: float) -> Thresholds:
        chosen = Thresholds(
            target_precision, per_intent, status, prior_strength, bar=bar, check=check, **rules
        )
        chosen.n = len(predicted_arr)
        automated = chosen.automated(list(predicted_arr), confidences, eligible)
        chosen.coverage = float(automated.mean()) if len(predicted_arr) else 0.0
        chosen.precision = float(correct[automated].mean()) if automated.any() else None
        chosen.precision_bound = bound
        return chosen

    everything = np.ones(len(predicted_arr), dtype=bool)
    first = _halves(predicted_arr, seed, groups)
    bar = target_precision
    while bar < 1.0 + 1e-9:
        level = min(bar, 1.0)
        per_intent, status = select(usable, level)
        if check == "same":
            parts = [(per_intent, status, everything)]
        else:
            parts = [
                (*select(usable & first, level), ~first),
                (*select(usable & ~first, level), first),
            ]
        successes = n = 0
        for part_thresholds, part_status, rows in parts:
            automated = data_automated(part_thresholds, part_status, rows)
            successes += int(correct[rows][automated].sum())
            n += int(automated.sum())
        bound = clopper_pearson_lower(successes, n, confidence_level)
        if n and bound >= target_precision:
            return result(per_intent, status, round(level, 4), bound)
        bar += 0.001
    # No bar lets the pooled bound reach the target. Too few held-out predictions in all:
    # nothing can be shown. Otherwise intents whose own record rules them out stay
    # "unreachable"; the others cannot be shown jointly: "insufficient_data" (routing then
    # keeps the supervisors' thresholds).
    shown = int(usable.sum()) // (2 if check == "crossfit" else 1)
    if clopper_pearson_lower(shown, shown, confidence_level) < target_precision:
        seen = set(predicted_arr[usable])
        status = {label: "insufficient_data" if label in seen else "no_data" for label in labels}
    else:
        _, status = select(usable, target_precision)
        status = {k: "insufficient_data" if v == "chosen" else v for k, v in status.items()}
    return result(dict.fromkeys(labels), status, None, 0.0)
