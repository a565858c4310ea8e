"""Data-protection requests: export everything about a customer, erase their personal data.

Services: they span customers, cases and review. Both are audited twice over: one
`AuditEntry` (the customer by id, the cases by reference, no personal data) and one
`CaseEvent` per affected case, so the case's own timeline says it happened.

Erasure keeps what the business must keep and what holds no personal data: the customer row
(pseudonymised: `erased-<id>@erased.invalid`, no name), the case references, states and
timestamps, the history of events (who did what when, reason codes, model and policy versions),
review items, and the suggestions' figures (intent, confidence, routing). It removes the
customer's words and everything written to or about them: message texts and subjects,
drafts, slots, options and adjustments, the customers' comments and agents' comments in
events, outbox addresses and the training examples made from their messages. Pending links
are revoked and pending emails cancelled. See docs/supervisors.md.
"""

import base64
import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    IdempotencyKey,
    Message,
    QuarantinedEmail,
    WebhookDelivery,
)
from cases.transitions import Actor
from customers.models import ConfirmationRequest, Customer, EmailOutbox
from review.models import Approval, AuditEntry, ReviewItem, Suggestion, TrainingExample

ERASED = "[erased]"
ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing can be sent
EXPORT_FORMAT = "backoffice-customer-export/1"

# Keys of event and outcome data that hold what a customer or agent wrote or was offered. The
# PostgreSQL trigger on case events allows removing exactly these (migration review 0003).
REDACTED_KEYS = ("comment", "adjustment", "option")

# Columns an export leaves out: secrets of the link, not the customer's data.
NOT_EXPORTED = {"salt", "token_hash"}

# A message's text columns that hold no personal data; every other one is erased, so a text
# column added later is erased too unless someone decides it is safe.
MESSAGE_KEPT = {"direction", "author_kind", "channel", "language", "external_id", "automatic"}


def pseudonym(customer: Customer) -> str:
    return f"erased-{customer.pk}@{ERASED_DOMAIN}"


def is_erased(customer: Customer) -> bool:
    return customer.email.endswith(f"@{ERASED_DOMAIN}")


def row(obj) -> dict:
    """Every column of a row, foreign keys as ids, files by name; secrets left out."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in NOT_EXPORTED:
            continue
        value = field.value_from_object(obj)
        if isinstance(value, FieldFile):
            value = value.name or ""
        data[field.name if not field.is_relation else field.attname] = value
    return data


def attachment_row(attachment: Attachment) -> dict:
    """An attachment with its content (base64), when it was stored."""
    content = ""
    if attachment.file:
        with attachment.file.open("rb") as handle:
            content = base64.b64encode(handle.read()).decode()
    return row(attachment) | {"content_base64": content}


def quarantined_from(email: str):
    return QuarantinedEmail.objects.filter(sender__iexact=email).order_by("pk")


def customers_training_examples(case_ids):
    return TrainingExample.objects.filter(
        Q(case_id__in=case_ids) | Q(suggestion__case_id__in=case_ids)
    ).order_by("pk")


def customer_export(*, customer: Customer, user) -> dict:
    """Everything stored about the customer, as one JSON-ready document; audited."""
    cases = list(
        Case.objects.filter(customer=customer)
        .order_by("created_at", "pk")
        .prefetch_related(
            "messages__attachments",
            "suggestions",
            "events",
            "confirmations",
            "emails",
            "webhook_deliveries",
        )
    )
    case_ids = [case.pk for case in cases]
    review_items: dict[int, list] = {}
    for item in ReviewItem.objects.filter(case_id__in=case_ids).order_by("pk"):
        review_items.setdefault(item.case_id, []).append(row(item))
    approvals: dict[int, list] = {}
    for approval in Approval.objects.filter(suggestion__case_id__in=case_ids).order_by("pk"):
        approvals.setdefault(approval.suggestion_id, []).append(row(approval))
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": row(customer),
        "cases": [
            row(case)
            | {
                "messages": [
                    row(m) | {"attachments": [attachment_row(a) for a in m.attachments.all()]}
                    for m in case.messages.all()
                ],
                "suggestions": [
                    row(s) | {"approvals": approvals.get(s.pk, [])} for s in case.suggestions.all()
                ],
                "events": [row(e) for e in case.events.all()],
                "confirmations": [row(c) for c in case.confirmations.all()],
                "emails": [row(e) for e in case.emails.all()],
                "review_items": review_items.get(case.pk, []),
                "webhook_deliveries": [row(d) for d in case.webhook_deliveries.all()],
            }
            for case in cases
        ],
        "training_examples": [row(e) for e in customers_training_examples(case_ids)],
        "quarantined_emails": [row(q) for q in quarantined_from(customer.email)],
    }
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


class ExportEncoder(DjangoJSONEncoder):
    """Dates as ISO 8601, decimals as strings, binary (raw mail) as base64."""

    def default(self, o):
        if isinstance(o, bytes | memoryview):
            return base64.b64encode(bytes(o)).decode()
        return super().default(o)


def export_json(document: dict) -> str:
    return json.dumps(document, cls=ExportEncoder, indent=2, ensure_ascii=False)


def record_on_cases(cases, name: str, user, entry: AuditEntry) -> None:
    actor = Actor.staff(user)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            name=name,
            from_state=case.state,
            to_state=case.state,
            actor_kind=actor.kind,
            actor_user=user,
            data={"audit": entry.pk},
        )
        for case in cases
    )


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


def redact_events(case_ids) -> int:
    """Blank the free text of these cases' events: the one update events ever get.

    Raw SQL on purpose: the ORM refuses to update an event, and PostgreSQL's trigger allows
    this exact change only inside a transaction that declared the erasure.
    """
    events = CaseEvent.objects.filter(case_id__in=case_ids).values_list("pk", "comment", "data")
    changes = [
        (pk, {k: v for k, v in data.items() if k not in REDACTED_KEYS} | {"redacted": True})
        for pk, comment, data in events
        if comment or set(data) & set(REDACTED_KEYS)
    ]
    if not changes:
        return 0
    table = connection.ops.quote_name(CaseEvent._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('backoffice.erasure', 'on', true)")
        for pk, data in changes:
            cursor.execute(
                f"UPDATE {table} SET comment = '', data = %s{cast} WHERE id = %s",  # noqa: S608
                [json.dumps(data), pk],
            )
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('backoffice.erasure', 'off', true)")
    return len(changes)


def customer_erase(*, customer: Customer, user) -> AuditEntry | None:
    """Remove the customer's personal data, keep the cases' references and history; audited.

    Returns None if the customer was erased already.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if is_erased(customer):
            return None
        email = customer.email
        # Locked like a transition locks them: no transition runs on these cases meanwhile.
        cases = list(Case.objects.select_for_update().filter(customer=customer).order_by("pk"))
        case_ids = [case.pk for case in cases]
        now = timezone.now()
        for case in cases:
            Case.objects.filter(pk=case.pk).update(
                subject=ERASED,
                proposal={"kind": case.proposal["kind"]} if case.proposal.get("kind") else {},
                outcome=redacted(case.outcome),
                updated_at=now,
            )
        messages = Message.objects.filter(case_id__in=case_ids)
        messages.update(**{name: "" for name in message_text_columns()} | {"text": ERASED})
        erase_attachments(Attachment.objects.filter(message__in=messages))
        Suggestion.objects.filter(case_id__in=case_ids).update(
            slots={}, options=[], adjustment={}, draft_reply=""
        )
        Approval.objects.filter(suggestion__case_id__in=case_ids).update(payload={})
        confirmations = ConfirmationRequest.objects.filter(case_id__in=case_ids)
        revoked = confirmations.pending().update(status=ConfirmationRequest.Status.REVOKED)
        for confirmation in confirmations.exclude(outcome={}):
            confirmations.filter(pk=confirmation.pk).update(outcome=redacted(confirmation.outcome))
        confirmations.update(options=[], adjustment={})
        emails = EmailOutbox.objects.filter(case_id__in=case_ids)
        emails.pending().update(status=EmailOutbox.Status.CANCELLED)
        emails.update(to_email=pseudonym(customer))
        for delivery in WebhookDelivery.objects.filter(case_id__in=case_ids):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                payload=redacted_deep(delivery.payload)
            )
        quarantined = quarantined_from(email).delete()[0]
        # Stored API answers (kept 24 h for replays) may carry the customer: forget them.
        IdempotencyKey.objects.filter(response_body__icontains=email).delete()
        examples = customers_training_examples(case_ids)
        example_ids = list(examples.values_list("pk", flat=True))
        examples.delete()
        redacted_events = redact_events(case_ids)
        forget_in_admin_log(customer, email, example_ids)
        customer.email, customer.name = pseudonym(customer), ""
        customer.save(update_fields=["email", "name", "updated_at"])
        entry = AuditEntry.record(
            action=AuditEntry.Action.CUSTOMER_ERASED,
            actor=user,
            target=customer,
            cases=[case.reference for case in cases],
            revoked_links=revoked,
            training_examples_deleted=len(example_ids),
            events_redacted=redacted_events,
            quarantined_emails_deleted=quarantined,
        )
        record_on_cases(cases, "customer_erased", user, entry)
    return entry


def message_text_columns() -> list[str]:
    return [
        field.name
        for field in Message._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and field.name not in MESSAGE_KEPT
    ]


def erase_attachments(attachments) -> None:
    """Delete the files after the commit (a rollback must not lose them); blank their names."""
    names = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.update(file="", filename=ERASED, content_id="", sha256="")
    transaction.on_commit(lambda: Attachment.discard(names))


def forget_in_admin_log(customer: Customer, email: str, example_ids: list[int]) -> None:
    """The admin's own log names what it changed ("Ada <ada@…>", an example's first words)."""
    mentions = Q(object_repr__icontains=email) | Q(
        content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk)
    )
    if example_ids:
        mentions |= Q(
            content_type=ContentType.objects.get_for_model(TrainingExample),
            object_id__in=[str(pk) for pk in example_ids],
        )
    LogEntry.objects.filter(mentions).update(object_repr=ERASED)
