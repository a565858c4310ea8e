"""Duplicates: the same customer writing the same thing again within a short window.

Intake (`cases.intake.message_receive`) marks a new case that repeats a recent one
(`Case.duplicate_of`); the AI's routing (review) then sends it to a person instead of
answering it a second time, and the case page offers to merge it (the transition `merge`,
cases/transitions/merge.py).
"""

import re
import unicodedata
from datetime import timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.utils import timezone

from cases.models import Case, Message, State

# Conservative on purpose: a false "duplicate" only asks a person to look, but a merge the
# agent trusts blindly would hide a different request. Nearly equal means a few characters
# differ in a text long enough for that to be noise (a signature's date, a typo).
NEARLY_EQUAL = 0.95
NEARLY_EQUAL_MIN_LENGTH = 40
COMPARED_LENGTH = 5000  # a longer text is compared by its start
CANDIDATES = 20


def normalised(text: str) -> str:
    """The text as a person reads it: case, spacing and Unicode forms do not count."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"\s+", " ", text).strip()[:COMPARED_LENGTH]


def same_text(a: str, b: str) -> bool:
    """Normalised texts equal, or nearly equal where both are long enough."""
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < NEARLY_EQUAL_MIN_LENGTH:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= NEARLY_EQUAL and matcher.ratio() >= NEARLY_EQUAL


def earlier_duplicate(customer, text: str, *, now=None, exclude: Case | None = None):
    """The customer's most recent open case, created within the window, that one of their
    messages says the same in (None if there is none)."""
    wanted = normalised(text)
    if not wanted or customer.pk is None:
        return None
    since = (now or timezone.now()) - timedelta(hours=settings.DUPLICATE_WINDOW_HOURS)
    messages = (
        Message.objects.filter(
            case__customer=customer,
            case__created_at__gte=since,
            direction=Message.Direction.INBOUND,
            automatic="",
        )
        .exclude(case__state=State.CLOSED)
        .order_by("-created_at", "-pk")
    )
    if exclude is not None and exclude.pk:
        messages = messages.exclude(case=exclude)
    for case_id, body, engine_text in messages.values_list("case_id", "text", "engine_text")[
        :CANDIDATES
    ]:
        if same_text(wanted, normalised(engine_text or body)):
            return Case.objects.get(pk=case_id)
    return None


def suggested_merge(case: Case):
    """The case this one looks like a duplicate of, while a merge still makes sense."""
    if case.duplicate_of_id is None or case.state == State.CLOSED:
        return None
    original = case.duplicate_of
    if original.state == State.CLOSED or original.customer_id != case.customer_id:
        return None
    return original
