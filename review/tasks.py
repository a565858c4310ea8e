"""django-q2 entry points: take ids, call the service. Delivery is at-least-once."""

from review.suggest import suggestion_create
from review.supervision import training_start
from review.training import retrain_needed, training_execute


def suggest_case(case_id: int) -> int | None:
    suggestion = suggestion_create(case_id=case_id)
    return suggestion.pk if suggestion else None


def training_run(run_id: int) -> int | None:
    run = training_execute(run_id=run_id)
    return run.model_version_id if run else None


def scheduled_retrain() -> int | None:
    """The nightly retrain: a challenger from every decision so far, activated if not worse.

    A night with nothing new to learn trains nothing (it would store the same model again).
    """
    if not retrain_needed():
        return None
    return training_start(user=None).pk
