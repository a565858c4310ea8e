"""Parse one RFC 822 message into what intake stores, best-effort and never crashing."""

from dataclasses import dataclass, field
from email import policy
from email.feedparser import BytesFeedParser
from email.message import Message as EmailMessage

from cases.mail.attachments import ParsedAttachment, text_file
from cases.mail.automatic import automatic_kind
from cases.mail.decoding import one_line
from cases.mail.headers import (
    MESSAGE_ID,
    body_charset,
    first_id,
    header_text,
    raw_header,
    sender_of,
)
from cases.mail.limits import (
    PART_HEADER,
    Limits,
    Unparseable,
    check_mime_headers,
    header_length,
)
from cases.mail.mime import Body
from cases.mail.quotes import trim_for_engine

# Senders send anything: wrong and unknown charsets, 8-bit bytes without a declaration, broken
# base64, MIME trees a thousand levels deep, file names made to mislead. Everything decodes
# best-effort and records what it had to guess (`ParsedEmail.notes`); only what cannot become a
# message at all (too big, too deep, no sender) raises `Unparseable` with a reason, and intake
# keeps the raw bytes in quarantine.
#
# The standard library's parser has had quadratic cases on pathological headers (gh-136063) and
# recursion on deep nesting, so the limits are checked on the raw bytes before it runs, and header
# values are cut to a sane length before they are parsed.

MAX_REFERENCES = 49  # the newest ones; intake looks at In-Reply-To plus these
FEED_CHUNK = 1 << 20


@dataclass
class ParsedEmail:
    from_email: str
    from_name: str = ""
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    text: str = ""  # everything the sender wrote, quotes and signature included
    html: str = ""  # sanitised
    engine_text: str = ""  # without quoted history and signature; "" when equal to `text`
    automatic: str = ""  # why the mail is machine-made, "" for a person's mail
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what had to be guessed
    auth_results: list[str] = field(default_factory=list)  # Authentication-Results, as received


def email_parse(raw: bytes, limits: Limits | None = None) -> ParsedEmail:
    """Parse `raw` into a `ParsedEmail`; raise `Unparseable` with a reason if it cannot be."""
    limits = limits or Limits.from_settings()
    if not raw.strip():
        raise Unparseable("empty: no headers and no body")
    if len(raw) > limits.max_bytes:
        raise Unparseable(f"too large: {len(raw)} bytes, the limit is {limits.max_bytes}")
    if header_length(raw) > limits.max_header_bytes:
        raise Unparseable(
            f"headers too large: more than {limits.max_header_bytes} bytes before the body"
        )
    # Every MIME part and every nested message has a Content-Type line: counting them on the
    # raw bytes bounds parts and depth before the (recursive) parser builds the tree.
    declared_parts = len(PART_HEADER.findall(raw))
    if declared_parts > limits.max_parts:
        raise Unparseable(
            f"too many MIME parts: {declared_parts} Content-Type headers, "
            f"the limit is {limits.max_parts}"
        )
    check_mime_headers(raw)
    try:
        message = parse_bytes(raw)
    except RecursionError:
        raise Unparseable("nested too deeply (MIME parts or header comments)") from None
    parsed = ParsedEmail(from_email="")
    hint = body_charset(message)
    parsed.subject = one_line(header_text(message, "subject", parsed.notes, hint=hint))[:255]
    parsed.from_email, parsed.from_name = sender_of(message, parsed.notes, hint=hint)
    if not parsed.from_email:
        raise Unparseable(
            "no usable sender: no valid address in From (nor in Reply-To or Sender)",
            sender=one_line(raw_header(message, "from") or "")[:254],
            subject=parsed.subject,
        )
    parsed.message_id = first_id(raw_header(message, "message-id"))
    parsed.auth_results = [
        one_line(str(value))[:2000]
        for key, value in message.raw_items()
        if key.lower() == "authentication-results"
    ][:10]
    parsed.in_reply_to = first_id(raw_header(message, "in-reply-to"))
    references = MESSAGE_ID.findall(raw_header(message, "references", limit=200_000) or "")
    parsed.references = " ".join(references[-MAX_REFERENCES:])
    body = Body(limits, parsed.notes, hint=hint)
    try:
        body.collect(message, depth=0)
    except RecursionError:
        raise Unparseable("MIME structure nested too deeply", sender=parsed.from_email) from None
    except Unparseable as error:
        error.sender, error.subject = parsed.from_email, parsed.subject
        raise
    parsed.automatic = automatic_kind(message, parsed.from_email)
    own, html = body.text(), body.html()
    text = "\n\n".join(filter(None, [own, *body.forwarded]))
    if len(text) > limits.max_text_chars:
        # Nothing is lost: the whole text goes along as a file.
        parsed.notes.append(f"text cut at {limits.max_text_chars} characters; full text attached")
        body.attachments.append(text_file("message.txt", "text/plain", text))
        text = text[: limits.max_text_chars]
    if len(html) > limits.max_text_chars:
        parsed.notes.append("HTML part too long to show; attached as a file")
        body.attachments.append(text_file("message.html", "text/html", html))
        html = ""
    parsed.text, parsed.html = text, html
    trimmed = trim_for_engine(own) or trim_for_engine("\n\n".join(body.forwarded))
    parsed.engine_text = "" if trimmed == text.strip() else trimmed
    parsed.attachments = body.attachments
    if message.defects:
        parsed.notes.append(
            "defects: " + ", ".join(sorted({type(d).__name__ for d in message.defects}))
        )
    return parsed


def parse_bytes(raw: bytes) -> EmailMessage:
    """BytesParser.parsebytes, fed in chunks: no second copy of a big mail as one string."""
    parser = BytesFeedParser(policy=policy.default)
    view = memoryview(raw)
    for start in range(0, len(raw), FEED_CHUNK):
        parser.feed(bytes(view[start : start + FEED_CHUNK]))
    return parser.close()
