"""`{{ key|slot_label }}` and `{{ value|slot_value }}`: what the engine found, in words and in
the reader's locale, never a Python repr (`['2027-08-01']`)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

from cases.blanks import slot_label as label_of

register = template.Library()

CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


@register.filter
def slot_label(name: str) -> str:
    return label_of(str(name))


def day(value: str) -> str:
    """A day as people write it: "Monday 7 December 2026", "Montag, 7. Dezember 2026"."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return value
    german = (get_language() or "en").startswith("de")
    return date_format(parsed, "l, j. F Y" if german else "l j F Y")


def amount(value: dict) -> str:
    try:
        figure = number_format(Decimal(str(value.get("value"))), 2, force_grouping=True)
    except (InvalidOperation, TypeError):
        return str(value.get("value", ""))
    sign = CURRENCY_SIGNS.get(value.get("currency", ""), value.get("currency", ""))
    german = (get_language() or "en").startswith("de")
    return f"{figure} {sign}" if german else f"{sign}{figure}"


@register.filter
def slot_value(value) -> str:
    """A slot's value for people: days and amounts in the locale's format, lists joined."""
    if isinstance(value, list):
        return ", ".join(slot_value(item) for item in value)
    if isinstance(value, dict) and "value" in value:
        return amount(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return day(value)
    return "" if value is None else str(value)
