"""The one path that changes a case, and what it is made of.

Callers use `case_transition` (a state change) and `case_record` (an action that does not
move the case) with an `Actor`; refusals are `TransitionError`s.
"""

from cases.transitions.actors import Actor
from cases.transitions.errors import (
    InvalidPayload,
    TransitionConflict,
    TransitionError,
    TransitionForbidden,
    UnknownTransition,
)
from cases.transitions.path import case_record, case_transition

__all__ = [
    "Actor",
    "InvalidPayload",
    "TransitionConflict",
    "TransitionError",
    "TransitionForbidden",
    "UnknownTransition",
    "case_record",
    "case_transition",
]
