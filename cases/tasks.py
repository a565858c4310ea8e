"""django-q2 entry points for cases: thin, idempotent."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Message
from customers.emails import feedback_footer

logger = logging.getLogger(__name__)


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
            .filter(pk=message_id, direction=Message.Direction.OUTBOUND, sent_at__isnull=True)
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
        EmailMessage(
            subject=message.subject,
            body=message.text + feedback_footer(message.case),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.case.customer.email],
            headers=headers,
        ).send()
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at"])
    return True


def close_quiet_cases() -> int:
    return services.close_quiet_cases()


def expire_confirmations() -> int:
    return services.expire_confirmations()


def deliver_webhooks() -> dict:
    """Deliver due webhooks (scheduled every minute, and enqueued after an event's commit)."""
    from cases.webhooks import deliver_due

    return deliver_due()


def purge_idempotency_keys() -> int:
    """Forget API idempotency keys older than 24 hours (scheduled hourly)."""
    from cases.idempotency import purge_expired

    return purge_expired()


def mailbox_poll() -> int:
    """Fetch new mail over IMAP; does nothing while IMAP_HOST is unset."""
    from cases.mail.imap import mailbox_poll

    return mailbox_poll()
