"""The MIME tree walked once: texts, HTML, forwarded messages, bounce reports, attachments."""

from email import policy
from email.message import Message as EmailMessage

from cases.mail.attachments import (
    ParsedAttachment,
    clean_filename,
    extension_of,
    is_executable,
    sniff,
    text_file,
)
from cases.mail.decoding import decode_bytes, one_line, repair
from cases.mail.headers import body_charset, first_id, header_text, raw_header, safe_content_type
from cases.mail.html_body import HTML_TAG, MAX_HTML_TAGS, html_to_text, sanitise_html, strip_tags
from cases.mail.limits import Limits, Unparseable


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
