"""Replies to the customer: the outgoing message on its case, and sending it once."""

import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Message
from customers.models import sender_domain


class Footers:
    """What apps add under every reply, registered in their `AppConfig.ready()`.

    The customers' side adds the "did this help?" line with the case's feedback link.
    """

    def __init__(self):
        self._footers = []

    def register(self, footer) -> None:
        if footer not in self._footers:
            self._footers.append(footer)

    def __call__(self, case: Case) -> str:
        return "".join(footer(case) for footer in self._footers)


footers = Footers()


def outbound_message(case: Case, text: str, *, author: str, user=None) -> Message:
    """The reply as a message on the case, threaded under the customer's last message."""
    last_in = case.messages.filter(direction=Message.Direction.INBOUND).last()
    return Message.objects.create(
        case=case,
        direction=Message.Direction.OUTBOUND,
        author_kind=author,
        author_user=user,
        channel=case.channel,
        subject=reply_subject(case),
        text=text,
        language=case.language,
        message_id=new_message_id(case),
        in_reply_to=last_in.message_id if last_in else "",
        references=" ".join(filter(None, [last_in.references, last_in.message_id]))
        if last_in
        else "",
    )


def reply_subject(case: Case) -> str:
    subject = " ".join((case.subject or "Your request").split())  # no CR/LF into a header
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return f"{subject} [#{case.reference}]"[:255]


def new_message_id(case: Case) -> str:
    return f"<{case.reference}.{secrets.token_hex(8)}@{sender_domain()}>"


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
        email.send()
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at"])
    return True
