"""django-q2 entry points: take ids, call the service. Delivery is at-least-once."""

from review.services import suggestion_create
from review.supervision import training_execute


def suggest_case(case_id: int) -> int | None:
    suggestion = suggestion_create(case_id=case_id)
    return suggestion.pk if suggestion else None


def training_run(run_id: int) -> int | None:
    run = training_execute(run_id=run_id)
    return run.model_version_id if run else None
