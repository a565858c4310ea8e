"""Headers read defensively: decoded text, Message-IDs, the sender's address, the content type."""

import contextlib
import email.header
import re
from email import errors, policy
from email.message import Message as EmailMessage

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cases.mail.decoding import SURROGATES, WESTERN, codec_of, decode_bytes, one_line, repair

# One header value is cut to this before the parser sees it: no legitimate From, Subject or
# Content-Type comes near it, and the parser's worst cases grow with the length.
MAX_HEADER_VALUE = 8_000
MAX_ADDRESS_HEADER = 1_000  # address parsing is the slowest; no real From comes near
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def raw_header(message: EmailMessage, name: str, limit: int = MAX_HEADER_VALUE) -> str | None:
    """The first `name` header as received, unparsed, cut to `limit` characters."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)[:limit]
    return None


def header_text(message: EmailMessage, name: str, notes: list[str], *, hint=None) -> str:
    """A header's decoded text: RFC 2047 words decoded, raw 8-bit bytes decoded best-effort.

    Raw 8-bit headers carry no charset; the body's declared one (`hint`) is the best guess.
    """
    raw = raw_header(message, name)
    if raw is None:
        return ""
    try:
        value = str(policy.default.header_fetch_parse(name, raw))
    except Exception:  # the parser's own defects: decode word by word below
        notes.append(f"{name} header could not be parsed")
        value = SURROGATE_MARK
    if SURROGATES.search(value) or ("\ufffd" in value and "\ufffd" not in raw):
        # Undeclared 8-bit bytes, or encoded words in a wrong or unknown charset: decode each
        # piece on its own, so that one bad piece does not spoil the rest.
        value = decode_words(raw, notes, what=name, hint=hint)
    return repair(value, notes, what=name, hint=hint)


SURROGATE_MARK = "\udcff"


def decode_words(raw: str, notes: list[str], *, what: str, hint: str | None) -> str:
    try:
        pieces = email.header.decode_header(raw)
    except Exception:
        pieces = [(raw, None)]
    text = []
    for piece, charset in pieces:
        if isinstance(piece, str):
            piece = piece.encode("utf-8", errors="surrogateescape")
        text.append(decode_bytes(piece, charset or hint, notes, what=what))
    return "".join(text)


def body_charset(message: EmailMessage) -> str | None:
    """The charset the text parts declare: the first that is not a Western one, if any.

    Western single-byte charsets are tried anyway; a non-Western one is the better hint.
    """
    declared = []
    for index, part in enumerate(message.walk()):
        if index > 20:
            break
        with contextlib.suppress(Exception):
            if part.get_content_maintype() == "text" and part.get_content_charset():
                declared.append(part.get_content_charset())
    return next((c for c in declared if codec_of(c) not in WESTERN), None) or next(
        iter(declared), None
    )


def first_id(raw: str | None) -> str:
    if not raw:
        return ""
    found = MESSAGE_ID.search(raw)
    if found:
        return found.group(0)
    return one_line(raw)[:255]


def sender_of(message: EmailMessage, notes: list[str], *, hint=None) -> tuple[str, str]:
    """The sender's address (lower-cased) and display name; ("", "") if there is none.

    From first, then Reply-To and Sender when From holds no valid address. From is
    unauthenticated anyway (threading never trusts it alone); what matters is that an address
    is read the way the standard parser reads it (CVE-2023-27043), and is valid.
    """
    for name in ("from", "reply-to", "sender"):
        found = mailboxes(message, name, notes, hint=hint)
        if found:
            if name != "from":
                notes.append(f"no valid From address; the sender is taken from {name}")
            elif len(found) > 1:
                notes.append(f"{len(found)} addresses in From; the first is the sender")
            email, display = found[0]
            return email, one_line(display)[:200]
    return "", ""


def mailboxes(message: EmailMessage, name: str, notes: list[str], *, hint=None) -> list:
    raw = raw_header(message, name, limit=MAX_ADDRESS_HEADER)
    if not raw:
        return []
    try:
        header = policy.default.header_fetch_parse(name, raw)
        addresses = header.addresses
    except Exception:
        addresses = ()
    else:
        # The parser recovers from invalid syntax by guessing; a sender must not be a guess
        # ("alice@example.org)<mallory@evil.example>" reads as alice; CVE-2023-27043).
        if any(isinstance(d, errors.InvalidHeaderDefect) for d in header.defects):
            addresses = ()
    found = []
    for address in addresses:
        email = valid_address(repair(address.addr_spec or "", notes, what=name))
        if email and email not in dict(found):
            found.append((email, repair(address.display_name or "", notes, what=name, hint=hint)))
    if not found:
        # "Name name@example.com" without brackets: the last word, if it is an address.
        words = raw.split()
        if "<" not in raw and '"' not in raw and words:
            email = valid_address(words[-1])
            if email:
                found.append((email, ""))
    return found


def valid_address(value: str) -> str:
    email = value.strip().lower()
    if not email or len(email) > 254:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def safe_content_type(part: EmailMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"
