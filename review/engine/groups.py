"""Groups of training examples that must stay on one side of every split.

Out-of-fold predictions are honest only if the model that predicts an example has seen
nothing of it. The learning loop breaks that in two ways: one message gives more than one
example (the agent's approval and the customer's acceptance, an amendment), and one customer
writes many near-identical messages. The caller names each example's group (a message, a
case or a customer; None: the example alone); examples whose texts are equal after folding
case and white space join one group as well, always. Groups are transitive: an example that
shares its group with a second and its text with a third puts all three together.

No Django imports: the caller chooses the keys (`review.training.training_groups`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold


def normalise(text: str) -> str:
    """The text with case and white space folded (what counts as the same message)."""
    return " ".join(str(text).casefold().split())


def group_ids(texts: Sequence[str], groups: Sequence[Hashable | None] | None = None) -> np.ndarray:
    """One integer per example, equal for examples that must stay together, numbered in
    order of first appearance: same normalised text, or the same non-None `groups` key."""
    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(groups)} groups")
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, Hashable], int] = {}
    keys = [[("text", normalise(text))] for text in texts]
    if groups is not None:
        for key, own in zip(groups, keys, strict=True):
            if key is not None:
                own.append(("group", key))
    for i, own in enumerate(keys):
        for key in own:
            j = first.setdefault(key, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    numbers: dict[int, int] = {}
    return np.array([numbers.setdefault(root(i), len(numbers)) for i in range(len(texts))])


def representatives(texts: Sequence[str], groups: Sequence[Hashable | None] | None) -> list[str]:
    """For each example, a string that names its group and stays the same while the group
    does (the retrain gate hashes it): the smallest of the group's keys, or, for a group
    without keys, its normalised text."""
    ids = group_ids(texts, groups)
    named: dict[int, str] = {}
    for i, key in enumerate([None] * len(texts) if groups is None else groups):
        if key is not None:
            label = f"group {key}"
            named[ids[i]] = min(named.get(ids[i], label), label)
    return [named.get(ids[i], normalise(text)) for i, text in enumerate(texts)]


def fold_splits(
    y: np.ndarray, group: np.ndarray | None, n_splits: int, seed: int
) -> tuple[int, list[tuple[np.ndarray, np.ndarray]]]:
    """The folds of `IntentClassifier.fit`: StratifiedKFold without groups (as before, bit for
    bit), StratifiedGroupKFold with them (at most one fold per group). No folds below two."""
    if group is not None:
        n_splits = min(n_splits, int(group.max()) + 1)
    if n_splits < 2:
        return n_splits, []
    if group is None:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return n_splits, list(splitter.split(np.zeros(len(y)), y))
    grouped = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return n_splits, list(grouped.split(np.zeros(len(y)), y, group))


def spread_columns(scores: np.ndarray, seen: np.ndarray, n_classes: int) -> np.ndarray:
    """Scores over the `seen` class indices spread to all `n_classes` columns; a class a
    grouped fold did not train on (all its groups fell in that fold) gets the row's lowest
    score: that fold's model cannot predict it."""
    if len(seen) == n_classes:
        return scores
    out = np.repeat(scores.min(axis=1, keepdims=True), n_classes, axis=1)
    out[:, seen] = scores
    return out
