"""Text decoded best-effort whatever charset is declared, and the decoded text cleaned."""

import codecs
import re

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


def one_line(value: str) -> str:
    return " ".join(value.split())
