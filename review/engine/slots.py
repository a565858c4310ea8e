"""Slot extraction: reference numbers, dates, amounts, e-mail, IBAN, and the address or tariff
the customer asks for (`changes`), from German/English text.

All patterns are bounded (no nested unbounded repetition), so matching stays linear in the
input length, and the input itself is capped at `SCAN_LIMIT` characters.
"""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from review.engine.changes import find_address, find_tariff
from review.engine.dates import find_dates

SCAN_LIMIT = 20_000

# --- reference numbers -----------------------------------------------------------------

# An id is 4-40 letters/digits/hyphens, contains a digit and does not look like an ISO date.
_ID = (
    r"(?P<id>(?!\d{4}-\d{1,2}-\d{1,2}(?![\w-]))(?=[A-Za-z0-9-]{0,39}\d)"
    r"[A-Za-z0-9][A-Za-z0-9-]{3,39})(?![\w-])"
)
# "order no. 123", "Bestell-Nr.: 123", "order number is #A-123", "Kundennummer lautet 123".
_NUMBER_WORD = r"(?:[\s-]{0,3}(?:number|no|nr|num|id|nummer)\b\.?)?"
_LINK = r"(?:\s+(?:is|lautet|ist))?\s*(?:[:#]\s*|-\s+)?#?\s*"
_REFERENCE_KEYS = {
    "order_number": (
        r"order|bestellung|bestellungs?nummer|bestell-?(?:nr|nummer)"
        r"|auftrag|auftrags?nummer|auftrags?-?nr"
    ),
    "contract_number": r"contract|vertrag|vertrags?nummer|vertrags?-?nr",
    "customer_number": r"customer|kunden-?nummer|kunden-?nr",
}
_REFERENCE_RES = {
    slot: re.compile(rf"\b(?:{keys})\b\.?{_NUMBER_WORD}{_LINK}{_ID}", re.IGNORECASE)
    for slot, keys in _REFERENCE_KEYS.items()
}

# Typos of the keys ("Bestelung 4711-2231", "ordr no. 123", "Vertagsnummer 55512"): a word
# one edit (or one swap of neighbours) away from one of these, before a number as above.
_TYPO_KEYS = {
    "order_number": (
        "order", "bestellung", "bestellnummer", "bestellungsnummer", "bestellnr", "auftrag",
        "auftragsnummer", "auftragnr", "auftragsnr", "ordernummer",
    ),
    "contract_number": ("contract", "vertrag", "vertragsnummer", "vertragsnr"),
    "customer_number": ("customer", "costumer", "kundennummer", "kundennr"),
}  # fmt: skip
# Real words one edit from a key, never read as one: "oder" (German "or"), "border".
_NOT_TYPOS = {"oder", "older", "border", "sorter", "ordner", "vertrat"}
_ANY_KEY_RE = re.compile(
    rf"\b(?P<key>[^\W\d_]{{3,25}}(?:-[^\W\d_]{{1,10}})?)\b\.?{_NUMBER_WORD}{_LINK}{_ID}",
    re.IGNORECASE,
)


def find_references(text: str) -> dict[str, str]:
    """Order, contract and customer numbers: by their key, else by a key with a typo."""
    found = {}
    for slot, pattern in _REFERENCE_RES.items():
        if match := pattern.search(text):
            found[slot] = match.group("id").strip("-")
    if len(found) == len(_REFERENCE_RES):
        return found
    for match in _ANY_KEY_RE.finditer(text):
        key = match.group("key").casefold().replace("-", "")
        if key in _NOT_TYPOS:
            continue
        for slot, keys in _TYPO_KEYS.items():
            if slot not in found and any(_one_edit(key, known) for known in keys):
                found[slot] = match.group("id").strip("-")
    return found


def _one_edit(word: str, known: str) -> bool:
    """Whether `word` is `known` with at most one letter added, dropped, changed or swapped
    with its neighbour (keys of five letters and more: shorter ones are too alike)."""
    if word == known:
        return True
    if len(known) < 5 or abs(len(word) - len(known)) > 1:
        return False
    if len(word) == len(known):
        diffs = [i for i, (a, b) in enumerate(zip(word, known, strict=True)) if a != b]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == known[diffs[1]]
            and word[diffs[1]] == known[diffs[0]]
        )
    short, long_ = sorted((word, known), key=len)
    i = next((i for i, (a, b) in enumerate(zip(short, long_, strict=False)) if a != b), len(short))
    return short[i:] == long_[i + 1 :]


# --- amounts -----------------------------------------------------------------------------

# Either grouped thousands ("1.234,56", "1,234.56", "1'234") or a plain number ("1234,5").
_NUMBER = r"(?:\d{1,3}(?:[.,'\u2019]\d{3})+(?:[.,]\d{1,2})?|\d{1,12}(?:[.,]\d{1,2})?)(?:,-{1,2})?"
_CURRENCY_CODES = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "£": "GBP", "gbp": "GBP",
    "chf": "CHF", "franken": "CHF",
}  # fmt: skip
_PREFIX_CURRENCY = r"€|\$|£|(?:eur|usd|gbp|chf)\b"
# "pound"/"Pfund" are left out: in parcel complaints they are usually a weight.
_SUFFIX_CURRENCY = r"€|\$|£|(?:eur|euros?|usd|dollars?|gbp|chf|franken)\b"
_AMOUNT_RE = re.compile(
    rf"(?P<pre_cur>{_PREFIX_CURRENCY})\s{{0,3}}(?P<pre_num>{_NUMBER})(?![\d.,]?\d)"
    rf"|(?<![\w.,])(?P<suf_num>{_NUMBER})\s{{0,3}}(?P<suf_cur>{_SUFFIX_CURRENCY})",
    re.IGNORECASE,
)

# --- e-mail and IBAN ---------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
    r"\.[A-Za-z]{2,24}\b"
)
# Upper case only, as printed on statements; the mod-97 check below weeds out lookalikes.
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def extract_slots(text: str, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Return the slots found in `text` as a JSON-serialisable dict (missing slots omitted).

    `today` is the day the message was received: dates are read as of then (by default the
    day the code runs, for a message being written now).
    """
    if not isinstance(text, str) or not text:
        return {}
    text = text[:SCAN_LIMIT]
    today = today or datetime.date.today()
    slots: dict[str, Any] = find_references(text)
    slots |= find_dates(text, today).as_slots()
    amounts = _find_amounts(text)
    if amounts:
        slots["amounts"] = [amount for amount, _ in amounts]
    if change := _amount_change(text, amounts):
        slots["amount_change"] = change
    email = _EMAIL_RE.search(text)
    if email:
        slots["email"] = email.group(0)
    iban = _find_iban(text)
    if iban:
        slots["iban"] = iban
    for slot, find in (("address", find_address), ("tariff", find_tariff)):
        if value := find(text):
            slots[slot] = value
    return slots


_FROM = re.compile(r"\b(?:von|from)\s{1,3}$", re.IGNORECASE)
_TO = re.compile(r"^\s{1,3}(?:auf|to|in)\s{1,3}$", re.IGNORECASE)


def _amount_change(text: str, amounts: list) -> dict | None:
    """ "from €95 to €80", "von 95 € auf 80 €": the amount as it was and as it should be."""
    for (old, old_span), (new, new_span) in itertools.pairwise(amounts):
        before = text[max(0, old_span[0] - 10) : old_span[0]]
        if _FROM.search(before) and _TO.match(text[old_span[1] : new_span[0]]):
            return {"from": old, "to": new}
    return None


def _find_amounts(text: str) -> list[tuple[dict[str, str], tuple[int, int]]]:
    """Return amounts as ({"value": "1234.50", "currency": "EUR"}, span) in order."""
    amounts = []
    for match in _AMOUNT_RE.finditer(text):
        raw_number = match.group("pre_num") or match.group("suf_num")
        currency = (match.group("pre_cur") or match.group("suf_cur")).lower()
        value = _parse_number(raw_number)
        if value is not None:
            amount = {"value": f"{value:.2f}", "currency": _CURRENCY_CODES[currency]}
            amounts.append((amount, match.span()))
    return amounts


def _parse_number(raw: str) -> Decimal | None:
    """Parse "1.234,56", "1,234.56", "12,50", "12.5" or "12,-" into a Decimal."""
    raw = raw.replace(",-", "").rstrip("-").replace("'", "").replace("\u2019", "")
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    decimal_pos = max(last_dot, last_comma)
    # The right-most separator is the decimal mark only when 1-2 digits follow it;
    # with 3 digits it groups thousands ("1.234" is one thousand two hundred thirty-four).
    if decimal_pos != -1 and len(raw) - decimal_pos - 1 <= 2:
        integer, fraction = raw[:decimal_pos], raw[decimal_pos + 1 :]
    else:
        integer, fraction = raw, ""
    integer = integer.replace(".", "").replace(",", "")
    try:
        return Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation:
        return None


def _find_iban(text: str) -> str | None:
    """Return the first IBAN-shaped string whose mod-97 checksum is valid."""
    for match in _IBAN_RE.finditer(text):
        iban = match.group(0).replace(" ", "")
        if not 15 <= len(iban) <= 34:
            continue
        rearranged = iban[4:] + iban[:4]
        digits = "".join(str(int(ch, 36)) for ch in rearranged)
        if int(digits) % 97 == 1:
            return iban
    return None
