"""django-q2 entry points for customer emails: take ids, idempotent."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.background import enqueue
from cases.delivery import due, send_back_after_commit
from cases.models.delivery import SEND_ERRORS
from customers.emails import render_email
from customers.models import ConfirmationRequest, EmailOutbox

logger = logging.getLogger(__name__)


def email_send(outbox_id: int) -> bool:
    """Send one outbox email once. A retry after success finds it sent and does nothing.

    The row stays locked while sending; a worker that dies mid-send rolls back and the retry
    sends the same email (same Message-ID, same link) again. Only the outbox row is locked
    (`of=self`): a transition holding the case's row must not make the send skip it.
    """
    with transaction.atomic():
        outbox = (
            EmailOutbox.objects.pending()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("case__customer", "confirmation")
            .filter(pk=outbox_id)
            .first()
        )
        if outbox is None:
            return False
        confirmation = outbox.confirmation
        asks = outbox.kind in (EmailOutbox.Kind.REQUEST, EmailOutbox.Kind.REMINDER)
        if asks and not confirmation.is_open:
            outbox.status = EmailOutbox.Status.CANCELLED  # superseded or decided meanwhile
            outbox.save(update_fields=["status"])
            return False
        try:
            render_email(outbox).send()
        except SEND_ERRORS as error:
            # Kept pending: tried again later, or undelivered and the case back to a person.
            if outbox.attempt_failed(error, timezone.now()):
                send_back_after_commit(outbox)
            outbox.save(update_fields=outbox.DELIVERY_FIELDS)
            logger.warning(
                "%s email %s not sent (%s): %s", outbox.kind, outbox.pk, outbox.attempts, error
            )
            return False
        outbox.status = EmailOutbox.Status.SENT
        outbox.sent_at = timezone.now()
        outbox.next_attempt_at = None
        outbox.save(update_fields=["status", "sent_at", "next_attempt_at"])
    logger.info("sent %s email %s for case %s", outbox.kind, outbox.pk, outbox.case_id)
    return True


def email_retry(now=None) -> int:
    """Send the customer emails that are due again, or whose task was lost (every minute)."""
    pending = due(EmailOutbox.objects.pending(), now).order_by("pk")
    return sum(bool(email_send(pk)) for pk in pending.values_list("pk", flat=True)[:500])


def remind_confirmations(now=None) -> int:
    """Queue one reminder per pending request whose deadline is near; return how many."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    due = (
        ConfirmationRequest.objects.pending()
        .filter(reminded_at__isnull=True, expires_at__gt=now, expires_at__lte=soon)
        .exclude(kind=ConfirmationRequest.Kind.FEEDBACK)
    )
    reminded = 0
    for confirmation in due.select_related("case__customer"):
        with transaction.atomic():
            # The conditional UPDATE is the claim: a second run (or worker) finds it taken.
            claimed = ConfirmationRequest.objects.filter(
                pk=confirmation.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            row, created = EmailOutbox.queue(
                kind=EmailOutbox.Kind.REMINDER, confirmation=confirmation
            )
            if created:
                transaction.on_commit(lambda pk=row.pk: enqueue("customers.tasks.email_send", pk))
                reminded += 1
    return reminded
