"""When mail does not get through: the case goes back to a person, and due retries are sent.

`message_send` (the replies) and `customers.tasks.email_send` record each failed attempt on
their row (`cases.models.delivery.Delivery`). An undelivered mail reopens its case for review
with the reason `delivery_failed` (from resolved or awaiting the customer) and is recorded on
the case as `delivery_failed` in any state. `due_messages` finds what is due again, and what a
lost task left unsent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import can_proceed

from cases.models import Case, Message, State
from cases.models.delivery import SEND_ERRORS
from cases.outbound import footers
from cases.transitions import Actor, case_record, case_transition

logger = logging.getLogger(__name__)

# A mail not sent this long after it was queued lost its task (a worker died): send it again.
LOST_AFTER = timedelta(minutes=2)


def delivery_failed(case_id: int, **data) -> None:
    """The customer did not get a mail of this case: a person looks at it again."""
    case = Case.objects.get(pk=case_id)
    if case.state in (State.RESOLVED, State.AWAITING_CUSTOMER) and can_proceed(
        case.reopen, check_conditions=False
    ):
        case_transition(
            case=case,
            name="reopen",
            actor=Actor.system(),
            payload={"reason_code": "delivery_failed"},
        )
    case_record(case=case_id, name="delivery_failed", actor=Actor.system(), payload=data)


def send_back_after_commit(mail, **data) -> None:
    """An undelivered reply (`Message`) or customer email (`EmailOutbox`): once the row is
    committed, its case goes back to a person (`delivery_failed`)."""
    kind = "message" if isinstance(mail, Message) else "email"
    payload = {kind: mail.pk, "error": mail.delivery_error, **data}
    case_id = mail.case_id
    transaction.on_commit(lambda: delivery_failed(case_id, **payload))


def due(rows, now=None):
    """Unsent rows whose next attempt is due, or whose task was lost."""
    now = now or timezone.now()
    return rows.filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, attempts=0, created_at__lt=now - LOST_AFTER)
    )


def due_messages(now=None, limit: int = 500) -> list[int]:
    outbound = Message.objects.filter(
        direction=Message.Direction.OUTBOUND, sent_at__isnull=True, undelivered_at__isnull=True
    )
    return list(due(outbound, now).order_by("pk").values_list("pk", flat=True)[:limit])


def message_send(message_id: int) -> bool:
    """Send an outbound message once; a redelivered task finds it sent and does nothing.

    The row stays locked while sending, so two workers cannot send it twice; a worker that dies
    mid-send rolls back and the retry sends again with the same Message-ID, which mail clients
    use to drop the duplicate.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__customer")
            .filter(
                pk=message_id,
                direction=Message.Direction.OUTBOUND,
                sent_at__isnull=True,
                undelivered_at__isnull=True,
            )
            .first()
        )
        if message is None:
            return False
        headers = {"Message-ID": message.message_id}
        if message.in_reply_to:
            headers["In-Reply-To"] = message.in_reply_to
        if message.references:
            headers["References"] = message.references
        if message.author_kind == Message.AuthorKind.AI:
            headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: no auto-reply loops
        email = EmailMessage(
            subject=message.subject,
            body=message.text + footers(message.case),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.case.customer.email],
            headers=headers,
        )
        for attachment in message.attachments.filter(rejected=""):  # what the agent attached
            with attachment.file.open("rb") as file:
                email.attach(attachment.filename, file.read(), attachment.content_type)
        try:
            email.send()
        except SEND_ERRORS as error:
            # Kept in the outbox: tried again later, or undelivered and back to a person.
            if message.attempt_failed(error, timezone.now()):
                send_back_after_commit(message)
            message.save(update_fields=message.DELIVERY_FIELDS)
            logger.warning("reply %s not sent (%s): %s", message.pk, message.attempts, error)
            return False
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.save(update_fields=["sent_at", "next_attempt_at"])
    return True


def retry_due(now=None) -> int:
    """Send what is due again (scheduled every minute): failed attempts and lost tasks."""
    sent = 0
    for pk in due_messages(now):
        sent += bool(message_send(pk))
    return sent
