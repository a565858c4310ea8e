"""Scheduled jobs on cases: close quiet resolved cases, expire unanswered questions."""

from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.transitions import Actor, TransitionConflict, case_transition
from customers.models import ConfirmationRequest


def close_quiet_cases(*, days: int | None = None, now=None) -> int:
    """Close resolved cases without news for `days`; return how many were closed."""
    closed = 0
    cutoff_days = settings.CLOSE_AFTER_DAYS if days is None else days
    for pk in Case.objects.quiet_resolved(cutoff_days, now).values_list("pk", flat=True):
        try:
            case_transition(case=pk, name="close", actor=Actor.system())
            closed += 1
        except TransitionConflict:
            continue  # reopened meanwhile
    return closed


def expire_confirmations(*, now=None) -> int:
    """Route cases whose customer did not answer in time back to review."""
    now = now or timezone.now()
    due = ConfirmationRequest.objects.pending().filter(expires_at__lte=now)
    # Feedback nobody gave just lapses; the case stays as it is.
    due.filter(kind=ConfirmationRequest.Kind.FEEDBACK).update(
        status=ConfirmationRequest.Status.EXPIRED
    )
    expired = 0
    for case_id in due.values_list("case_id", flat=True).distinct():
        try:
            case_transition(case=case_id, name="expire", actor=Actor.system())
            expired += 1
        except TransitionConflict:
            # The case moved on (a customer answered, an agent acted): the request lapses.
            ConfirmationRequest.objects.pending().filter(
                case_id=case_id, expires_at__lte=now
            ).update(status=ConfirmationRequest.Status.EXPIRED)
    return expired
