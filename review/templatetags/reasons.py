"""`{{ code|explain:suggestion }}`: a reason code in plain words, in any template.

Review owns what its reason codes mean (`review.reasons.explain`); the workspace's templates
say them with this filter, so that cases' code need not import review.
"""

from django import template
from django.utils.translation import get_language

from review.reasons import explain as explain_code
from review.reasons import risk_name

register = template.Library()


@register.filter
def explain(code: str, suggestion=None) -> str:
    """Why a human is needed, with the suggestion's figures when one is given."""
    return explain_code(code, suggestion)


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
