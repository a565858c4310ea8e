"""`{{ code|explain:suggestion }}`: a reason code in plain words, in any template.

Review owns what its reason codes mean (`review.reasons.explain`); the workspace's templates
say them with this filter, so that cases' code need not import review.
"""

from django import template

from review.reasons import explain as explain_code

register = template.Library()


@register.filter
def explain(code: str, suggestion=None) -> str:
    """Why a human is needed, with the suggestion's figures when one is given."""
    return explain_code(code, suggestion)
