"""Blanks in outgoing text: `{placeholders}` of a reply template that a person must fill.

Nothing that holds one is ever sent (`cases.transitions.handlers.carry_out` refuses it, for
every transition that sends, whoever asks); the case page shows each as a field to fill.
"""

import re

from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NAME_BLANK = re.compile(r"[ \t]*\{customer_name\}")

# The slots the engine extracts and the parts of an adjustment, in words (the reason
# `missing_slot:<name>` uses them too).
SLOT_NAMES = {
    "order_number": gettext_noop("order number"),
    "contract_number": gettext_noop("contract number"),
    "customer_number": gettext_noop("customer number"),
    "dates": gettext_noop("date"),
    "weekdays": gettext_noop("weekdays asked for"),
    "avoid_dates": gettext_noop("not possible on"),
    "past_dates": gettext_noop("dates of what happened"),
    "return_date": gettext_noop("sent back on"),
    "amounts": gettext_noop("amount"),
    "email": gettext_noop("email address"),
    "iban": gettext_noop("IBAN"),
    "address": gettext_noop("new address"),
    "tariff": gettext_noop("new tariff"),
    # The names of an adjustment the customer confirms.
    "change": gettext_noop("change"),
    "effective": gettext_noop("effective from"),
    "amount": gettext_noop("amount"),
    "previous_amount": gettext_noop("instead of"),
    "details": gettext_noop("description of the change"),
}


def blanks_in(*texts: str) -> list[str]:
    """The names of the placeholders in these texts, each once, in order."""
    found: list[str] = []
    for text in texts:
        for name in PLACEHOLDER.findall(text or ""):
            if name not in found:
                found.append(name)
    return found


def fill(text: str, values: dict) -> str:
    """Fill the placeholders that have a value; the others stay visible."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1)) or m.group(0)), text)


def greeting_for(text: str, customer) -> str:
    """Without a name, a neutral salutation: "Hello," not "Hello ada@example.com,"."""
    return text if customer.name else NAME_BLANK.sub("", text)


def slot_name(name: str) -> str:
    """A slot in the active language's words ("order number", "Bestellnummer")."""
    return gettext(SLOT_NAMES.get(name, name.replace("_", " ")))


def slot_label(name: str) -> str:
    return capfirst(slot_name(name))
