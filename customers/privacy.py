"""Data-protection requests: export everything about a customer, erase their personal data.

Run from one place, done by the apps that hold the data: each registers its part in
`cases.personal_data` (`cases.customer_data`, `review.personal_data`,
`customers.personal_data`). Here: the locks and the transaction, the document's skeleton and
the order of its sections, and the audit. Both are audited twice over: one `AuditEntry` (the
customer by id, the cases by reference, no personal data) and one `CaseEvent` per affected
case, so the case's own timeline says it happened.

Erasure keeps what the business must keep and what holds no personal data: the customer row
(pseudonymised: `erased-<id>@erased.invalid`, no name), the case references, states and
timestamps, the history of events (who did what when, reason codes, model and policy versions),
review items, and the suggestions' figures (intent, confidence, routing). It removes the
customer's words and everything written to or about them: message texts and subjects,
drafts, slots, options and adjustments, the customers' comments and agents' comments in
events, outbox addresses and the training examples made from their messages. Pending links
are revoked and pending emails cancelled. See docs/supervisors.md.
"""

import json

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.personal_data import (
    ERASED,
    NOT_EXPORTED,
    ExportEncoder,
    Subject,
    erase_everywhere,
    export_parts,
    row,
)
from cases.transitions import Actor
from customers.models import Customer
from customers.personal_data import is_erased
from review.models import AuditEntry

__all__ = [
    "ERASED",
    "EXPORT_FORMAT",
    "NOT_EXPORTED",
    "ExportEncoder",
    "customer_erase",
    "customer_export",
    "export_json",
    "is_erased",
]

EXPORT_FORMAT = "backoffice-customer-export/1"

# Where the contributed sections go, in this order (a section added later comes after them).
SECTIONS = ("training_examples", "quarantined_emails")
CASE_SECTIONS = (
    "messages",
    "suggestions",
    "events",
    "confirmations",
    "emails",
    "review_items",
    "webhook_deliveries",
)


def arranged(sections: dict, order) -> dict:
    return {key: sections[key] for key in order if key in sections} | sections


def customer_export(*, customer: Customer, user) -> dict:
    """Everything stored about the customer, as one JSON-ready document; audited."""
    cases = list(Case.objects.filter(customer=customer).order_by("created_at", "pk"))
    parts = export_parts(Subject(customer=customer, cases=cases, email=customer.email))
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": row(customer),
        "cases": [row(case) | arranged(parts.cases[case.pk], CASE_SECTIONS) for case in cases],
    } | arranged(parts.sections, SECTIONS)
    with transaction.atomic():
        entry = AuditEntry.record(
            action=AuditEntry.Action.CUSTOMER_EXPORTED,
            actor=user,
            target=customer,
            cases=[case.reference for case in cases],
        )
        record_on_cases(cases, "customer_exported", user, entry)
    # A round trip through JSON: what the file holds is what the caller gets.
    return json.loads(json.dumps(document, cls=ExportEncoder))


def export_json(document: dict) -> str:
    return json.dumps(document, cls=ExportEncoder, indent=2, ensure_ascii=False)


def record_on_cases(cases, name: str, user, entry: AuditEntry) -> None:
    CaseEvent.objects.record_many(
        cases, name, actor_kind=Actor.staff(user).kind, actor_user=user, data={"audit": entry.pk}
    )


def customer_erase(*, customer: Customer, user) -> AuditEntry | None:
    """Remove the customer's personal data, keep the cases' references and history; audited.

    Returns None if the customer was erased already.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if is_erased(customer):
            return None
        # Locked like a transition locks them: no transition runs on these cases meanwhile.
        cases = list(Case.objects.select_for_update().filter(customer=customer).order_by("pk"))
        counts = erase_everywhere(Subject(customer=customer, cases=cases, email=customer.email))
        entry = AuditEntry.record(
            action=AuditEntry.Action.CUSTOMER_ERASED,
            actor=user,
            target=customer,
            cases=[case.reference for case in cases],
            **counts,
        )
        record_on_cases(cases, "customer_erased", user, entry)
    return entry
