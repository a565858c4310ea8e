"""`{{ key|slot_label }}` and `{{ value|slot_value }}`: what the engine found, in words and in
the reader's locale, never a Python repr (`['2027-08-01']`); see `cases.formats`."""

from django import template

from cases.blanks import slot_label as label_of
from cases.formats import adjustment_items as ordered
from cases.formats import deadline_text, moment_text, value_text

register = template.Library()


@register.filter
def slot_label(name: str) -> str:
    return label_of(str(name))


@register.filter
def slot_value(value) -> str:
    return value_text(value)


@register.filter
def moment(value) -> str:
    """`{{ message.created_at|moment }}`: the one date-and-time format of the language."""
    return moment_text(value) if value else ""


@register.filter
def deadline(value) -> str:
    """`{{ case.due_at|deadline }}`: as `moment`, with the time zone."""
    return deadline_text(value) if value else ""


@register.filter
def adjustment_items(adjustment: dict) -> list:
    return ordered(adjustment)


@register.filter
def get_item(mapping: dict, key):
    """`{{ names|get_item:slug }}`: a value of a dict by a key from the template."""
    return (mapping or {}).get(key)
