"""Emails written for the tests: each with what intake must make of it.

Each entry builds its raw bytes from a `World` (customers and cases that already exist, our own
Message-IDs) and says the outcome: stored on a new case or on a named existing one, or
quarantined with a reason. Extra checks live in small functions next to the entry.
"""

import base64
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Bytes whose type the sniffer knows.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20


@dataclass
class World:
    """What exists before the corpus arrives (see the `world` fixture)."""

    ada: object  # the customer ada@example.com
    resolved: object  # Ada's resolved case; we replied with `resolved_id`
    resolved_id: str
    closed: object  # Ada's closed case; we replied with `closed_id`
    closed_id: str
    awaiting: object  # Ada's case awaiting her choice; we emailed her with `awaiting_id`
    awaiting_id: str
    support: str  # our own address


@dataclass
class Entry:
    name: str
    build: Callable[[World], bytes]
    outcome: str = "stored"  # or "quarantined"
    reason: str = ""  # in the quarantine's reason
    case: str = "new"  # "new", "follow_up:<world case>", or a World attribute
    state: str | None = None  # the case's state once intake and the suggestion ran
    sender: str | None = None
    subject: str | None = None
    text: tuple[str, ...] = ()  # the stored text contains these
    not_text: tuple[str, ...] = ()
    engine_text: str | None = None  # what the engine reads, exactly
    automatic: str = ""
    check: Callable | None = None  # extra assertions: check(result, world)
    notes: str = ""  # why the entry is in the corpus


def mail(
    name: str,
    body: str | bytes = "Hello,\n\nwhere is my order 123456?\n\nAda\n",
    *,
    sender: str = "Ada Lovelace <ada@example.com>",
    subject: str = "Where is my order?",
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "8bit",
    headers: tuple[str, ...] = (),
    message_id: str | None = None,
) -> bytes:
    """An email as a client would write it: CRLF, headers, blank line, body."""
    lines = [
        *([f"From: {sender}"] if sender is not None else []),
        "To: Support <support@shop.example>",
        f"Subject: {subject}",
        "Date: Sat, 28 Nov 2026 09:30:00 +0100",
        f"Message-ID: {message_id or f'<{name}@corpus.test>'}",
        "MIME-Version: 1.0",
        *([f"Content-Type: {content_type}"] if content_type else []),
        *([f"Content-Transfer-Encoding: {encoding}"] if encoding else []),
        *headers,
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", errors="surrogateescape")
    return head + (body if isinstance(body, bytes) else body.encode("utf-8"))


def multipart(
    name: str,
    parts: list[bytes],
    *,
    subtype: str = "mixed",
    boundary: str = "==corpus-boundary==",
    extra: str = "",
    **kwargs,
) -> bytes:
    body = b"This is a multi-part message in MIME format.\r\n"
    for part in parts:
        body += f"--{boundary}\r\n".encode() + part + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return mail(
        name,
        body,
        content_type=f'multipart/{subtype}; boundary="{boundary}"{extra}',
        encoding="",
        **kwargs,
    )


def part(content_type: str, payload: bytes | str, *, headers: tuple[str, ...] = ()) -> bytes:
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    head = "\r\n".join([f"Content-Type: {content_type}", *headers]) + "\r\n\r\n"
    return head.encode("utf-8", errors="surrogateescape") + payload


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def attachment(filename: str, data: bytes, content_type: str = "application/octet-stream"):
    return part(
        f'{content_type}; name="{filename}"',
        b64(data),
        headers=(
            f'Content-Disposition: attachment; filename="{filename}"',
            "Content-Transfer-Encoding: base64",
        ),
    )


def nested(depth: int) -> bytes:
    """A multipart inside a multipart, `depth` times, with a text at the bottom."""
    inner = part("text/plain; charset=utf-8", "deep down\r\n")
    for level in range(depth):
        boundary = f"level{level}"
        inner = (
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n--{boundary}\r\n'.encode()
            + inner
            + f"\r\n--{boundary}--\r\n".encode()
        )
    return inner


def our_reply_quoted(world_id: str) -> str:
    return (
        "Thanks, but the parcel is still not here.\r\n"
        "\r\n"
        "On Fri, 27 Nov 2026 at 10:00, Support <support@shop.example> wrote:\r\n"
        "> Hello Ada, your order 123456 is on its way.\r\n"
        "> Kind regards\r\n"
    )


# Extra checks.


def html_is_sanitised(result, world):
    message = result.message
    assert "<script" not in message.html and "onerror" not in message.html
    assert "<img" not in message.html  # remote images would tell the sender we read it
    assert "javascript:" not in message.html
    assert "alert" not in message.text
    assert "<p>" in message.html


def alternative_keeps_both(result, world):
    assert "<b>order</b>" in result.message.html
    assert result.message.text.startswith("Hello, where is my order")


def inline_image(result, world):
    (image,) = result.message.attachments.all()
    assert (image.inline, image.content_id, image.content_type) == (
        True,
        "<logo@corpus.test>",
        "image/png",
    )


def pdf_stored_privately(result, world):
    (pdf,) = result.message.attachments.all()
    assert pdf.content_type == "application/pdf" and not pdf.rejected
    path = pdf.file.path
    assert path.endswith(".pdf") and "invoice" not in path  # a generated name
    assert Path(path).read_bytes() == PDF
    assert os.stat(path).st_mode & 0o777 == 0o600


def filename(expected: str, *, content_type: str | None = None, rejected: str = ""):
    def check(result, world):
        (stored,) = result.message.attachments.all()
        assert stored.filename == expected
        if content_type:
            assert stored.content_type == content_type
        if rejected:
            assert rejected in stored.rejected and not stored.file
        else:
            assert not stored.rejected
            assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+", stored.file.name)

    return check


def dotdot_stays_inside(result, world):
    from django.conf import settings

    (stored,) = result.message.attachments.all()
    assert stored.filename == "passwd"
    assert os.path.realpath(stored.file.path).startswith(os.path.realpath(settings.MEDIA_ROOT))


def long_name(result, world):
    (stored,) = result.message.attachments.all()
    assert len(stored.filename) <= 150 and stored.filename.endswith(".pdf")
    assert len(stored.file.name) < 100


def rtl_override(result, world):
    (stored,) = result.message.attachments.all()
    assert "\u202e" not in stored.filename
    assert stored.filename == "invoicefdp.exe"  # what it really is, no longer disguised
    assert stored.rejected.startswith("executable") and not stored.file


def mismatch(result, world):
    (stored,) = result.message.attachments.all()
    assert (stored.declared_type, stored.content_type) == ("image/png", "application/pdf")
    assert stored.file.name.endswith(".pdf")


def big_attachment(result, world):
    (stored,) = result.message.attachments.all()
    assert stored.size == 20 * 1024 * 1024 and not stored.rejected
    assert os.path.getsize(stored.file.path) == stored.size


def forwarded(result, world):
    (eml,) = result.message.attachments.all()
    assert eml.content_type == "message/rfc822" and eml.filename == "Your invoice 4711.eml"
    assert b"Invoice 4711 is attached" in eml.file.read()


def not_reopened(result, world):
    world.resolved.refresh_from_db()
    assert world.resolved.state == "resolved"
    assert result.message.case == world.resolved
    event = world.resolved.events.get(name="message_received")
    assert event.data["automatic"] == "auto_replied" and not event.is_transition


def reopened(reason_state="resolved"):
    def check(result, world):
        event = result.case.events.filter(name="reopen").get()
        assert event.reason_codes == ["customer_replied"]
        assert (event.from_state, event.to_state) == (reason_state, "in_review")

    return check


def forged(target: str):
    def check(result, world):
        victim = getattr(world, target)
        assert result.case != victim and result.case.customer.email == "mallory@evil.example"
        assert result.case.previous_case is None
        state = victim.state
        victim.refresh_from_db()
        assert victim.state == state and not victim.events.exists()

    return check


def automatic_review(result, world):
    case = type(result.case).objects.get(pk=result.case.pk)
    suggestion = case.current_suggestion
    assert suggestion.reason_codes == ["automatic_message"] and not suggestion.automatable
    assert suggestion.message == result.message and not suggestion.draft_reply
    assert not case.messages.filter(direction="out").exists()  # never answered


def one_line_subject(result, world):
    assert "\r" not in result.message.subject and "\n" not in result.message.subject


def no_nul(result, world):
    assert "\x00" not in result.message.text


def calendar(result, world):
    (invite,) = result.message.attachments.all()
    assert invite.content_type == "text/calendar" and invite.file.name.endswith(".bin")


def svg_kept_as_file(result, world):
    (svg,) = result.message.attachments.all()
    assert svg.content_type == "image/svg+xml" and svg.file.name.endswith(".bin")


def zip_not_opened(result, world):
    (archive,) = result.message.attachments.all()
    assert archive.content_type == "application/zip" and archive.size == len(ZIP)


def docx_is_a_zip_that_says_so(result, world):
    (document,) = result.message.attachments.all()
    assert document.content_type.startswith("application/vnd.openxmlformats")


def confirmation_superseded(result, world):
    assert not world.awaiting.confirmations.pending().exists()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GERMAN = (
    "Sehr geehrte Damen und Herren,\n\nmeine Bestellung ist nicht angekommen. Grüße aus München!\n"
)

ENTRIES = [
    # Plain text.
    Entry(
        "plain_ascii",
        lambda w: mail("plain_ascii"),
        sender="ada@example.com",
        subject="Where is my order?",
        text=("where is my order 123456?",),
        state="in_review",
    ),
    Entry(
        "plain_utf8_8bit_german",
        lambda w: mail("plain_utf8_8bit_german", GERMAN, subject="Bestellung"),
        text=("Grüße aus München!",),
    ),
    Entry(
        "plain_quoted_printable_latin1",
        lambda w: mail(
            "plain_quoted_printable_latin1",
            "Gr=FC=DFe aus M=FCnchen, die Lieferung ist versp=E4tet.\r\n",
            content_type="text/plain; charset=iso-8859-1",
            encoding="quoted-printable",
        ),
        text=("Grüße aus München, die Lieferung ist verspätet.",),
    ),
    Entry(
        "plain_base64_utf8",
        lambda w: mail(
            "plain_base64_utf8",
            b64("Mein Paket kam beschädigt an. Bitte um Ersatz.\n".encode()),
            encoding="base64",
        ),
        text=("Mein Paket kam beschädigt an.",),
    ),
    Entry(
        "plain_without_mime_headers",
        lambda w: mail(
            "plain_without_mime_headers", "Just text.\r\n", content_type="", encoding=""
        ),
        text=("Just text.",),
        notes="no MIME-Version parameters at all: text/plain us-ascii by default",
    ),
    # HTML.
    Entry(
        "html_only",
        lambda w: mail(
            "html_only",
            "<html><head><title>Mail</title><style>p{color:red}</style></head><body>"
            "<p>Hello,</p><p>my order <b>123456</b> is late.<br>Ada</p>"
            '<img src="https://tracker.example/pixel.gif" onerror="alert(1)">'
            "<script>alert('xss')</script>"
            '<a href="javascript:alert(2)">click</a></body></html>',
            content_type="text/html; charset=utf-8",
        ),
        text=("Hello,", "my order 123456 is late.", "click"),
        not_text=("color:red", "alert", "Mail"),
        check=html_is_sanitised,
    ),
    Entry(
        "multipart_alternative",
        lambda w: multipart(
            "multipart_alternative",
            [
                part("text/plain; charset=utf-8", "Hello, where is my order 555?\r\n"),
                part("text/html; charset=utf-8", "<p>Hello, where is my <b>order</b> 555?</p>"),
            ],
            subtype="alternative",
        ),
        text=("Hello, where is my order 555?",),
        check=alternative_keeps_both,
    ),
    Entry(
        "multipart_related_inline_image",
        lambda w: multipart(
            "multipart_related_inline_image",
            [
                part(
                    "text/html; charset=utf-8",
                    '<p>See our logo <img src="cid:logo@corpus.test"></p>',
                ),
                part(
                    "image/png",
                    b64(PNG),
                    headers=(
                        "Content-Transfer-Encoding: base64",
                        "Content-ID: <logo@corpus.test>",
                        "Content-Disposition: inline",
                    ),
                ),
            ],
            subtype="related",
        ),
        text=("See our logo",),
        check=inline_image,
    ),
    Entry(
        "pdf_attachment",
        lambda w: multipart(
            "pdf_attachment",
            [
                part("text/plain; charset=utf-8", "The invoice is wrong, see attached.\r\n"),
                attachment("invoice.pdf", PDF, "application/pdf"),
            ],
        ),
        text=("The invoice is wrong",),
        check=pdf_stored_privately,
    ),
    # Headers: RFC 2047 and RFC 2231.
    Entry(
        "rfc2047_subject_q_utf8",
        lambda w: mail(
            "rfc2047_subject_q_utf8",
            GERMAN,
            subject="=?utf-8?q?Bestellung_=C3=BCber_M=C3=BCnchen_versp=C3=A4tet?=",
        ),
        subject="Bestellung über München verspätet",
        text=("Grüße aus München!",),
    ),
    Entry(
        "rfc2047_subject_b_latin1",
        lambda w: mail(
            "rfc2047_subject_b_latin1",
            subject="=?iso-8859-1?b?"
            + base64.b64encode("Rückerstattung für Bestellung".encode("latin-1")).decode()
            + "?=",
        ),
        subject="Rückerstattung für Bestellung",
    ),
    Entry(
        "rfc2047_from_name",
        lambda w: mail(
            "rfc2047_from_name",
            sender="=?utf-8?q?J=C3=BCrgen_M=C3=BC=C3=9Fig?= <Juergen@Example.DE>",
        ),
        sender="juergen@example.de",
        check=lambda r, w: r.case.customer.name == "Jürgen Müßig",
    ),
    Entry(
        "rfc2047_split_words",
        lambda w: mail(
            "rfc2047_split_words",
            subject="=?utf-8?q?Gr=C3=BC?= =?utf-8?q?=C3=9Fe?= und =?iso-8859-1?q?K=FCsse?=",
        ),
        subject="Grüße und Küsse",
    ),
    Entry(
        "rfc2231_filename",
        lambda w: multipart(
            "rfc2231_filename",
            [
                part("text/plain; charset=utf-8", "Anbei die Rechnung.\r\n"),
                part(
                    "application/pdf",
                    b64(PDF),
                    headers=(
                        "Content-Disposition: attachment; "
                        "filename*=utf-8''Rechnung%20M%C3%A4rz.pdf",
                        "Content-Transfer-Encoding: base64",
                    ),
                ),
            ],
        ),
        check=filename("Rechnung März.pdf", content_type="application/pdf"),
    ),
    # Charsets: wrong, unknown, undeclared.
    Entry(
        "utf8_declared_as_latin1",
        lambda w: mail(
            "utf8_declared_as_latin1", GERMAN, content_type="text/plain; charset=iso-8859-1"
        ),
        text=("Grüße aus München!",),
        not_text=("Ã",),
    ),
    Entry(
        "latin1_declared_as_utf8",
        lambda w: mail(
            "latin1_declared_as_utf8",
            GERMAN.encode("latin-1"),
            content_type="text/plain; charset=utf-8",
        ),
        text=("Grüße aus München!",),
    ),
    Entry(
        "unknown_charset",
        lambda w: mail("unknown_charset", GERMAN, content_type="text/plain; charset=x-klingon-8"),
        text=("Grüße aus München!",),
    ),
    Entry(
        "charset_that_is_a_codec_not_an_encoding",
        lambda w: mail(
            "charset_that_is_a_codec", "plain words\r\n", content_type="text/plain; charset=zlib"
        ),
        text=("plain words",),
        notes="Python knows 'zlib' as a bytes codec: it must never be used to decode",
    ),
    Entry(
        "undeclared_8bit_utf8",
        lambda w: mail("undeclared_8bit_utf8", GERMAN, content_type="text/plain"),
        text=("Grüße aus München!",),
    ),
    Entry(
        "undeclared_8bit_cp1252",
        lambda w: mail(
            "undeclared_8bit_cp1252",
            "Der Betrag von 49,90 € wurde doppelt abgebucht – bitte prüfen.\r\n".encode(  # noqa: RUF001
                "cp1252"
            ),
            content_type="text/plain",
        ),
        text=("49,90 € wurde doppelt abgebucht – bitte prüfen.",),  # noqa: RUF001
    ),
    Entry(
        "raw_8bit_utf8_subject",
        lambda w: mail("raw_8bit_utf8_subject", subject="Lieferung verspätet – Grüße"),  # noqa: RUF001
        subject="Lieferung verspätet – Grüße",  # noqa: RUF001
    ),
    Entry(
        "encoded_word_with_wrong_charset",
        lambda w: mail(
            "encoded_word_with_wrong_charset", subject="=?iso-8859-1?q?Gr=C3=BC=C3=9Fe?="
        ),
        subject="Grüße",
        notes="UTF-8 bytes labelled Latin-1 inside an encoded word: the mojibake is undone",
    ),
    Entry(
        "encoded_word_unknown_charset",
        lambda w: mail("encoded_word_unknown_charset", subject="=?x-unknown?q?Gr=C3=BC=C3=9Fe?="),
        subject="Grüße",
    ),
    Entry(
        "cyrillic_koi8r",
        lambda w: mail(
            "cyrillic_koi8r",
            "Здравствуйте, где мой заказ?\r\n".encode("koi8-r"),
            content_type="text/plain; charset=koi8-r",
        ),
        text=("Здравствуйте, где мой заказ?",),
    ),
    Entry(
        "chinese_gbk_declared_gb2312",
        lambda w: mail(
            "chinese_gbk_declared_gb2312",
            "您好，我的訂單還沒有到。\r\n".encode("gbk"),  # noqa: RUF001
            content_type="text/plain; charset=gb2312",
        ),
        text=("您好，我的訂單還沒有到。",),  # noqa: RUF001
        notes="traditional characters are GBK, not GB2312: the superset reads them",
    ),
    Entry(
        "japanese_iso2022jp",
        lambda w: mail(
            "japanese_iso2022jp",
            "注文がまだ届きません。\r\n".encode("iso2022_jp"),
            subject="=?iso-2022-jp?b?"
            + base64.b64encode("注文".encode("iso2022_jp")).decode()
            + "?=",
            content_type="text/plain; charset=iso-2022-jp",
            encoding="7bit",
        ),
        subject="注文",
        text=("注文がまだ届きません。",),
    ),
    # Attachments with hostile names and contents.
    Entry(
        "attachment_name_dotdot",
        lambda w: multipart(
            "attachment_name_dotdot",
            [
                part("text/plain", "see file\r\n"),
                attachment("../../../etc/passwd", b"root:x:0:0\n", "text/plain"),
            ],
        ),
        check=dotdot_stays_inside,
    ),
    Entry(
        "attachment_name_very_long",
        lambda w: multipart(
            "attachment_name_very_long",
            [
                part("text/plain", "see file\r\n"),
                attachment("a" * 1000 + ".pdf", PDF, "application/pdf"),
            ],
        ),
        check=long_name,
    ),
    Entry(
        "attachment_name_rtl_override",
        lambda w: multipart(
            "attachment_name_rtl_override",
            [
                part("text/plain", "my invoice\r\n"),
                part(
                    "application/pdf",
                    b64(EXE),
                    headers=(
                        "Content-Disposition: attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe",
                        "Content-Transfer-Encoding: base64",
                    ),
                ),
            ],
        ),
        text=("my invoice",),
        check=rtl_override,
        notes="U+202E shows 'invoice\u202efdp.exe' as 'invoiceexe.pdf'",
    ),
    Entry(
        "attachment_double_extension",
        lambda w: multipart(
            "attachment_double_extension",
            [
                part("text/plain", "photo of the damage\r\n"),
                attachment("photo.jpg.exe", JPEG, "image/jpeg"),
            ],
        ),
        text=("photo of the damage",),
        check=filename("photo.jpg.exe", rejected="executable"),
    ),
    Entry(
        "attachment_double_extension_harmless",
        lambda w: multipart(
            "attachment_double_extension_harmless",
            [part("text/plain", "scan\r\n"), attachment("scan.pdf.png", PNG, "image/png")],
        ),
        check=filename("scan.pdf.png", content_type="image/png"),
    ),
    Entry(
        "attachment_executable_named_pdf",
        lambda w: multipart(
            "attachment_executable_named_pdf",
            [
                part("text/plain", "report attached\r\n"),
                attachment("report.pdf", EXE, "application/pdf"),
            ],
        ),
        text=("report attached",),
        check=filename("report.pdf", rejected="executable"),
    ),
    Entry(
        "attachment_type_mismatch",
        lambda w: multipart(
            "attachment_type_mismatch",
            [part("text/plain", "picture\r\n"), attachment("picture.png", PDF, "image/png")],
        ),
        check=mismatch,
    ),
    Entry(
        "attachment_20_mb",
        lambda w: multipart(
            "attachment_20_mb",
            [
                part("text/plain", "Photos of the broken washing machine.\r\n"),
                attachment(
                    "photos.zip",
                    b"PK\x03\x04" + os.urandom(20 * 1024 * 1024 - 4),
                    "application/zip",
                ),
            ],
        ),
        text=("Photos of the broken washing machine.",),
        check=big_attachment,
    ),
    Entry(
        "attachment_calendar_invite",
        lambda w: multipart(
            "attachment_calendar_invite",
            [
                part("text/plain", "Can we talk on Monday?\r\n"),
                part(
                    "text/calendar; method=REQUEST",
                    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
                ),
            ],
        ),
        text=("Can we talk on Monday?",),
        not_text=("VCALENDAR",),
        check=calendar,
    ),
    Entry(
        "attachment_svg",
        lambda w: multipart(
            "attachment_svg",
            [
                part("text/plain", "logo\r\n"),
                attachment(
                    "logo.svg",
                    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                    "image/svg+xml",
                ),
            ],
        ),
        check=svg_kept_as_file,
    ),
    Entry(
        "attachment_zip_not_opened",
        lambda w: multipart(
            "attachment_zip_not_opened",
            [part("text/plain", "archive\r\n"), attachment("archive.zip", ZIP, "application/zip")],
        ),
        check=zip_not_opened,
    ),
    Entry(
        "attachment_docx",
        lambda w: multipart(
            "attachment_docx",
            [part("text/plain", "contract\r\n"), attachment("contract.docx", ZIP, DOCX)],
        ),
        check=docx_is_a_zip_that_says_so,
    ),
    # Structure.
    Entry(
        "deep_mime_nesting",
        lambda w: mail(
            "deep_mime_nesting",
            nested(30).split(b"\r\n\r\n", 1)[1],
            content_type='multipart/mixed; boundary="level29"',
            encoding="",
        ),
        outcome="quarantined",
        reason="MIME nesting deeper than 20 levels",
    ),
    Entry(
        "nesting_within_limits",
        lambda w: mail(
            "nesting_within_limits",
            nested(10).split(b"\r\n\r\n", 1)[1],
            content_type='multipart/mixed; boundary="level9"',
            encoding="",
        ),
        text=("deep down",),
    ),
    Entry(
        "mime_bomb_many_parts",
        lambda w: multipart(
            "mime_bomb_many_parts", [part("text/plain", f"part {i}") for i in range(2000)]
        ),
        outcome="quarantined",
        reason="too many MIME parts",
    ),
    Entry(
        "missing_boundary",
        lambda w: mail(
            "missing_boundary",
            "Content-Type: text/plain\r\n\r\nThe text is still readable.\r\n",
            content_type="multipart/mixed",
            encoding="",
        ),
        text=("The text is still readable.",),
    ),
    Entry(
        "broken_base64",
        lambda w: mail(
            "broken_base64", "SGVsbG8gd29ybGQ@@@!!!not base64 at all===\r\n", encoding="base64"
        ),
        notes="stored best-effort, whatever the decoder makes of it",
    ),
    Entry(
        "forwarded_message",
        lambda w: multipart(
            "forwarded_message",
            [
                part(
                    "text/plain; charset=utf-8",
                    "Please look at the mail below, the amount is wrong.\r\n",
                ),
                part(
                    "message/rfc822",
                    b"From: Billing <billing@shop.example>\r\nSubject: Your invoice 4711\r\n"
                    b"Date: Mon, 23 Nov 2026 08:00:00 +0100\r\nContent-Type: text/plain\r\n\r\n"
                    b"Invoice 4711 is attached. Total: 99.00 EUR\r\n",
                    headers=("Content-Disposition: attachment",),
                ),
            ],
            subject="Fwd: Your invoice 4711",
        ),
        text=(
            "Please look at the mail below",
            "---------- Forwarded message ----------",
            "Subject: Your invoice 4711",
            "Invoice 4711 is attached. Total: 99.00 EUR",
        ),
        engine_text="Please look at the mail below, the amount is wrong.",
        check=forwarded,
    ),
    Entry(
        "nul_bytes_in_body",
        lambda w: mail("nul_bytes_in_body", b"before\x00after\r\n"),
        text=("beforeafter",),
        check=no_nul,
        notes="PostgreSQL refuses U+0000 in text",
    ),
    Entry(
        "subject_with_encoded_newlines",
        lambda w: mail(
            "subject_with_encoded_newlines", subject="=?utf-8?q?Hi=0D=0ABcc:_victim@example.com?="
        ),
        subject="Hi Bcc: victim@example.com",
        check=one_line_subject,
    ),
    Entry(
        "xss_in_subject_and_name",
        lambda w: mail(
            "xss_in_subject_and_name",
            sender='"<script>alert(1)</script>" <xss@example.com>',
            subject="<img src=x onerror=alert(1)>",
        ),
        subject="<img src=x onerror=alert(1)>",
        notes="kept as text; templates escape it (tests/cases/test_xss.py)",
    ),
    # Senders.
    Entry(
        "no_from_header",
        lambda w: mail("no_from_header", sender=None),
        outcome="quarantined",
        reason="no usable sender",
    ),
    Entry(
        "from_without_address",
        lambda w: mail("from_without_address", sender="Ada Lovelace"),
        outcome="quarantined",
        reason="no usable sender",
    ),
    Entry(
        "from_without_address_but_reply_to",
        lambda w: mail(
            "from_without_address_but_reply_to",
            sender="Ada",
            headers=("Reply-To: ada@example.com",),
        ),
        sender="ada@example.com",
    ),
    Entry(
        "from_two_addresses",
        lambda w: mail("from_two_addresses", sender="ada@example.com, mallory@evil.example"),
        sender="ada@example.com",
    ),
    Entry(
        "parseaddr_confusion",
        lambda w: mail("parseaddr_confusion", sender="alice@example.org)<mallory@evil.example>"),
        outcome="quarantined",
        reason="no usable sender",
        notes="CVE-2023-27043: must not be read as alice (or anyone)",
    ),
    Entry(
        "empty",
        lambda w: b"",
        outcome="quarantined",
        reason="empty",
    ),
    Entry(
        "binary_garbage",
        lambda w: bytes(range(256)) * 40,
        outcome="quarantined",
        reason="no usable sender",
    ),
    Entry(
        "headers_too_large",
        lambda w: mail(
            "headers_too_large", headers=tuple(f"X-Filler-{i}: " + "x" * 900 for i in range(400))
        ),
        outcome="quarantined",
        reason="headers too large",
    ),
    Entry(
        "content_type_header_too_long",
        lambda w: mail("content_type_header_too_long", content_type="text/plain; " + '"' * 9000),
        outcome="quarantined",
        reason="Content-Type header is",
        notes="gh-136063: the parser's parameter parsing is quadratic",
    ),
    # Machine-made mail: stored, never answered, never customer intent.
    Entry(
        "auto_reply_to_our_reply",
        lambda w: mail(
            "auto_reply_to_our_reply",
            "I am out of the office until Monday.\r\n",
            subject="Automatic reply: Re: Where is my order?",
            headers=("Auto-Submitted: auto-replied", f"In-Reply-To: {w.resolved_id}"),
        ),
        case="resolved",
        state="resolved",
        automatic="auto_replied",
        check=not_reopened,
    ),
    Entry(
        "auto_reply_x_autoreply",
        lambda w: mail(
            "auto_reply_x_autoreply",
            "Thank you for your mail, we will answer soon.\r\n",
            sender="info@supplier.example",
            headers=("X-Autoreply: yes",),
        ),
        automatic="auto_replied",
        state="in_review",
        check=automatic_review,
    ),
    Entry(
        "bounce_delivery_status",
        lambda w: multipart(
            "bounce_delivery_status",
            [
                part(
                    "text/plain",
                    "This is the mail system at host mx.example.com.\r\n\r\n"
                    "I'm sorry to have to inform you that your message could not be delivered.\r\n",
                ),
                part(
                    "message/delivery-status",
                    "Reporting-MTA: dns; mx.example.com\r\n\r\n"
                    "Final-Recipient: rfc822; ada@example.com\r\nAction: failed\r\n"
                    "Status: 5.1.1\r\n",
                ),
                part(
                    "text/rfc822-headers",
                    f"From: support@shop.example\r\nTo: ada@example.com\r\n"
                    f"Message-ID: {w.resolved_id}\r\n"
                    f"Subject: Re: Where is my order? [#{w.resolved.reference}]\r\n",
                ),
            ],
            subtype="report",
            extra="; report-type=delivery-status",
            sender="Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            subject="Undelivered Mail Returned to Sender",
            headers=("Auto-Submitted: auto-replied",),
        ),
        outcome="quarantined",
        reason="bounce of our mail on case",
        check=lambda r, w: our_reply_bounced(r, w),
        notes="a report on our own reply (its exact Message-ID): the reply is undelivered and "
        "Ada's case goes back to review; the report is kept for supervisors",
    ),
    Entry(
        "bounce_naming_only_a_reference",
        lambda w: multipart(
            "bounce_naming_only_a_reference",
            [
                part("text/plain", "Your message could not be delivered.\r\n"),
                part(
                    "message/delivery-status",
                    "Reporting-MTA: dns; mx.example.com\r\n\r\n"
                    "Final-Recipient: rfc822; ada@example.com\r\nAction: failed\r\n"
                    "Status: 5.1.1\r\n",
                ),
                part(
                    "text/rfc822-headers",
                    "From: support@shop.example\r\nTo: ada@example.com\r\n"
                    f"Message-ID: <{w.resolved.reference}.0000000000000000@shop.example>\r\n"
                    f"Subject: Re: Where is my order? [#{w.resolved.reference}]\r\n",
                ),
            ],
            subtype="report",
            extra="; report-type=delivery-status",
            sender="Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            subject="Undelivered Mail Returned to Sender",
            headers=("Auto-Submitted: auto-replied",),
        ),
        automatic="bounce",
        state="in_review",
        text=("could not be delivered", "Action: failed", "Status: 5.1.1"),
        check=lambda r, w: automatic_review(r, w) or forged_bounce_check(r, w),
        notes="from MAILER-DAEMON with Ada's reference but no Message-ID of ours: a forgery "
        "changes nothing on Ada's case",
    ),
    Entry(
        "bounce_null_return_path",
        lambda w: mail(
            "bounce_null_return_path",
            "Delivery failed.\r\n",
            sender="postmaster@mx.example.com",
            headers=("Return-Path: <>",),
        ),
        automatic="bounce",
    ),
    Entry(
        "read_receipt",
        lambda w: multipart(
            "read_receipt",
            [
                part("text/plain", "Your message was displayed.\r\n"),
                part(
                    "message/disposition-notification",
                    "Disposition: manual-action/MDN-sent-manually; displayed\r\n",
                ),
            ],
            subtype="report",
            extra="; report-type=disposition-notification",
            subject="Read: Where is my order?",
        ),
        automatic="read_receipt",
    ),
    Entry(
        "mailing_list",
        lambda w: mail(
            "mailing_list",
            "Weekly digest\r\n",
            sender="news@list.example",
            headers=(
                "List-Id: <news.list.example>",
                "List-Unsubscribe: <mailto:leave@list.example>",
            ),
        ),
        automatic="mailing_list",
    ),
    Entry(
        "precedence_bulk",
        lambda w: mail(
            "precedence_bulk",
            "Big sale!\r\n",
            sender="shop@ads.example",
            headers=("Precedence: bulk",),
        ),
        automatic="bulk",
    ),
    Entry(
        "our_own_mail_back",
        lambda w: mail("our_own_mail_back", "A copy of our own mail.\r\n", sender=w.support),
        automatic="own_address",
        notes="a forwarding loop sends our mail back to us: we must never answer ourselves",
    ),
    Entry(
        "auto_submitted_no_is_a_person",
        lambda w: mail("auto_submitted_no_is_a_person", headers=("Auto-Submitted: no",)),
        automatic="",
    ),
    # Threading: our Message-IDs first, the subject's reference only from the case's customer.
    Entry(
        "reply_with_our_message_id",
        lambda w: mail(
            "reply_with_our_message_id",
            our_reply_quoted(w.resolved_id),
            subject="Re: Where is my order?",
            headers=(f"In-Reply-To: {w.resolved_id}", f"References: {w.resolved_id}"),
        ),
        case="resolved",
        state="in_review",
        text=("Thanks, but the parcel", "> Hello Ada, your order 123456 is on its way."),
        engine_text="Thanks, but the parcel is still not here.",
        check=reopened(),
    ),
    Entry(
        "reply_with_our_id_only_in_references",
        lambda w: mail(
            "reply_with_our_id_only_in_references",
            "Still waiting.\r\n",
            subject="AW: Bestellung",
            headers=(
                "In-Reply-To: <someone-elses@mail.example>",
                f"References: <a@b.example> {w.resolved_id} <c@d.example>",
            ),
        ),
        case="resolved",
        state="in_review",
    ),
    Entry(
        "reply_to_our_confirmation_email",
        lambda w: mail(
            "reply_to_our_confirmation_email",
            "Tuesday would be better.\r\n",
            subject="Re: Please choose an option",
            headers=(f"In-Reply-To: {w.awaiting_id}",),
        ),
        case="awaiting",
        state="in_review",
        check=lambda r, w: reopened("awaiting_customer")(r, w) or confirmation_superseded(r, w),
    ),
    Entry(
        "reply_with_reference_in_subject",
        lambda w: mail(
            "reply_with_reference_in_subject",
            "Any news?\r\n",
            subject=f"Re: Your request [#{w.resolved.reference}]",
        ),
        case="resolved",
        state="in_review",
    ),
    Entry(
        "reply_to_closed_case",
        lambda w: mail(
            "reply_to_closed_case",
            "The same problem is back.\r\n",
            subject="Re: Where is my order?",
            headers=(f"In-Reply-To: {w.closed_id}",),
        ),
        case="follow_up:closed",
        check=lambda r, w: w.closed.refresh_from_db() or w.closed.state == "closed",
    ),
    Entry(
        "forged_reference_in_subject",
        lambda w: mail(
            "forged_reference_in_subject",
            "Please refund me instead.\r\n",
            sender="Mallory <mallory@evil.example>",
            subject=f"Re: Where is my order? [#{w.resolved.reference}]",
        ),
        check=forged("resolved"),
    ),
    Entry(
        "forged_in_reply_to",
        lambda w: mail(
            "forged_in_reply_to",
            "Change the delivery address to my place.\r\n",
            sender="Mallory <mallory@evil.example>",
            subject="Re: Where is my order?",
            headers=(f"In-Reply-To: {w.resolved_id}", f"References: {w.resolved_id}"),
        ),
        check=forged("resolved"),
    ),
    Entry(
        "forged_reply_to_confirmation",
        lambda w: mail(
            "forged_reply_to_confirmation",
            "I accept.\r\n",
            sender="mallory@evil.example",
            subject=f"Re: Please choose an option [#{w.awaiting.reference}]",
            headers=(f"In-Reply-To: {w.awaiting_id}",),
        ),
        check=lambda r, w: forged("awaiting")(r, w) or w.awaiting.confirmations.pending().exists(),
        notes="never confirms a proposal for someone else (G44)",
    ),
    # Quoted history and signatures: kept in the message, trimmed for the engine.
    Entry(
        "gmail_reply_with_signature",
        lambda w: mail(
            "gmail_reply_with_signature",
            "I want to cancel my contract 778899.\r\n\r\n-- \r\nAda Lovelace\r\n"
            "Analytical Engines Ltd.\r\n\r\n"
            "On Mon, 23 Nov 2026 at 09:12, Support <support@shop.example> wrote:\r\n"
            "> How can we help?\r\n",
        ),
        text=("I want to cancel", "Analytical Engines Ltd.", "> How can we help?"),
        engine_text="I want to cancel my contract 778899.",
    ),
    Entry(
        "outlook_reply_german",
        lambda w: mail(
            "outlook_reply_german",
            "Bitte stornieren Sie die Bestellung.\r\n\r\nVon meinem iPhone gesendet\r\n\r\n"
            "-----Ursprüngliche Nachricht-----\r\nVon: Support <support@shop.example>\r\n"
            "Gesendet: Montag, 23. November 2026 09:12\r\nAn: Ada <ada@example.com>\r\n"
            "Betreff: Ihre Bestellung\r\n\r\nWie können wir helfen?\r\n",
            subject="AW: Ihre Bestellung",
        ),
        text=("Wie können wir helfen?",),
        engine_text="Bitte stornieren Sie die Bestellung.",
    ),
    Entry(
        "german_attribution_line",
        lambda w: mail(
            "german_attribution_line",
            "Die Rechnung stimmt nicht.\r\n\r\n"
            "Am 23.11.2026 um 09:12 schrieb Support <support@shop.example>:\r\n"
            "> Anbei Ihre Rechnung.\r\n",
        ),
        engine_text="Die Rechnung stimmt nicht.",
    ),
    Entry(
        "am_schrieb_in_a_sentence_is_not_a_quote",
        lambda w: mail(
            "am_schrieb_in_a_sentence",
            "Am Montag schrieb ich Ihnen bereits wegen der Rechnung.\r\nBitte antworten Sie.\r\n",
        ),
        engine_text=None,
        text=("Bitte antworten Sie.",),
        check=lambda r, w: r.message.text_for_engine.endswith("Bitte antworten Sie."),
    ),
    Entry(
        "html_reply_with_blockquote",
        lambda w: mail(
            "html_reply_with_blockquote",
            "<div>My parcel is damaged.</div><div>On Mon, 23 Nov 2026, Support wrote:</div>"
            "<blockquote><p>Your parcel was delivered.</p></blockquote>",
            content_type="text/html; charset=utf-8",
        ),
        text=("My parcel is damaged.", "Your parcel was delivered."),
        engine_text="My parcel is damaged.",
    ),
]


def our_reply_bounced(result, world):
    from cases.models import Message

    reply = Message.objects.get(message_id=world.resolved_id)
    assert reply.delivery_state == "undelivered" and reply.delivery_error == "5.1.1"
    world.resolved.refresh_from_db()
    assert world.resolved.state == "in_review"
    assert world.resolved.events.filter(name="delivery_failed").count() == 1


def forged_bounce_check(result, world):
    assert result.case != world.resolved
    world.resolved.refresh_from_db()
    assert world.resolved.state == "resolved"
