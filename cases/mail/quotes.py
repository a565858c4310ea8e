"""Quoted history, signatures and phone footers: trimmed for the engine, kept in the stored text."""

import re

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
