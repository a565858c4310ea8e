"""The decision layer: intents and their policy, suggestions, review items, the learning loop."""

from review.models.audit import AuditEntry
from review.models.intents import Intent, PolicyVersion
from review.models.learning import ModelVersion, TrainingExample, TrainingRun
from review.models.suggestions import Approval, ReviewItem, Suggestion

__all__ = [
    "Approval",
    "AuditEntry",
    "Intent",
    "ModelVersion",
    "PolicyVersion",
    "ReviewItem",
    "Suggestion",
    "TrainingExample",
    "TrainingRun",
]
