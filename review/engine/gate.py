"""The retrain gate: champion and challenger, judged on the same held-out examples.

A fixed share of the labelled examples is never trained on. Which ones is decided by a hash
of the normalised text, not by chance, so the split is the same in every training run: the
active model (the champion) never saw them either, and a message sent twice cannot sit on
both sides. With groups (`review.engine.groups`: the examples of one message or customer)
the hash is the group's, so a group is held out whole. Both models then route those
examples the way the product would and are compared by the business figure: how many they
automate (coverage) while the automated ones stay within the error budget (the target
precision).

No Django imports: the caller decides what "automated" means for a prediction (the product's
routing bar) and hands in the outcomes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from review.engine.groups import normalise, representatives

DEFAULT_HOLDOUT_SHARE = 0.1
# An intent keeps at least this many examples in training; below it none are held out.
MIN_TRAIN_PER_INTENT = 2


def holdout_bucket(text: str) -> float:
    """A stable number in [0, 1) for a message: case and white space do not change it."""
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_holdout(
    texts: Sequence[str],
    labels: Sequence[str],
    share: float = DEFAULT_HOLDOUT_SHARE,
    groups: Sequence[Hashable | None] | None = None,
) -> tuple[list[int], list[int]]:
    """Return (train, held-out) indices: held out where the text's bucket is below `share`.

    With `groups` the bucket is that of the example's group (`groups.representatives`:
    its smallest key; same normalised text joins a group too), so no group is split.

    An intent that would keep fewer than `MIN_TRAIN_PER_INTENT` examples in training holds
    none out: the model must know it to be judged on it.
    """
    if len(texts) != len(labels):
        raise ValueError(f"got {len(texts)} texts but {len(labels)} labels")
    if not 0.0 <= share < 1.0:
        raise ValueError(f"holdout share must be in [0, 1), got {share!r}")
    names = texts if groups is None else representatives(texts, groups)
    held = [holdout_bucket(name) < share for name in names]
    kept = Counter(label for label, out in zip(labels, held, strict=True) if not out)
    train: list[int] = []
    holdout: list[int] = []
    for index, (label, out) in enumerate(zip(labels, held, strict=True)):
        if out and kept[label] >= MIN_TRAIN_PER_INTENT:
            holdout.append(index)
        else:
            train.append(index)
    return train, holdout


@dataclass(frozen=True)
class GateFigures:
    """How one model did on the held-out examples."""

    n: int
    correct: int
    automated: int
    automated_correct: int

    @classmethod
    def count(cls, correct: Sequence[bool], automated: Sequence[bool]) -> GateFigures:
        if len(correct) != len(automated):
            raise ValueError("need one automated flag per outcome")
        pairs = list(zip(correct, automated, strict=True))
        return cls(
            n=len(pairs),
            correct=sum(1 for right, _ in pairs if right),
            automated=sum(1 for _, auto in pairs if auto),
            automated_correct=sum(1 for right, auto in pairs if right and auto),
        )

    @property
    def coverage(self) -> float:
        return self.automated / self.n if self.n else 0.0

    @property
    def realised_precision(self) -> float | None:
        return self.automated_correct / self.automated if self.automated else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    def within_budget(self, target_precision: float) -> bool:
        """No more wrong automations than the target allows (nothing automated: none)."""
        precision = self.realised_precision
        return precision is None or precision >= target_precision

    def as_metrics(self) -> dict:
        return {
            "n": self.n,
            "correct": self.correct,
            "automated": self.automated,
            "automated_correct": self.automated_correct,
            "coverage": self.coverage,
            "realised_precision": self.realised_precision,
            "accuracy": self.accuracy,
        }


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _describe(figures: GateFigures) -> str:
    return (
        f"{figures.automated}/{figures.n} automated ({_percent(figures.coverage)}), "
        f"{_percent(figures.realised_precision)} of them right"
    )


class Check:
    """The check that decided a comparison (what the verdict names, with both figures)."""

    FIRST = "first"  # no active model
    NO_HOLDOUT = "no_holdout"  # nothing held out to compare on
    CHAMPION_OVER_BUDGET = "champion_over_budget"
    CHALLENGER_OVER_BUDGET = "challenger_over_budget"
    COVERAGE = "coverage"  # both within the budget: how many each automates
    ACCURACY = "accuracy"  # as many automated: how many each got right
    BOTH_OVER_BUDGET = "both_over_budget"  # the precision of each


def decide(
    champion: GateFigures | None, challenger: GateFigures, target_precision: float
) -> tuple[bool, str]:
    """Whether the challenger is not worse, and the `Check` that decided it.

    Within the error budget, more automation wins; at equal automation the one right more
    often wins, and a full tie goes to the challenger (it has learnt from more decisions). A
    model over the budget loses to one within it; when both are over it, the one with fewer
    wrong automations per automation wins.
    """
    if champion is None:
        return True, Check.FIRST
    if challenger.n == 0:
        return True, Check.NO_HOLDOUT
    ours = challenger.within_budget(target_precision)
    theirs = champion.within_budget(target_precision)
    if ours and not theirs:
        return True, Check.CHAMPION_OVER_BUDGET
    if theirs and not ours:
        return False, Check.CHALLENGER_OVER_BUDGET
    if ours:
        if challenger.automated != champion.automated:
            return challenger.automated > champion.automated, Check.COVERAGE
        return challenger.correct >= champion.correct, Check.ACCURACY
    precision = (challenger.realised_precision or 0.0) >= (champion.realised_precision or 0.0)
    return precision, Check.BOTH_OVER_BUDGET


def judge(
    champion: GateFigures | None, challenger: GateFigures, target_precision: float
) -> tuple[bool, str]:
    """Whether the challenger is not worse (`decide`), and why in words for the audit log."""
    better, check = decide(champion, challenger, target_precision)
    if check == Check.FIRST:
        return better, "no active model to compare with"
    if check == Check.NO_HOLDOUT:
        return better, "no held-out examples to compare on yet"
    figures = f"challenger {_describe(challenger)}; active model {_describe(champion)}"
    if check == Check.CHAMPION_OVER_BUDGET:
        return (
            better,
            f"the active model breaks the error budget, the challenger does not: {figures}",
        )
    if check == Check.CHALLENGER_OVER_BUDGET:
        return better, f"the challenger breaks the error budget: {figures}"
    if check == Check.COVERAGE:
        more = "more" if better else "less"
        return better, f"automates {more} within the error budget: {figures}"
    if check == Check.ACCURACY:
        accuracy = (
            f"right on {challenger.correct}/{challenger.n} against {champion.correct}/{champion.n}"
        )
        joint = "and" if better else "but"
        return better, f"automates as much {joint} is {accuracy}: {figures}"
    less = "less" if better else "more"
    return better, f"both break the error budget, the challenger {less}: {figures}"
