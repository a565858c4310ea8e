"""The suggestion engine's interface, kept small: everything the product asks of an engine.

* `train(texts, labels, engine=...)` -> a model (`IntentClassifier`): `predict(texts)` /
  `predict_one(text)` give the intent, its calibrated probability and the alternatives,
  `predict_proba(texts)` the probabilities over all intents, `threshold_for(intent)` the
  threshold chosen from data, `metrics` the figures of its training.
* `save(model, path)` / `load(path)` and `to_bytes()` / `from_bytes(blob)`: a model version
  as a file or a database blob, with its metadata (engine, labels, temperature, thresholds,
  metrics) inside.
* `analyse(text)`: language, slots and risk flags (engine-independent rules).
* `ReplyDrafter`: drafts a reply; `TemplateDrafter` fills the intent's template, and
  `LLMDrafter` (`review.engine.llm`, off by default) rewrites that draft through an
  OpenAI-compatible endpoint and falls back to it on any failure.

Engines: ``tfidf`` (always installed) and ``hybrid`` (the ``enhanced`` extra); `available()`
says which can run here and why not. No Django imports.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from review.engine.calibration import DEFAULT_TARGET_PRECISION
from review.engine.classifier import ENGINES
from review.engine.embeddings import DEFAULT_EMBEDDINGS, EngineUnavailable, unavailable_reason
from review.engine.intent_classifier import DEFAULT_FOLDS, IntentClassifier, Prediction
from review.engine.language import detect_language
from review.engine.llm import LLMConfig, chat_draft
from review.engine.risks import detect_risks
from review.engine.slots import extract_slots

__all__ = [
    "DEFAULT_FOLDS",
    "ENGINES",
    "Analysis",
    "EngineUnavailable",
    "IntentClassifier",
    "LLMDrafter",
    "Prediction",
    "ReplyDrafter",
    "TemplateDrafter",
    "analyse",
    "available",
    "load",
    "reason_unavailable",
    "save",
    "train",
]


def reason_unavailable(engine: str, embeddings: str | None = None) -> str | None:
    """None if `engine` can run here, else why not (the hybrid check hashes its files: those
    of `embeddings`, or of the default embedding model)."""
    if engine == "tfidf":
        return None
    if engine == "hybrid":
        if embeddings in (None, DEFAULT_EMBEDDINGS):
            return unavailable_reason()
        return unavailable_reason(embeddings)
    return f"unknown engine {engine!r}"


def available() -> dict[str, str | None]:
    """Each engine name -> None if it can run here, else the reason it cannot."""
    return {engine: reason_unavailable(engine) for engine in ENGINES}


def require(engine: str, embeddings: str | None = None) -> None:
    """Raise ValueError for an unknown engine, EngineUnavailable for one not installed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    reason = reason_unavailable(engine, embeddings)
    if reason is not None:
        raise EngineUnavailable(f"engine {engine!r} is not available: {reason}")


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    engine: str = "tfidf",
    seed: int = 0,
    folds: int = DEFAULT_FOLDS,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    sample_weight: Sequence[float] | None = None,
    routing: dict | None = None,
    out_of_scope_labels: Sequence[str] = (),
    embeddings: str | None = None,
    groups: Sequence[Hashable | None] | None = None,
) -> IntentClassifier:
    """Train a calibrated model with thresholds chosen from `folds`-fold out-of-fold data.

    `routing` (``floor``, ``supervisor``, ``default_supervisor``) are routing's rules, applied
    inside threshold selection as routing applies them; `out_of_scope_labels` the catch-all
    intents (`IntentClassifier.fit`); `embeddings` chooses the hybrid engine's embedding model
    (None: the default); `groups` each example's group, kept on one side of every fold
    (`IntentClassifier.fit`).
    """
    require(engine, embeddings)
    extra = {} if embeddings is None else {"embeddings": embeddings}
    return IntentClassifier.fit(
        texts,
        labels,
        engine=engine,
        seed=seed,
        folds=folds,
        target_precision=target_precision,
        sample_weight=sample_weight,
        routing=routing,
        out_of_scope_labels=out_of_scope_labels,
        groups=groups,
        **extra,
    )


def save(model: IntentClassifier, path: str | Path) -> None:
    """Write a model version to a file (the same bytes a ModelVersion blob holds)."""
    Path(path).write_bytes(model.to_bytes())


def load(path: str | Path) -> IntentClassifier:
    """Read a model version written by `save`. Only load files you wrote (it unpickles)."""
    return IntentClassifier.from_bytes(Path(path).read_bytes())


@dataclass(frozen=True)
class Analysis:
    """What the rules find in a message, whatever the engine."""

    language: str
    slots: dict = field(default_factory=dict)
    risk_flags: list[str] = field(default_factory=list)


def analyse(
    text: str, *, today: datetime.date | None = None, default_language: str = "en"
) -> Analysis:
    """Language, slots (dates, numbers, amounts) and risk flags of one message."""
    return Analysis(
        language=detect_language(text, default=default_language),
        slots=extract_slots(text, today=today),
        risk_flags=detect_risks(text),
    )


class ReplyDrafter(Protocol):
    """Drafts the reply an agent or the automation sends; never decides routing."""

    def draft(self, *, template: str, values: dict, message: str, language: str) -> str:
        """Return the draft for `message`, given the intent's template and slot values."""
        ...


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TemplateDrafter:
    """The default drafter: fills {name} placeholders; unknown ones stay for the agent."""

    def draft(self, *, template: str, values: dict, message: str = "", language: str = "") -> str:
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


@dataclass(frozen=True)
class LLMDrafter:
    """Drafts through an OpenAI-compatible chat endpoint; the template's draft is the fallback."""

    config: LLMConfig

    def draft(self, *, template: str, values: dict, message: str, language: str) -> str:
        fallback = TemplateDrafter().draft(template=template, values=values)
        return chat_draft(self.config, message=message, template_draft=fallback, language=language)
