"""Who holds a customer's personal data: the apps' contributions to an export and an erasure.

The data-protection requests (`customers.privacy`) run from one place, but each app knows its
own rows: it registers a `Contribution` in its `AppConfig.ready()`. A contribution adds its
rows to the export (`export(subject, parts)`), and erases or pseudonymises its personal data
(`erase(subject)`, returning counts for the audit entry). The registry lives here, in the
core, so that every app can register; it runs nothing by itself.

Contributions run by `order`, then name: the core first, the app of the customer row last
(`CORE`, `APP`, `OWNER`). Within one erasure they share a transaction: one that raises undoes
them all. The helpers below (`row`, `redacted`, `ERASED`, …) are shared by every contribution.
"""

import base64
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile

ERASED = "[erased]"

# Keys of event and outcome data that hold what a customer or agent wrote or was offered. The
# PostgreSQL trigger on case events allows removing exactly these (migration review 0003).
REDACTED_KEYS = ("comment", "adjustment", "option")

# Columns an export leaves out: secrets of the link, not the customer's data.
NOT_EXPORTED = {"salt", "token_hash"}

# The order of running: the core's rows first, the customer row itself last.
CORE, APP, OWNER = 100, 200, 900


@dataclass
class Subject:
    """Whose data: the customer and their cases (locked, in an erasure).

    `email` is the customer's address as it was before anything ran: the customer row is
    pseudonymised by the last contribution, the others still look things up by the address.
    """

    customer: Any
    cases: list
    email: str

    @property
    def case_ids(self) -> list[int]:
        return [case.pk for case in self.cases]


@dataclass
class ExportParts:
    """What the contributions add to an export: the document's own sections (`sections`,
    e.g. "training_examples") and each case's (`cases[case.pk]`, e.g. "messages"). Every
    section is a list of rows; where they go in the document is the export's business."""

    sections: dict[str, list] = field(default_factory=dict)
    cases: defaultdict[int, dict[str, list]] = field(default_factory=lambda: defaultdict(dict))


@dataclass(frozen=True)
class Contribution:
    """One app's part: `export(subject, parts)` adds its rows, `erase(subject)` removes or
    pseudonymises its personal data and returns counts for the audit entry (their keys are
    the audit entry's data keys; no two contributions may use the same)."""

    name: str
    export: Callable[[Subject, ExportParts], None]
    erase: Callable[[Subject], dict[str, int]]
    order: int = APP


_registry: dict[str, Contribution] = {}


def register(contribution: Contribution) -> None:
    """Called from an `AppConfig.ready()`; registering a name again replaces it."""
    _registry[contribution.name] = contribution


def contributions() -> list[Contribution]:
    """Every registered contribution, in the order of running."""
    return sorted(_registry.values(), key=lambda c: (c.order, c.name))


def export_parts(subject: Subject) -> ExportParts:
    """Every contribution's rows about the subject."""
    parts = ExportParts()
    for contribution in contributions():
        contribution.export(subject, parts)
    return parts


def erase_everywhere(subject: Subject) -> dict[str, int]:
    """Every contribution's erasure, in order; their counts together. The caller holds the
    transaction (and the locks): one contribution that raises undoes them all."""
    counts: dict[str, int] = {}
    for contribution in contributions():
        counted = contribution.erase(subject) or {}
        if clash := set(counts) & set(counted):
            raise ValueError(f"{contribution.name} counts {sorted(clash)} again")
        counts |= counted
    return counts


def row(obj) -> dict:
    """Every column of a row, foreign keys as ids, files by name; secrets left out."""
    data = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NOT_EXPORTED:
            continue
        value = model_field.value_from_object(obj)
        if isinstance(value, FieldFile):
            value = value.name or ""
        data[model_field.name if not model_field.is_relation else model_field.attname] = value
    return data


def rows_by(objects, key: str) -> dict[int, list]:
    """Rows grouped by one of their columns (e.g. per case), in the objects' order."""
    grouped: dict[int, list] = {}
    for obj in objects:
        grouped.setdefault(getattr(obj, key), []).append(row(obj))
    return grouped


class ExportEncoder(DjangoJSONEncoder):
    """Dates as ISO 8601, decimals as strings, binary (raw mail) as base64."""

    def default(self, o):
        if isinstance(o, bytes | memoryview):
            return base64.b64encode(bytes(o)).decode()
        return super().default(o)


def redacted(data):
    """Event or outcome data without what people wrote or were offered, marked as redacted."""
    if not isinstance(data, dict) or not data:
        return data
    return {k: v for k, v in data.items() if k not in REDACTED_KEYS} | {"redacted": True}


def redacted_deep(data):
    """`redacted` at every level of nested objects (webhook payloads carry the outcome inside)."""
    if isinstance(data, list):
        return [redacted_deep(item) for item in data]
    if not isinstance(data, dict):
        return data
    cleaned = {k: redacted_deep(v) for k, v in data.items() if k not in REDACTED_KEYS}
    return cleaned | {"redacted": True} if len(cleaned) < len(data) else cleaned
