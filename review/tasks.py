"""django-q2 entry points: take ids, call the service. Delivery is at-least-once."""

from review.services import suggestion_create


def suggest_case(case_id: int) -> int | None:
    suggestion = suggestion_create(case_id=case_id)
    return suggestion.pk if suggestion else None
