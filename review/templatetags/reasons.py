"""`{{ code|explain:suggestion }}`: a reason code in plain words, in any template.

Review owns what its reason codes mean (`review.reasons.explain`); the workspace's templates
say them with this filter, so that cases' code need not import review.
"""

from functools import lru_cache

from django import template
from django.utils.translation import get_language

from review.reasons import explain as explain_code
from review.reasons import risk_name

register = template.Library()


@register.filter
def explain(code: str, suggestion=None) -> str:
    """Why a human is needed, with the suggestion's figures when one is given."""
    if suggestion is None:  # the same words for every case: a list says them once each
        return plain_words(code, get_language())
    return explain_code(code, suggestion)


@lru_cache(maxsize=512)
def plain_words(code: str, language: str | None) -> str:
    """A reason code in the language's words, without a case's figures (`explain` builds
    every message of its catalogue on each call: about 40 µs; a queue page shows dozens)."""
    return explain_code(code)


@register.filter
def intent_name(intent) -> str:
    """The intent's name in the active language (`Intent.display_name`)."""
    if intent is None:
        return ""
    return intent.display_name(get_language() or "en")


@register.filter
def risk_label(flag: str) -> str:
    """A risk flag in the reader's words (the code stays in the tag's title)."""
    return risk_name(flag)
