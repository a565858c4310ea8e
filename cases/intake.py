"""Message intake: an inbound message stored on the right case (new, continued or follow-up).

Every channel ends here: the REST API, email (`cases.mail.intake`), the demo. The message's
arrival is recorded through the transition path (`case_record`), or reopens the case
(`case_transition`) when it answers a resolved case or one awaiting the customer.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django_fsm import can_proceed

from cases.duplicates import earlier_duplicate
from cases.mail.attachments import BIDI_AND_INVISIBLE
from cases.models import Attachment, Case, Message, State
from cases.transitions import Actor, case_record, case_transition
from customers.models import Customer, EmailOutbox

REFERENCE_IN_SUBJECT = re.compile(r"\[#([2-9A-HJKMNP-Z]{8})\]")


@dataclass(frozen=True)
class Intake:
    case: Case
    message: Message
    created: bool


def message_receive(
    *,
    from_email: str,
    body: str,
    subject: str = "",
    from_name: str = "",
    channel: str = "api",
    external_id: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    language: str = "",
    engine_text: str = "",
    automatic: str = "",
    attachments: Sequence = (),
    sender_check: str = "",
) -> Intake:
    """Store an inbound message on the right case (new, continued or follow-up); idempotent.

    `automatic` names why a message is machine-made (an auto-reply, a bounce): it is stored on
    the case it belongs to, but reopens nothing, opens no follow-up and is never suggested on.
    `attachments` are `cases.mail.attachments.ParsedAttachment`s; their files are written here.
    `sender_check` ("forged", "unverified"; `cases.mail.trust`) keeps a reply whose sender is not
    believed out of the case it names: it opens a case of its own, linked, for a person.
    Names and subjects lose bidi controls and invisible characters: "Bob\u202egnp.exe" would
    read differently from what it is.
    """
    subject, from_name = one_line_text(subject), one_line_text(from_name)
    if external_id:
        existing = (
            Message.objects.filter(channel=channel, external_id=external_id)
            .select_related("case")
            .first()
        )
        if existing is not None:
            return Intake(existing.case, existing, created=False)
    written: list[str] = []
    try:
        with transaction.atomic():
            customer = Customer.objects.for_email(from_email, name=from_name, language=language)
            case = thread_case(customer, subject, in_reply_to, references)
            previous = None
            if case is not None and case.state == State.CLOSED and not automatic:
                previous, case = case, None
            checked = sender_check if case is not None else ""
            if checked:
                previous, case = case, None  # not into the case silently: beside it
            if case is None:
                case = Case(
                    customer=customer,
                    subject=subject[:255],
                    channel=channel,
                    language=language or customer.language,
                    previous_case=previous,
                )
                case.set_priority(case.priority)
                if not automatic:  # the same thing again: a person decides, not the AI twice
                    case.duplicate_of = earlier_duplicate(customer, engine_text or body)
                case.save()
            message = Message.objects.create(
                case=case,
                direction=Message.Direction.INBOUND,
                author_kind=Message.AuthorKind.CUSTOMER,
                channel=channel,
                subject=subject[:255],
                text=body,
                html=html,
                language=language,
                external_id=external_id,
                message_id=message_id[:255],
                in_reply_to=in_reply_to[:255],
                references=references,
                engine_text=engine_text,
                automatic=automatic[:40],
                sender_check=checked,
            )
            for item in attachments:
                written.append(Attachment.store(message=message, item=item))
            if after_message(case, message, previous):
                case.refresh_from_db()  # the reopen moved the locked copy, not this one
    except IntegrityError:
        Attachment.discard(written)
        # The same external_id delivered concurrently: the other request stored it.
        existing = Message.objects.filter(channel=channel, external_id=external_id).first()
        if not external_id or existing is None:
            raise
        return Intake(existing.case, existing, created=False)
    except BaseException:
        Attachment.discard(written)  # rolled back: no file without its row
        raise
    return Intake(case, message, created=True)


def one_line_text(value: str) -> str:
    """A name or a subject as it reads: no direction overrides, no zero-width characters."""
    return " ".join(BIDI_AND_INVISIBLE.sub("", value or "").split())


def thread_case(customer: Customer, subject: str, in_reply_to: str, references: str):
    """Find the customer's case this message continues: by our Message-ID, then by reference.

    Only the case's own customer can continue it: a forged reference from another sender
    starts a new case instead of appending to someone else's.
    """
    ids = [i for i in [in_reply_to, *references.split()] if i]
    if ids:
        known = (
            Message.objects.filter(message_id__in=ids[:50], case__customer=customer)
            .select_related("case")
            .order_by("-created_at")
            .first()
        )
        if known is None:
            # Our emails about a confirmation (customers.emails) have Message-IDs of their own.
            known = (
                EmailOutbox.objects.filter(message_id__in=ids[:50], case__customer=customer)
                .select_related("case")
                .order_by("-created_at")
                .first()
            )
        if known is not None:
            return latest_follow_up(known.case)
    match = REFERENCE_IN_SUBJECT.search(subject or "")
    if match:
        return latest_follow_up(
            Case.objects.filter(reference=match.group(1), customer=customer).first()
        )
    return None


def latest_follow_up(case: Case | None) -> Case | None:
    """A closed case continues in its newest follow-up, so replies don't open one per message."""
    while case is not None and case.state == State.CLOSED:
        follow_up = case.follow_ups.order_by("-created_at").first()
        if follow_up is None:
            break
        case = follow_up
    return case


def after_message(case: Case, message: Message, previous: Case | None) -> bool:
    """Record the arrival; move the case if the message changes what it waits for (→ True)."""
    data = {
        "message": message.pk,
        **({"previous_case": previous.reference} if previous else {}),
        **({"automatic": message.automatic} if message.automatic else {}),
    }
    # An auto-reply or a bounce is no customer's answer: it must not reopen anything.
    if (
        case.state != State.NEW
        and not message.automatic
        and can_proceed(case.reopen, check_conditions=False)
    ):
        case_transition(
            case=case,
            name="reopen",
            actor=Actor.customer(),
            payload={"reason_code": "customer_replied"},
        )
        return True
    case_record(case=case, name="message_received", actor=Actor.customer(), payload=data)
    return False
