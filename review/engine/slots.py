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

SCAN_LIMIT = 20_000
# How far ahead an undated "29.02." may look for the next leap year.
_YEAR_SEARCH = 8

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

# --- dates -------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1,
    "february": 2, "feb": 2, "februar": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juni": 6,
    "july": 7, "jul": 7, "juli": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "montag": 0,
    "tuesday": 1, "dienstag": 1,
    "wednesday": 2, "mittwoch": 2,
    "thursday": 3, "donnerstag": 3,
    "friday": 4, "freitag": 4,
    "saturday": 5, "samstag": 5, "sonnabend": 5,
    "sunday": 6, "sonntag": 6,
}  # fmt: skip
# Longest first so "september" wins over "sep" in the alternation.
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"

_DATE_RE = re.compile(
    "|".join(
        [
            # 2026-03-12
            rf"(?<![\w.-])(?P<iso_y>{_YEAR})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})(?![\w-])",
            # 12.03.2026, 12/03/2026, 12.3.26 (day first, European)
            r"(?<![\w.,/])(?P<num_d>\d{1,2})(?P<sep>[./])(?P<num_m>\d{1,2})(?P=sep)"
            r"(?P<num_y>\d{4}|\d{2})(?![\w/]|[.,]\d)",
            # 12.3. (no year)
            r"(?<![\w.,/])(?P<short_d>\d{1,2})\.(?P<short_m>\d{1,2})\.(?![\w.]|,\d)",
            # 12 March 2026, 12. März, 1st of May, 3. Mai 2026
            rf"(?<![\w.,])(?P<dm_d>\d{{1,2}})(?:\.|st|nd|rd|th)?\s{{0,3}}(?:of\s{{1,3}})?"
            rf"(?P<dm_m>{_MONTH_ALT})\b\.?(?:,?\s{{0,3}}(?P<dm_y>{_YEAR})(?!\d))?",
            # March 12, March 12th 2026
            rf"\b(?P<md_m>{_MONTH_ALT})\b\.?\s{{1,3}}(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?![\w.,:]?\d)(?:,?\s{{1,3}}(?P<md_y>{_YEAR})(?!\d))?",
            # Relative dates; "Guten Morgen", "heute Morgen" etc. mean "morning", not "tomorrow".
            r"\b(?P<rel>day\s{1,3}after\s{1,3}tomorrow|tomorrow|übermorgen"
            r"|(?<!guten\s)(?<!heute\s)(?<!am\s)(?<!jeden\s)(?<!diesen\s)morgen)\b",
            rf"\b(?:next|coming|nächste[nrs]?|kommende[nrs]?)\s{{1,3}}(?P<wd>{_WEEKDAY_ALT})\b",
        ]
    ),
    re.IGNORECASE,
)
_RELATIVE_DAYS = {"tomorrow": 1, "morgen": 1, "übermorgen": 2, "day after tomorrow": 2}

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
    """Return the slots found in `text` as a JSON-serialisable dict (missing slots omitted)."""
    if not isinstance(text, str) or not text:
        return {}
    text = text[:SCAN_LIMIT]
    today = today or datetime.date.today()
    slots: dict[str, Any] = {}
    for slot, pattern in _REFERENCE_RES.items():
        match = pattern.search(text)
        if match:
            slots[slot] = match.group("id").strip("-")
    dates = _find_dates(text, today)
    if dates:
        slots["dates"] = dates
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


def _find_dates(text: str, today: datetime.date) -> list[str]:
    """Return ISO dates in order of first appearance, skipping impossible ones."""
    found: list[str] = []
    for match in _DATE_RE.finditer(text):
        day = _match_to_date(match, today)
        if day is not None and day.isoformat() not in found:
            found.append(day.isoformat())
    return found


def _match_to_date(match: re.Match[str], today: datetime.date) -> datetime.date | None:
    """Turn one `_DATE_RE` match into a date, or None when it is not a real calendar date."""
    g = match.groupdict()
    if g["iso_y"]:
        return _make_date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
    if g["num_d"]:
        year = int(g["num_y"])
        return _make_date(year + 2000 if year < 100 else year, int(g["num_m"]), int(g["num_d"]))
    if g["short_d"]:
        return _next_occurrence(int(g["short_m"]), int(g["short_d"]), today)
    if g["dm_d"]:
        return _named_month_date(g["dm_d"], g["dm_m"], g["dm_y"], today)
    if g["md_d"]:
        return _named_month_date(g["md_d"], g["md_m"], g["md_y"], today)
    if g["rel"]:
        phrase = " ".join(g["rel"].lower().split())
        return today + datetime.timedelta(days=_RELATIVE_DAYS[phrase])
    # "next Monday" is the first Monday strictly after today, even when today is Monday.
    ahead = (_WEEKDAYS[g["wd"].lower()] - today.weekday() - 1) % 7 + 1
    return today + datetime.timedelta(days=ahead)


def _named_month_date(
    day: str, month_name: str, year: str | None, today: datetime.date
) -> datetime.date | None:
    """Build a date from a day, a month name and an optional year."""
    month = _MONTHS[month_name.lower()]
    if year:
        return _make_date(int(year), month, int(day))
    return _next_occurrence(month, int(day), today)


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    """Return the date, or None for impossible combinations such as 31.02."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(month: int, day: int, today: datetime.date) -> datetime.date | None:
    """Return the first valid month/day on or after today (29.02. waits for a leap year)."""
    for year in range(today.year, today.year + _YEAR_SEARCH + 1):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


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
