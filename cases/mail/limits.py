"""Limits on a message, checked on its raw bytes, and `Unparseable` for what cannot be a message."""

import re
from dataclasses import dataclass

from django.conf import settings


class Unparseable(Exception):
    """The bytes cannot become a message; `reason` says why, for the quarantine."""

    def __init__(self, reason: str, *, sender: str = "", subject: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.sender = sender
        self.subject = subject


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


PART_HEADER = re.compile(rb"(?im)^content-type[ \t]*:")
MIME_HEADER = re.compile(rb"(?im)^(content-(?:type|disposition))[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*")
MAX_MIME_HEADER = 4_000  # a 255-character file name, percent-encoded per RFC 2231, fits
MAX_MIME_HEADERS_TOTAL = 64_000


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
