"""Replies to the customer: the outgoing message on its case, and sending it once."""

import secrets

from django.utils import translation

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
    """The customer's subject with "Re:"; without one, "Your request" in the case's language."""
    subject = case.subject
    if not subject:
        with translation.override(case.language or "en"):
            subject = translation.gettext("Your request")
    subject = " ".join(subject.split())  # no CR/LF into a header
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return f"{subject} [#{case.reference}]"[:255]


def new_message_id(case: Case) -> str:
    return f"<{case.reference}.{secrets.token_hex(8)}@{sender_domain()}>"
