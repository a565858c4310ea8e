"""Parse one RFC 822 message into what intake stores, best-effort and never crashing.

Senders send anything: wrong and unknown charsets, 8-bit bytes without a declaration, broken
base64, MIME trees a thousand levels deep, file names made to mislead. Everything here decodes
best-effort and records what it had to guess (`ParsedEmail.notes`); only what cannot become a
message at all (too big, too deep, no sender) raises `Unparseable` with a reason, and intake
keeps the raw bytes in quarantine.

The standard library's parser has had quadratic cases on pathological headers (gh-136063) and
recursion on deep nesting, so the limits are checked on the raw bytes before it runs, and header
values are cut to a sane length before they are parsed.
"""

import codecs
import contextlib
import email.header
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email import errors, policy
from email.feedparser import BytesFeedParser
from email.message import Message as EmailMessage
from html import unescape
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


class Unparseable(Exception):
    """The bytes cannot become a message; `reason` says why, for the quarantine."""

    def __init__(self, reason: str, *, sender: str = "", subject: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.sender = sender
        self.subject = subject


@dataclass
class ParsedAttachment:
    filename: str  # the sender's name, cleaned; for display only, never for the disk
    declared_type: str
    content_type: str  # what the bytes are
    data: bytes
    inline: bool = False
    content_id: str = ""
    rejected: str = ""  # why the file is not stored; the message is kept all the same


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


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_header_bytes: int
    max_parts: int
    max_depth: int
    max_attachment_bytes: int
    max_text_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.EMAIL_MAX_BYTES,
            max_header_bytes=settings.EMAIL_MAX_HEADER_BYTES,
            max_parts=settings.EMAIL_MAX_PARTS,
            max_depth=settings.EMAIL_MAX_DEPTH,
            max_attachment_bytes=settings.EMAIL_MAX_ATTACHMENT_BYTES,
            max_text_chars=settings.MAX_MESSAGE_CHARS,
        )


# One header value is cut to this before the parser sees it: no legitimate From, Subject or
# Content-Type comes near it, and the parser's worst cases grow with the length.
MAX_HEADER_VALUE = 8_000
MAX_REFERENCES = 49  # the newest ones; intake looks at In-Reply-To plus these
PART_HEADER = re.compile(rb"(?im)^content-type[ \t]*:")
MIME_HEADER = re.compile(rb"(?im)^(content-(?:type|disposition))[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*")
MAX_MIME_HEADER = 4_000  # a 255-character file name, percent-encoded per RFC 2231, fits
MAX_MIME_HEADERS_TOTAL = 64_000
FEED_CHUNK = 1 << 20
MAX_ADDRESS_HEADER = 1_000  # address parsing is the slowest; no real From comes near
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


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


def check_mime_headers(raw: bytes) -> None:
    """Refuse Content-Type/-Disposition headers long enough to make the parser crawl.

    The parser reads them while it builds the tree, before any value can be cut, and its
    parameter parsing slows down with the square of the length (gh-136063).
    """
    total = 0
    for match in MIME_HEADER.finditer(raw):
        length = match.end() - match.start()
        total += length
        if length > MAX_MIME_HEADER:
            raise Unparseable(
                f"a {match.group(1).decode()} header is {length} bytes long, "
                f"the limit is {MAX_MIME_HEADER}"
            )
    if total > MAX_MIME_HEADERS_TOTAL:
        raise Unparseable(
            f"Content-Type/-Disposition headers total {total} bytes, "
            f"the limit is {MAX_MIME_HEADERS_TOTAL}"
        )


def header_length(raw: bytes) -> int:
    """Bytes before the blank line that ends the headers (all of them if there is none)."""
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    return min(ends) if ends else len(raw)


# Headers.


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


def one_line(value: str) -> str:
    return " ".join(value.split())


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


def automatic_kind(message: EmailMessage, sender: str) -> str:
    """Why this mail was sent by a machine, from its headers; "" when a person sent it.

    Such mail is stored but never answered (RFC 3834) and never read as customer intent:
    answering an auto-reply or a bounce is how mail loops start.
    """

    def header(name: str) -> str:
        return (raw_header(message, name, limit=200) or "").strip().lower()

    if safe_content_type(message) == "multipart/report":
        report = str(message.get_param("report-type", failobj="") or "").lower()
        return "read_receipt" if report == "disposition-notification" else "bounce"
    local = sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or header("return-path") == "<>":
        return "bounce"
    auto_submitted = header("auto-submitted")
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "auto_replied" if "auto-replied" in auto_submitted else "auto_generated"
    if header("x-autoreply") or header("x-autorespond") or header("x-autoresponder"):
        return "auto_replied"
    precedence = header("precedence") or header("x-precedence")
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "mailing_list" if precedence == "list" else "bulk"
    if header("list-id") or header("list-unsubscribe"):
        return "mailing_list"
    if sender and sender in own_addresses():
        return "own_address"  # our own mail came back: never answer ourselves
    return ""


def own_addresses() -> set[str]:
    from email.utils import parseaddr

    return {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()} - {""}


def safe_content_type(part: EmailMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


# Text: charsets best-effort.

# Western single-byte charsets are often declared for UTF-8 text; UTF-8 is tried first for them
# (random Latin-1 text is almost never valid UTF-8, so this does not misread real Latin-1).
WESTERN = {"ascii", "iso8859-1", "iso8859-15", "cp1252", "iso8859-2", "cp1250"}
SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
}
ISO_2022_JP = re.compile(rb"\x1b\$[@B]|\x1b\([BJ]")
SURROGATES = re.compile("[\ud800-\udfff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u203a\u20ac\u0152-\u0178]")


def codec_of(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when unknown or not a text encoding."""
    if not charset:
        return None
    try:
        info = codecs.lookup(charset.strip().strip('"').lower())
    except (LookupError, ValueError):
        return None
    # bytes.decode refuses these anyway; checked so that "zlib" or "base64" never get near.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None, notes: list[str], *, what: str = "text") -> str:
    """Decode text whose declared charset may be wrong, unknown or missing. Never raises."""
    if not data:
        return ""
    codec = codec_of(charset)
    if charset and codec is None:
        notes.append(f"{what}: unknown charset {charset[:40]!r}, guessed")
    if ISO_2022_JP.search(data) and codec in (None, "ascii"):
        codec = "iso2022_jp"  # Japanese mail that forgot to say so: 7-bit, with escapes
    if data.isascii() and codec in (None, *WESTERN):
        return clean_text(data.decode("ascii"))
    # A superset reads everything the declared charset can, and what senders put in anyway.
    codec = SUPERSETS.get(codec, codec)
    if codec is None or codec in WESTERN:
        candidates = ["utf-8", SUPERSETS.get(codec, codec or "cp1252")]
    elif codec == "utf-8":
        candidates = ["utf-8", "cp1252"]  # Western text is what is most often mislabelled so
    else:
        candidates = [codec, "utf-8"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if charset and candidate == "utf-8" and codec != "utf-8":
            notes.append(f"{what}: declared {charset[:40]!r}, read as utf-8")
        return clean_text(text)
    notes.append(f"{what}: undecodable bytes replaced")
    return clean_text(data.decode(candidates[0], errors="replace"))


def repair(value: str, notes: list[str], *, what: str, hint: str | None = None) -> str:
    """Undo what the parser leaves in text: raw 8-bit bytes (as surrogates) and mojibake."""
    if SURROGATES.search(value):
        # The parser keeps undeclared 8-bit header bytes as surrogate escapes.
        data = value.encode("utf-8", errors="surrogateescape")
        value = decode_bytes(data, hint, notes, what=what)
    return clean_text(fix_mojibake(value))


def fix_mojibake(value: str) -> str:
    """UTF-8 read as Latin-1 ("GrÃ¼ÃŸe") back to what was meant ("Grüße"), when unambiguous."""
    if not MOJIBAKE.search(value):
        return value
    for codec in ("cp1252", "latin-1"):
        try:
            return value.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return value


def clean_text(value: str) -> str:
    """No NUL (PostgreSQL refuses it), no lone surrogates, no stray controls, \\n newlines."""
    value = SURROGATES.sub("\ufffd", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", value)


# The MIME tree.


class Body:
    """Walk a message's parts once: texts, HTML, forwarded messages, attachments."""

    def __init__(self, limits: Limits, notes: list[str], *, hint: str | None = None):
        self.limits = limits
        self.notes = notes
        self.hint = hint  # for undeclared 8-bit bytes in headers and file names
        self.parts = 0
        self.plain: list[str] = []
        self.htmls: list[str] = []
        self.forwarded: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self._html: str | None = None
        self._html_text: str | None = None

    def text(self) -> str:
        if self.plain:
            return "\n\n".join(t.strip("\n") for t in self.plain if t.strip()).strip()
        html = self.html()
        return (self._html_text if self._html_text is not None else html_to_text(html)).strip()

    def html(self) -> str:
        """The HTML parts, sanitised; "" when there are none or they are too complex."""
        if self._html is None:
            source = "\n".join(self.htmls)
            if len(HTML_TAG.findall(source)) > MAX_HTML_TAGS:
                # The sanitiser slows down with the square of the nesting depth: such HTML is
                # not shown; its text is read crudely, and the HTML goes along as a file.
                self.notes.append(f"HTML has more than {MAX_HTML_TAGS} tags; attached as a file")
                self.attachments.append(text_file("message.html", "text/html", source))
                self._html, self._html_text = "", strip_tags(source)
            else:
                self._html = sanitise_html(source) if source else ""
        return self._html

    def collect(self, part: EmailMessage, *, depth: int) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            raise Unparseable(f"too many MIME parts: more than {self.limits.max_parts}")
        if depth > self.limits.max_depth:
            raise Unparseable(f"MIME nesting deeper than {self.limits.max_depth} levels")
        content_type = safe_content_type(part)
        payload = part.get_payload()
        if content_type == "message/rfc822" and isinstance(payload, list) and payload:
            self.forward(part, payload[0], depth)
        elif content_type == "message/delivery-status" and isinstance(payload, list):
            self.plain.append(delivery_status(payload))
        elif isinstance(payload, list):
            for child in payload:
                if isinstance(child, EmailMessage):
                    self.collect(child, depth=depth + 1)
        else:
            self.leaf(part, content_type)

    def forward(self, part: EmailMessage, inner: EmailMessage, depth: int) -> None:
        """A forwarded message: its text joins the body, the message itself is attached."""
        hint = body_charset(inner) or self.hint
        inner_body = Body(self.limits, self.notes, hint=hint)
        inner_body.parts = self.parts
        inner_body.collect(inner, depth=depth + 1)
        self.parts = inner_body.parts
        headers = [
            f"{label}: {one_line(header_text(inner, name, self.notes, hint=hint))}"
            for label, name in (("From", "from"), ("Date", "date"), ("Subject", "subject"))
            if raw_header(inner, name)
        ]
        content = "\n\n".join(filter(None, [inner_body.text(), *inner_body.forwarded]))
        self.forwarded.append(
            "\n".join(["---------- Forwarded message ----------", *headers, "", content])
        )
        try:
            data = inner.as_bytes(policy=policy.compat32)
        except Exception:
            self.notes.append("forwarded message could not be re-serialised; not attached")
            return
        name = header_text(inner, "subject", self.notes, hint=hint) or "forwarded message"
        self.attach(part, data, declared="message/rfc822", filename=f"{name}.eml")

    def leaf(self, part: EmailMessage, content_type: str) -> None:
        try:
            disposition = part.get_content_disposition()
        except Exception:
            disposition = None
        filename = self.filename_of(part)
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            self.notes.append(f"{content_type} part could not be decoded; kept as sent")
            data = str(part.get_payload()).encode("utf-8", errors="surrogateescape")
        is_text = content_type in ("text/plain", "text/html") or content_type.startswith(
            "multipart/"  # a multipart without its boundary: its body is all there is
        )
        if is_text and disposition != "attachment" and not filename:
            charset = None
            try:
                charset = part.get_content_charset()
            except Exception:
                self.notes.append("charset parameter unreadable")
            text = decode_bytes(data, charset, self.notes, what=content_type)
            (self.htmls if content_type == "text/html" else self.plain).append(text)
            return
        self.attach(part, data, declared=content_type, filename=filename)

    def filename_of(self, part: EmailMessage) -> str:
        try:
            name = part.get_filename() or ""
        except Exception:
            name = ""
        return repair(str(name)[:2000], self.notes, what="file name", hint=self.hint)

    def attach(self, part: EmailMessage, data: bytes, *, declared: str, filename: str) -> None:
        try:
            inline = part.get_content_disposition() == "inline"
        except Exception:
            inline = False
        content_id = first_id(raw_header(part, "content-id"))
        detected = sniff(data, declared)
        name = clean_filename(filename, detected)
        rejected = ""
        if len(data) > self.limits.max_attachment_bytes:
            rejected = (
                f"too large: {len(data)} bytes, the limit is {self.limits.max_attachment_bytes}"
            )
        elif is_executable(name, detected):
            rejected = f"executable content ({detected}, {extension_of(name) or 'no extension'})"
        self.attachments.append(
            ParsedAttachment(
                filename=name,
                declared_type=declared[:100],
                content_type=detected,
                data=b"" if rejected else data,
                inline=inline,
                content_id=content_id,
                rejected=rejected,
            )
        )


def delivery_status(blocks: list) -> str:
    """A bounce's machine-readable part as lines an agent can read."""
    lines = []
    for block in blocks:
        if isinstance(block, EmailMessage):
            lines.extend(f"{k}: {one_line(str(v))[:300]}" for k, v in block.raw_items())
            lines.append("")
    return "\n".join(lines).strip()


def text_file(filename: str, content_type: str, text: str) -> ParsedAttachment:
    return ParsedAttachment(
        filename=filename,
        declared_type=content_type,
        content_type=content_type,
        data=text.encode("utf-8"),
    )


# Attachments: names are for display; the bytes say what a file is.

BIDI_AND_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
MAX_FILENAME = 150
EXECUTABLE_EXTENSIONS = {
    "app", "apk", "bat", "cmd", "com", "cpl", "dll", "exe", "gadget", "hta", "inf", "ins",
    "iso", "jar", "js", "jse", "lnk", "msc", "msi", "msp", "pif", "ps1", "psm1", "reg",
    "scf", "scr", "sh", "sys", "vb", "vbe", "vbs", "vhd", "ws", "wsc", "wsf", "wsh",
}  # fmt: skip
EXECUTABLE_TYPES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-mach-binary",
    "text/x-shellscript",
}
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"#!", "text/x-shellscript"),
    (b"ID3", "audio/mpeg"),
    (b"BEGIN:VCALENDAR", "text/calendar"),
    (b"BEGIN:VCARD", "text/vcard"),
]
# Containers whose declared type is more precise than the signature: a .docx is a zip.
CONTAINERS = {
    "application/zip": (
        "application/vnd.openxmlformats",
        "application/vnd.oasis",
        "application/epub",
    ),
    "application/x-ole-storage": ("application/msword", "application/vnd.ms-", "application/x-msi"),
    "text/plain": ("text/", "application/json", "application/xml", "message/"),
}


def sniff(data: bytes, declared: str) -> str:
    """What the bytes are, by their signature; the declared type only refines a container."""
    head = data[:512]
    detected = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), "")
    if not detected:
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            detected = "image/webp"
        elif head[4:8] == b"ftyp":
            detected = "video/mp4"
        elif b"<svg" in head.lower():
            detected = "image/svg+xml"
        elif re.match(rb"\s*<(!doctype html|html|head|body)", head.lower()):
            detected = "text/html"
        elif is_text(data):
            detected = "text/plain"
        else:
            detected = "application/octet-stream"
    declared = declared.lower()
    if detected in CONTAINERS and declared.startswith(CONTAINERS[detected]):
        return declared[:100]
    return detected


def is_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut at the sample's end
            try:
                sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def clean_filename(name: str, content_type: str) -> str:
    """A display name that cannot mislead: no path, no direction tricks, bounded length."""
    name = unicodedata.normalize("NFC", name)
    name = BIDI_AND_INVISIBLE.sub("", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = one_line(name).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: MAX_FILENAME - len(extension) - 2]}….{extension}"
        else:
            name = name[: MAX_FILENAME - 1] + "…"
    if not name:
        digest = hashlib.sha256(content_type.encode()).hexdigest()[:6]
        name = f"attachment-{digest}"
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def is_executable(name: str, content_type: str) -> bool:
    """Programs and scripts are refused, whatever they are called or declared as."""
    return content_type in EXECUTABLE_TYPES or extension_of(name) in EXECUTABLE_EXTENSIONS


# HTML: sanitised with nh3 for display, turned into text for the engine.

HTML_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}  # remote images track the reader
HTML_TAG = re.compile(r"<[a-zA-Z]")
MAX_HTML_TAGS = 20_000


def strip_tags(html: str) -> str:
    """Text of HTML too complex to sanitise: tags dropped by pattern, in linear time."""
    html = re.sub(r"(?is)<(script|style|head|title)\b[^>]*>.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", "\n", html)
    text = unescape(re.sub(r"<[^>]*>", " ", html))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return clean_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines))).strip()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class TextExtractor(HTMLParser):
    BLOCKS = {
        "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt",
    }  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.chunks.append("\n")
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.chunks.append("- ")
        elif tag in ("td", "th"):
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.quote:
            # Quoted history, marked the way plain text marks it, so trimming finds it.
            data = "\n".join("> " + line for line in data.split("\n"))
        self.chunks.append(data)


def html_to_text(html: str) -> str:
    if not html:
        return ""
    extractor = TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.chunks).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return clean_text(text).strip()


# Quoted history and signatures: trimmed for the engine, kept in the stored message.

ATTRIBUTION = re.compile(
    r"^\s*(on\b.{0,250}\bwrote"
    r"|am\b.{0,250}\bschrieb\b.{0,250}"
    r"|le\b.{0,250}\ba écrit"
    r"|el\b.{0,250}\bescribió"
    r"|op\b.{0,250}\bschreef\b.{0,250}):\s*$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original)"
    r"\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(r"^\s*\*?(from|von|de|van)\s*:\*?\s", re.IGNORECASE)
HEADER_FOLLOW = re.compile(
    r"^\s*\*?(sent|date|gesendet|datum|to|an|subject|betreff|envoyé|cc)\s*:", re.IGNORECASE
)
SIGNATURE = re.compile(r"^-- ?$")
MOBILE_FOOTER = re.compile(
    r"^\s*(sent from my \w+|von meinem \w+ gesendet|gesendet von meinem \w+|"
    r"get outlook for \w+|sent from (mail|outlook) for \w+)\b.{0,40}$",
    re.IGNORECASE,
)


def trim_for_engine(text: str) -> str:
    """What this message says by itself: without quoted history, signature and phone footers."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if SIGNATURE.match(line) or SEPARATOR.match(line):
            break
        two_lines = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        if ATTRIBUTION.match(line) or (
            line.strip() and not line.lstrip().startswith(">") and ATTRIBUTION.match(two_lines)
        ):
            break
        if HEADER_LINE.match(line):
            # A quoted mail's header block: "From: …" followed by Sent/To/Subject lines.
            following = [f for f in lines[index + 1 : index + 12] if f.strip()][:4]
            headers = sum(bool(HEADER_FOLLOW.match(f)) for f in following)
            if headers >= 2 or (headers and "@" in line):
                break
        if line.lstrip().startswith(">") or MOBILE_FOOTER.match(line):
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
