"""Attachments as parsed: display names cleaned, types sniffed from the bytes, programs refused."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from cases.mail.decoding import one_line


@dataclass
class ParsedAttachment:
    filename: str  # the sender's name, cleaned; for display only, never for the disk
    declared_type: str
    content_type: str  # what the bytes are
    data: bytes
    inline: bool = False
    content_id: str = ""
    rejected: str = ""  # why the file is not stored; the message is kept all the same


def text_file(filename: str, content_type: str, text: str) -> ParsedAttachment:
    return ParsedAttachment(
        filename=filename,
        declared_type=content_type,
        content_type=content_type,
        data=text.encode("utf-8"),
    )


# Names are for display; the bytes say what a file is.

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
