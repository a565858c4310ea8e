"""The cases app's part of a customer's export and erasure (see `cases.personal_data`).

Exported per case: messages (with their attachments' content), events, webhook deliveries;
and the quarantined mail from the customer's address. Erased: every text column of the
messages but those known to hold no personal data, the attachments (files removed after the
commit), the cases' subjects, proposals (but their kind) and outcomes' free text, the webhook
payloads' free text, the quarantined mail and stored API answers that mention the address, and
the free text of the events (the one change events ever get). Registered in `CasesConfig`.
"""

import base64
import json

from django.db import connection, models, transaction
from django.db.models import prefetch_related_objects
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
from cases.personal_data import (
    CORE,
    ERASED,
    REDACTED_KEYS,
    Contribution,
    ExportParts,
    Subject,
    redacted,
    redacted_deep,
    row,
)

# A message's text columns that hold no personal data; every other one is erased, so a text
# column added later is erased too unless someone decides it is safe.
MESSAGE_KEPT = {"direction", "author_kind", "channel", "language", "external_id", "automatic"}


def export(subject: Subject, parts: ExportParts) -> None:
    prefetch_related_objects(subject.cases, "messages__attachments", "events", "webhook_deliveries")
    for case in subject.cases:
        sections = parts.cases[case.pk]
        sections["messages"] = [
            row(m) | {"attachments": [attachment_row(a) for a in m.attachments.all()]}
            for m in case.messages.all()
        ]
        sections["events"] = [row(e) for e in case.events.all()]
        sections["webhook_deliveries"] = [row(d) for d in case.webhook_deliveries.all()]
    parts.sections["quarantined_emails"] = [row(q) for q in quarantined_from(subject.email)]


def erase(subject: Subject) -> dict[str, int]:
    case_ids = subject.case_ids
    now = timezone.now()
    for case in subject.cases:
        Case.objects.filter(pk=case.pk).update(
            subject=ERASED,
            proposal={"kind": case.proposal["kind"]} if case.proposal.get("kind") else {},
            outcome=redacted(case.outcome),
            updated_at=now,
        )
    messages = Message.objects.filter(case_id__in=case_ids)
    messages.update(**{name: "" for name in message_text_columns()} | {"text": ERASED})
    erase_attachments(Attachment.objects.filter(message__in=messages))
    for delivery in WebhookDelivery.objects.filter(case_id__in=case_ids):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            payload=redacted_deep(delivery.payload)
        )
    quarantined = quarantined_from(subject.email).delete()[0]
    # Stored API answers (kept 24 h for replays) may carry the customer: forget them.
    IdempotencyKey.objects.filter(response_body__icontains=subject.email).delete()
    return {
        "events_redacted": redact_events(case_ids),
        "quarantined_emails_deleted": quarantined,
    }


CONTRIBUTION = Contribution(name="cases", export=export, erase=erase, order=CORE)


def attachment_row(attachment: Attachment) -> dict:
    """An attachment with its content (base64), when it was stored."""
    content = ""
    if attachment.file:
        with attachment.file.open("rb") as handle:
            content = base64.b64encode(handle.read()).decode()
    return row(attachment) | {"content_base64": content}


def quarantined_from(email: str):
    return QuarantinedEmail.objects.filter(sender__iexact=email).order_by("pk")


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
