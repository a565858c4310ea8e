"""Values as people in the reader's language write them: days, amounts, lists of them.

For the agents' pages and everything the customer reads (emails, their page, the options
offered); the active language decides ("Montag, 7. Dezember 2026", "89,95 €").
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import get_language

CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^(\d+(?:\.\d+)?) ([A-Z]{3})$")
BLANK = re.compile(r"\{\w+\}")
# The engine names weekdays a customer asks for in English, lower case ("thursday").
WEEKDAY_NAMES = {str(name).lower(): index for index, name in WEEKDAYS.items()}


def german() -> bool:
    return (get_language() or "en").startswith("de")


def day_text(day: date) -> str:
    """ "Monday 7 December 2026", "Montag, 7. Dezember 2026"."""
    return date_format(day, "l, j. F Y" if german() else "l j F Y")


def moment_text(value) -> str:
    """A point in time in the active language, in the one format it has (backoffice/formats):
    "5 Dec 2026, 23:49", "05.12.2026, 23:49"."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def deadline_text(value) -> str:
    """A deadline, with its time zone: "5 Dec 2026, 23:49 CET" (a reader elsewhere knows)."""
    return deadline_texts()(value)


def deadline_texts() -> Callable[[datetime], str]:
    """`deadline_text` for a page of deadlines: the language's format looked up and parsed
    once, and what depends on the day alone ("7 Dec 2026") said once per day, not per value
    (`date_format` does all of it on every call: most of a queue row's cost). Prints what
    `date_format(local, "DATETIME_FORMAT")`, a space and `date_format(local, "T")` print."""
    parts = [*format_parts(get_format("DATETIME_FORMAT")), " ", *format_parts("T")]
    said: dict[tuple, str] = {}
    zone = timezone.get_current_timezone()

    def text(value) -> str:
        local = timezone.localtime(value, zone)
        formatter, day, out = DateFormat(local), local.date(), []
        for part in parts:
            if type(part) is str:
                out.append(part)
            elif part.__name__ in DAY_CHARACTERS:
                key = (part, day)
                if key not in said:
                    said[key] = str(part(formatter))
                out.append(said[key])
            else:
                out.append(str(part(formatter)))
        return "".join(out)

    return text


# The format characters whose text depends on the date alone (`django.utils.dateformat`).
DAY_CHARACTERS = frozenset("bdDEFjlLmMnNoStwWyYz")


def format_parts(format_string: str) -> list:
    """A date format as literal text and `DateFormat` methods (its characters), in order,
    read as `DateFormat.format` reads it."""
    parts = []
    for i, piece in enumerate(re_formatchars.split(format_string)):
        if i % 2:
            parts.append(getattr(DateFormat, piece))
        elif piece:
            parts.append(re_escaped.sub(r"\1", piece))
    return parts


def amount_text(value, currency: str) -> str:
    """ "€89.95", "89,95 €"."""
    try:
        figure = number_format(Decimal(str(value)), 2, force_grouping=True)
    except (InvalidOperation, TypeError):
        return f"{value} {currency}".strip()
    sign = CURRENCY_SIGNS.get(currency, currency)
    return f"{figure} {sign}" if german() else f"{sign}{figure}"


def value_text(value) -> str:
    """A slot's or an adjustment's value: days and amounts formatted, lists joined."""
    if isinstance(value, str) and BLANK.fullmatch(value):
        return "____"  # a blank a person fills in before anything is sent
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict) and {"from", "to"} <= value.keys():
        return f"{value_text(value['from'])} → {value_text(value['to'])}"
    if isinstance(value, dict) and "value" in value:
        return amount_text(value.get("value"), value.get("currency", ""))
    if isinstance(value, str) and value in WEEKDAY_NAMES:
        return str(WEEKDAYS[WEEKDAY_NAMES[value]])  # in the reader's language
    if isinstance(value, str) and ISO_DAY.match(value):
        try:
            return day_text(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and (found := AMOUNT.match(value)):
        return amount_text(found.group(1), found.group(2))
    return "" if value is None else str(value)


# The order people read an adjustment in (PostgreSQL's jsonb keeps no order of its own).
ADJUSTMENT_ORDER = (
    "change",
    "details",
    "tariff",
    "address",
    "amount",
    "previous_amount",
    "effective",
    "contract_number",
    "customer_number",
    "order_number",
)


def adjustment_items(adjustment: dict) -> list[tuple[str, object]]:
    """What changes first (the new tariff, address or amount), then from when, the numbers."""
    rank = {name: index for index, name in enumerate(ADJUSTMENT_ORDER)}
    return sorted((adjustment or {}).items(), key=lambda kv: (rank.get(kv[0], 99), kv[0]))
