"""One email in: parsed, checked, and stored as a message, a duplicate, or in quarantine.

Every path (the `ingest_email` pipe, the SMTP/LMTP receiver, the IMAP poller) calls
`email_ingest` once per email. It never raises for what a sender sent: a mail that cannot
become a message is kept raw in `QuarantinedEmail` with the reason, and the batch goes on. It
raises only when nothing could be stored at all (the database is down), so that the caller
(an MTA, an IMAP poll) keeps the mail and tries again later.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from cases.intake import message_receive
from cases.mail.bounces import bounce_receive, bounced_mail
from cases.mail.decoding import clean_text, one_line
from cases.mail.limits import Unparseable
from cases.mail.parse import ParsedEmail, email_parse
from cases.mail.trust import sender_check
from cases.models import Case, Message, QuarantinedEmail
from cases.transitions import Actor, case_record

logger = logging.getLogger(__name__)

CHANNEL = "email"


@dataclass(frozen=True)
class IngestResult:
    status: str  # STORED, DUPLICATE or QUARANTINED
    case: Case | None = None
    message: Message | None = None
    quarantine: QuarantinedEmail | None = None
    reason: str = ""  # why quarantined; or, for a stored machine-made mail, what kind it is

    STORED = "stored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"

    def __str__(self) -> str:
        if self.status == self.QUARANTINED:
            return f"quarantined ({self.reason})"
        automatic = f", automatic: {self.reason}" if self.reason else ""
        return f"{self.status}: case {self.case.reference}, message {self.message.pk}{automatic}"


def email_ingest(
    raw: bytes,
    *,
    source: str = "",
    envelope_from: str | None = None,
    override_rate_limit: bool = False,
) -> IngestResult:
    """Store one email; `envelope_from` is the SMTP sender if known ("" is a bounce's <>).

    `override_rate_limit` is for a supervisor releasing a quarantined mail (the admin action in
    cases/mail/admin.py): they judged the rate limit wrong for this mail. Every other check
    (limits, sender, idempotency, loop handling of machine-made mail) still applies.
    """
    try:
        parsed = email_parse(raw)
    except Unparseable as error:
        sender, subject = error.sender, error.subject
        if not (sender or subject):
            sender, subject = peek(raw)  # refused on its raw size: still say who and what
        return quarantine(raw, error.reason, source=source, sender=sender, subject=subject)
    except Exception as error:
        # A parser bug must not stop the mailbox: this mail waits in quarantine, the rest goes on.
        logger.exception("email parser failed on a %d-byte mail from %s", len(raw), source)
        return quarantine(raw, f"parser failed: {type(error).__name__}: {error}", source=source)
    if envelope_from == "" and not parsed.automatic:
        parsed.automatic = "bounce"  # the null sender is reserved for delivery reports
    external_id = external_id_of(parsed, raw)
    existing = stored_as(external_id)
    if existing is not None and not same_mail(existing, parsed):
        # Another mail with a Message-ID already taken (a device that always sends the same
        # one, or a forgery): not a redelivery. Its own bytes key it instead.
        external_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        existing = stored_as(external_id)
    if existing is not None:
        return IngestResult(IngestResult.DUPLICATE, existing.case, existing)
    if parsed.automatic == "bounce" and (ours := bounced_mail(raw)) is not None:
        # A report on our own mail: the mail is marked, the report kept for supervisors.
        reason = bounce_receive(raw, ours)
        return quarantine(
            raw,
            reason,
            source=source,
            sender=parsed.from_email,
            subject=parsed.subject,
            message_id=parsed.message_id,
        )
    if not override_rate_limit and over_rate_limit(parsed.from_email):
        return quarantine(
            raw,
            f"rate limit: {parsed.from_email} sent {settings.EMAIL_RATE_LIMIT} or more emails "
            f"in {settings.EMAIL_RATE_WINDOW_MINUTES} minutes",
            source=source,
            sender=parsed.from_email,
            subject=parsed.subject,
            message_id=parsed.message_id,
        )
    try:
        intake = message_receive(
            from_email=parsed.from_email,
            from_name=parsed.from_name,
            subject=parsed.subject,
            body=parsed.text,
            html=parsed.html,
            channel=CHANNEL,
            external_id=external_id,
            message_id=parsed.message_id,
            in_reply_to=parsed.in_reply_to,
            references=parsed.references,
            engine_text=parsed.engine_text,
            automatic=parsed.automatic,
            attachments=parsed.attachments,
            sender_check=sender_check(parsed.from_email, parsed.auth_results, envelope_from),
        )
    except (OperationalError, InterfaceError):
        raise  # the database is away: nothing can be stored, the caller tries again later
    except (DatabaseError, ValueError) as error:
        if isinstance(error, IntegrityError) and "external_id" not in str(error).lower():
            logger.exception("storing an email failed")
        return quarantine(
            raw,
            f"could not be stored as a message: {type(error).__name__}: {error}",
            source=source,
            sender=parsed.from_email,
            subject=parsed.subject,
            message_id=parsed.message_id,
        )
    if parsed.notes:
        logger.info("email %s: %s", parsed.message_id or external_id, "; ".join(parsed.notes))
    status = IngestResult.STORED if intake.created else IngestResult.DUPLICATE
    return IngestResult(status, intake.case, intake.message, reason=parsed.automatic)


def external_id_of(parsed: ParsedEmail, raw: bytes) -> str:
    """The key that makes a redelivered email one message: its Message-ID, else its bytes."""
    if parsed.message_id and len(parsed.message_id) <= 255:
        return parsed.message_id
    if parsed.message_id:
        return "sha256:" + hashlib.sha256(parsed.message_id.encode()).hexdigest()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def stored_as(external_id: str) -> Message | None:
    return (
        Message.objects.filter(channel=CHANNEL, external_id=external_id)
        .select_related("case__customer")
        .first()
    )


def same_mail(message: Message, parsed: ParsedEmail) -> bool:
    """Is this the stored message delivered again (same sender, subject and text)?"""
    return (
        message.case.customer.email == parsed.from_email
        and message.subject == parsed.subject[:255]
        and message.text == parsed.text
    )


def over_rate_limit(sender: str) -> bool:
    """Has this sender reached the limit of emails (stored or quarantined) in the window?"""
    limit = settings.EMAIL_RATE_LIMIT
    if not limit:
        return False
    since = timezone.now() - timedelta(minutes=settings.EMAIL_RATE_WINDOW_MINUTES)
    stored = Message.objects.filter(
        channel=CHANNEL,
        direction=Message.Direction.INBOUND,
        case__customer__email=sender,
        created_at__gte=since,
    ).count()
    if stored >= limit:
        return True
    held = QuarantinedEmail.objects.filter(sender=sender, received_at__gte=since).count()
    return stored + held >= limit


PEEK = 64 * 1024


def peek(raw: bytes) -> tuple[str, str]:
    """From's address and the Subject from a mail's first header lines, for a mail refused
    before it was parsed (too big, too many parts); ("", "") if they cannot be read."""
    head = re.split(rb"\r?\n\r?\n", raw[:PEEK], maxsplit=1)[0]
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(head + b"\r\n\r\n")
        sender = parseaddr(str(headers.get("from", "") or ""))[1]
        subject = str(headers.get("subject", "") or "")
    except Exception:  # a header too broken to read: the reason alone must do
        return "", ""
    return sender, subject


def quarantine(
    raw: bytes,
    reason: str,
    *,
    source: str,
    sender: str = "",
    subject: str = "",
    message_id: str = "",
) -> IngestResult:
    """Keep the raw mail with the reason; the same bytes twice are one quarantined mail."""
    digest = hashlib.sha256(raw).hexdigest()
    keep = settings.EMAIL_MAX_BYTES
    row, _ = QuarantinedEmail.objects.get_or_create(
        sha256=digest,
        defaults={
            "raw": raw[:keep],
            "truncated": len(raw) > keep,
            "size": len(raw),
            "reason": clean_text(reason)[:2000],
            "source": clean_text(source)[:40],
            "sender": clean_text(one_line(sender))[:254].lower(),
            "subject": clean_text(one_line(subject))[:255],
            "message_id": clean_text(message_id)[:255],
        },
    )
    logger.warning("email quarantined (%s, %d bytes from %s): %s", source, len(raw), sender, reason)
    return IngestResult(IngestResult.QUARANTINED, quarantine=row, reason=row.reason)


RELEASED_EVENT = "email_released"


@dataclass(frozen=True)
class Release:
    status: str  # RELEASED, DUPLICATE, GONE, INCOMPLETE or STILL_QUARANTINED
    ingest: IngestResult | None = None

    RELEASED = "released"  # stored as a new message
    DUPLICATE = "duplicate"  # the mail was a message already; the quarantined copy is dropped
    GONE = "gone"  # released (or erased) meanwhile: nothing to do
    INCOMPLETE = "incomplete"  # only the beginning was kept: refused, nothing changed
    STILL_QUARANTINED = "still_quarantined"  # a limit or the parser still refuses it


def quarantined_email_release(*, pk: int, user) -> Release:
    """Ingest a quarantined mail as a message although its sender was over the rate limit.

    Only the rate limit is overridden; every other check of intake runs again, so a mail still
    over a size or structure limit stays where it is. On success (or when the mail turns out
    to be a message already) the quarantine row goes, and the case's event log records who
    released it, in the same transaction.
    """
    with transaction.atomic():
        # Two releases of one mail (a double click, two supervisors) are one: the row lock
        # makes the second wait for the first, and then find the row gone.
        quarantined = QuarantinedEmail.objects.select_for_update().filter(pk=pk).first()
        if quarantined is None:
            return Release(Release.GONE)
        raw = bytes(quarantined.raw)
        if quarantined.truncated or hashlib.sha256(raw).hexdigest() != quarantined.sha256:
            # Not the whole mail: it cannot become a message, and intake would quarantine
            # these bytes as a second row.
            return Release(Release.INCOMPLETE)
        result = email_ingest(raw, source=quarantined.source, override_rate_limit=True)
        if result.status == IngestResult.QUARANTINED:
            # Intake found this very row (same bytes, same SHA-256) and left it as it was.
            return Release(Release.STILL_QUARANTINED, result)
        # On the case's event log, not in `AuditEntry`: its actions are a closed list (a new
        # one is a migration of review), and this is about one case and one message. No
        # personal data: the reason only by its kind ("rate limit: <address> sent …").
        case_record(
            case=result.case,
            name=RELEASED_EVENT,
            actor=Actor.staff(user),
            payload={
                "message": result.message.pk,
                "quarantined_email": quarantined.pk,
                "quarantined_for": quarantined.reason.split(":", 1)[0][:60],
                "received_at": quarantined.received_at.isoformat(),
                "duplicate": result.status == IngestResult.DUPLICATE,
            },
        )
        quarantined.delete()
    if result.status == IngestResult.DUPLICATE:
        return Release(Release.DUPLICATE, result)
    return Release(Release.RELEASED, result)
