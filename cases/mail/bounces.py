"""Bounces of our own mail: a delivery report (DSN) that names one of our Message-IDs marks
that reply or customer email undelivered, and its case goes back to a person.

Only our exact Message-ID counts (a reply's carries 16 random hex digits; only whoever got the
mail knows it): a bounce that merely names a case's reference changes nothing. The report
itself is kept in quarantine with what it said, for supervisors.
"""

import re

from django.db import transaction
from django.utils import timezone

from cases.delivery import send_back_after_commit
from cases.models import Message
from customers.models import EmailOutbox

# Ours: replies `<REF.<16 hex>@domain>` (cases.outbound), customer emails `<REF.c<id>.<kind>@…>`.
OUR_MESSAGE_ID = re.compile(
    rb"<[A-Z0-9]{8}\.(?:[0-9a-f]{16}|c[0-9]{1,18}\.[a-z]{1,12})@[A-Za-z0-9.-]{1,253}>"
)
STATUS = re.compile(rb"^Status:[ \t]*([245])\.(\d{1,3})\.(\d{1,3})", re.MULTILINE | re.IGNORECASE)
ACTION = re.compile(rb"^Action:[ \t]*(\w+)", re.MULTILINE | re.IGNORECASE)
DIAGNOSTIC = re.compile(rb"^Diagnostic-Code:[ \t]*[^;\r\n]*;[ \t]*([^\r\n]{1,300})", re.MULTILINE)
SCAN = 1024 * 1024  # a report names the original near its start


def bounced_mail(raw: bytes):
    """Our reply or customer email that this report is about, or None."""
    ids = [found.decode() for found in OUR_MESSAGE_ID.findall(raw[:SCAN])][:20]
    if not ids:
        return None
    outbound = Message.objects.filter(message_id__in=ids, direction=Message.Direction.OUTBOUND)
    return outbound.select_related("case").first() or (
        EmailOutbox.objects.filter(message_id__in=ids).select_related("case").first()
    )


def report_of(raw: bytes) -> tuple[bool, str]:
    """(final, what it says): a "delayed" report or a 4.x.x status is not final."""
    head = raw[:SCAN]
    action = ACTION.search(head)
    status = STATUS.search(head)
    final = not (action and action.group(1).lower() == b"delayed")
    final = final and not (status and status.group(1) == b"4")
    said = [b".".join(status.groups()).decode()] if status else []
    diagnostic = DIAGNOSTIC.search(head)
    if diagnostic:
        said.append(diagnostic.group(1).decode("utf-8", "replace").strip())
    return final, (" ".join(said) or "bounced")[:500]


def bounce_receive(raw: bytes, mail) -> str:
    """Mark the mail undelivered (once) and say what the report was, for the quarantine."""
    final, said = report_of(raw)
    what = f"bounce of our mail on case {mail.case.reference}: {said}"
    if not final:
        return f"delivery delayed report on case {mail.case.reference}: {said}"
    with transaction.atomic():
        locked = type(mail).objects.select_for_update().get(pk=mail.pk)
        if locked.undelivered_at is not None:
            return what  # reported already
        locked.undeliverable(said, timezone.now())
        locked.save(update_fields=locked.DELIVERY_FIELDS)
        send_back_after_commit(locked, bounce=True)
    return what
