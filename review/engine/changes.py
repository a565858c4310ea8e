"""What a customer wants changed, as they wrote it: a new postal address, a new tariff.

The customer confirms a change that is stated ("New address: Kornblumenweg 14, 30159
Hannover"), never one that is only named. Only what is written in a recognisable shape is
taken: a German or a British address, a tariff with a name ("Tarif Basis 50", "the Eco Plus
tariff"). Anything else is left for a person to fill in. Patterns are bounded, as in `slots`.
"""

from __future__ import annotations

import re

# --- addresses ---------------------------------------------------------------------------

_UPPER = "A-ZÄÖÜ"
_WORD = r"[\wäöüßÄÖÜ.'-]"
# "Kornblumenweg 14, 30159 Hannover", "Berliner Straße 5a, 10115 Berlin", "Am Markt 3 04109 Leipzig"
_GERMAN_ADDRESS = re.compile(
    rf"(?<![\w-])(?:(?:Am|An der|An den|Auf dem|Im|In der|Zum|Zur|Alte[rn]?|Neue[rn]?"
    rf"|Große[rn]?|Kleine[rn]?|[{_UPPER}]{_WORD}{{1,30}}er)\s)?"
    rf"[{_UPPER}]{_WORD}{{1,40}}\s\d{{1,4}}\s?[a-z]?"
    rf"\s{{0,2}},?\s{{0,2}}\d{{5}}\s[{_UPPER}]{_WORD}{{1,40}}"
    rf"(?:\s(?:am|an der|im|in|ob|bei|\(\w{{1,20}}\))\s?[{_UPPER}]?{_WORD}{{0,40}})?"
)
_STREET_KINDS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Court|Close|Drive|Way|Place|Crescent|Gardens"
    "|Terrace|Square|Row|Grove|Hill|Park|Walk|Mews|Green|Rise|View"
)
# "12 Hawthorn Road, Leeds LS8 2JP", "Flat 2, 8 Quarry Lane, Bath BA1 5LT"
_BRITISH_ADDRESS = re.compile(
    r"(?<![\w-])(?:(?:Flat|Apartment|Apt\.?)\s\d{1,4}[A-Za-z]?,\s{0,2})?\d{1,4}[A-Za-z]?\s"
    rf"(?:[A-Z][\w'-]{{1,30}}\s){{1,3}}(?:{_STREET_KINDS})\.?,\s{{0,2}}"
    r"(?:[A-Z][\w'-]{1,30}\s){1,3},?\s{0,2}[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![\w-])"
)

# --- tariffs -----------------------------------------------------------------------------

# A tariff's name: capitalised words or figures ("Basis 50", "Eco Plus", "Öko-Strom 24").
_NAME = rf"[{_UPPER}0-9][\w+äöüß-]{{1,30}}(?:\s[{_UPPER}0-9][\w+äöüß-]{{0,30}}){{0,3}}"
_QUOTE = (
    "[\"'\u201e\u201c\u201d\u201a\u2018\u2019\u00ab\u00bb]?"  # straight, German, curly, guillemets
)
_TARIFF = re.compile(
    "|".join(
        [
            # "Tarif Basis 50", "tariff "Power Flex"", "den Tarifs Eco"
            rf"\b[Tt]ari(?:ff|f|fs)\s{{1,3}}(?:called\s|named\s|namens\s)?{_QUOTE}(?P<after>{_NAME})",
            # "the Eco Plus tariff", "in den Öko-Tarif", "ins Basis-50-Tarif"
            # (a look-ahead: "Den Tarif Basis 50" is read again from "Tarif")
            rf"(?P<before>{_NAME})(?=(?:\s{{1,3}}|-){_QUOTE}[Tt]ari(?:ff|f)\b)",
        ]
    )
)
# Words that start a sentence or a clause, never a tariff's name.
_NOT_A_NAME = {
    "ab", "also", "an", "and", "auf", "bitte", "danke", "das", "dem", "den", "der", "die",
    "für", "i", "ich", "ihr", "ihre", "ihren", "ihrem", "im", "in", "ist", "it", "mein",
    "meinen", "meinem", "mit", "my", "neuen", "of", "or", "please", "sie", "the", "this",
    "to", "und", "von", "vom", "we", "wie", "wir", "zu", "zum", "zur", "your", "our",
    "welchen", "which", "what", "a", "einen", "ein", "eines", "neue", "new", "current",
    "aktuellen", "bisherigen", "alten", "old", "ende", "anfang", "mitte", "beginn", "monat",
    "monats", "jahr", "jahres", "januar", "februar", "märz", "april", "mai", "juni", "juli",
    "august", "september", "oktober", "november", "dezember", "january", "february", "march",
    "june", "july", "october", "december", "wechsel", "wechseln", "ändern", "änderung",
    "change", "switch",
}  # fmt: skip


def find_address(text: str) -> str | None:
    """The first postal address written out in full, as the customer wrote it."""
    found = [m for m in (_GERMAN_ADDRESS.search(text), _BRITISH_ADDRESS.search(text)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return " ".join(first.group(0).split()).strip(" ,.")


def find_tariff(text: str) -> str | None:
    """The first named tariff ("Basis 50"); None where the tariff has no name."""
    for match in _TARIFF.finditer(text):
        name = (match.group("after") or match.group("before") or "").strip("- ")
        words = name.split()
        while words and words[0].lower() in _NOT_A_NAME:
            words = words[1:]
        while words and words[-1].lower() in _NOT_A_NAME:
            words = words[:-1]
        if words and len(" ".join(words)) >= 2:
            return " ".join(words)
    return None
