"""Service levels: what a case's countdown says, which breaches to record, the share met.

The targets are `SlaTarget`s (supervisors set them in the admin); a case stores its due times
when it arrives (`Case.set_priority`) and when it was first answered (`carry_out`). Breaches
are recorded once each, as `sla_breached` events through the transition path, by a scheduled
task (`cases.tasks.record_sla_breaches`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, CaseEvent, State
from cases.transitions import Actor, TransitionConflict, case_record

FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
TARGET_LABELS = {
    FIRST_RESPONSE: gettext_lazy("First response"),
    RESOLUTION: gettext_lazy("Resolution"),
}
SOON = timedelta(hours=1)  # "soon" from an hour before the due time
# Due times further back are not checked: the first run after deploying does not flood
# old cases with breach events, and the query stays on recent rows.
LOOKBACK = timedelta(days=7)
DONE_STATES = (State.RESOLVED, State.CLOSED)


# `_` as a parameter: a page of countdowns passes a gettext that remembers what it said
# (`gettext` per row was most of a queue row's cost); named `_` so makemessages still finds
# every message.


def duration_text(delta: timedelta, _=_) -> str:
    """'2 h 10 min', '45 min', '3 d 4 h': rounded up to the minute, the unit that matters."""
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return (
            _("%(d)d d %(h)d h") % {"d": days, "h": hours} if hours else _("%(d)d d") % {"d": days}
        )
    if hours:
        return (
            _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
            if minutes
            else _("%(h)d h") % {"h": hours}
        )
    return _("%(m)d min") % {"m": minutes}


@dataclass(frozen=True)
class Countdown:
    target: str  # FIRST_RESPONSE or RESOLUTION
    status: str  # "ok", "soon", "breached": the CSS class sla-<status>
    text: str  # "due in 2 h 10 min", "overdue by 25 min"

    @property
    def label(self) -> str:
        return str(TARGET_LABELS[self.target])


def countdown_for(due: datetime | None, target: str, now: datetime, _=_) -> Countdown | None:
    if due is None:
        return None
    left = due - now
    if left.total_seconds() <= 0:
        return Countdown(target, "breached", _("overdue by %(t)s") % {"t": duration_text(-left, _)})
    status = "soon" if left <= SOON else "ok"
    return Countdown(target, status, _("due in %(t)s") % {"t": duration_text(left, _)})


def next_countdown(
    *, state, first_response_due_at, first_responded_at, due_at, now, _=_
) -> Countdown | None:
    """The target the case waits for now: its first answer, then its resolution; none once done."""
    if state in DONE_STATES:
        return None
    if first_responded_at is None and first_response_due_at is not None:
        return countdown_for(first_response_due_at, FIRST_RESPONSE, now, _)
    return countdown_for(due_at, RESOLUTION, now, _)


def case_countdown(case: Case, now: datetime | None = None) -> Countdown | None:
    return next_countdown(
        state=case.state,
        first_response_due_at=case.first_response_due_at,
        first_responded_at=case.first_responded_at,
        due_at=case.due_at,
        now=now or timezone.now(),
    )


# Breaches.


def breached(target: str):
    return CaseEvent.objects.filter(case=OuterRef("pk"), name="sla_breached", data__target=target)


def breaches_due(now: datetime) -> list[tuple[int, str]]:
    """(case id, target) of every breach not yet recorded: two queries, whatever the backlog."""
    since = now - LOOKBACK
    first = Case.objects.filter(
        first_response_due_at__lt=now, first_response_due_at__gte=since
    ).filter(
        Q(first_responded_at__isnull=True) | Q(first_responded_at__gt=F("first_response_due_at"))
    )
    late = Case.objects.filter(due_at__lt=now, due_at__gte=since).filter(
        Q(resolved_at__isnull=True, closed_at__isnull=True) | Q(resolved_at__gt=F("due_at"))
    )
    found = [
        (pk, FIRST_RESPONSE)
        for pk in first.exclude(Exists(breached(FIRST_RESPONSE))).values_list("pk", flat=True)
    ]
    found += [
        (pk, RESOLUTION)
        for pk in late.exclude(Exists(breached(RESOLUTION))).values_list("pk", flat=True)
    ]
    return found


def record_breaches(now: datetime | None = None) -> int:
    """Record each breach once as an `sla_breached` event; a second run records nothing."""
    recorded = 0
    for pk, target in breaches_due(now or timezone.now()):
        try:
            case_record(
                case=pk, name="sla_breached", actor=Actor.system(), payload={"target": target}
            )
        except TransitionConflict:
            continue  # another worker recorded it first (checked on the locked case)
        recorded += 1
    return recorded


# The dashboard: the share of cases that met each target, of those whose outcome is known.


def share_met(since: datetime, now: datetime) -> dict:
    """Of the cases created since `since` whose target is decided (answered, or past due),
    how many met it, per target: one query."""
    first_met = Q(first_responded_at__lte=F("first_response_due_at"))
    first_decided = Q(first_responded_at__isnull=False) | Q(first_response_due_at__lt=now)
    resolution_met = Q(resolved_at__lte=F("due_at"))
    resolution_decided = Q(resolved_at__isnull=False) | Q(due_at__lt=now)
    counts = Case.objects.filter(created_at__gte=since).aggregate(
        first_met=Count("pk", filter=first_met & Q(first_response_due_at__isnull=False)),
        first_decided=Count("pk", filter=first_decided & Q(first_response_due_at__isnull=False)),
        resolution_met=Count("pk", filter=resolution_met & Q(due_at__isnull=False)),
        resolution_decided=Count("pk", filter=resolution_decided & Q(due_at__isnull=False)),
    )

    def share(met: int, decided: int) -> dict:
        percent = round(100 * met / decided) if decided else None
        return {"met": met, "decided": decided, "percent": percent}

    return {
        FIRST_RESPONSE: share(counts["first_met"], counts["first_decided"]),
        RESOLUTION: share(counts["resolution_met"], counts["resolution_decided"]),
    }


def case_targets(case: Case, now: datetime | None = None) -> list[dict]:
    """Both targets as the case page shows them: running down, met, or missed (with words)."""
    now = now or timezone.now()
    rows = []
    for target, due, done in (
        (FIRST_RESPONSE, case.first_response_due_at, case.first_responded_at),
        (RESOLUTION, case.due_at, case.resolved_at if case.state in DONE_STATES else None),
    ):
        if due is None:
            continue
        if done is not None:
            status = "ok" if done <= due else "breached"
            text = (
                _("met") if done <= due else _("missed by %(t)s") % {"t": duration_text(done - due)}
            )
        else:
            running = countdown_for(due, target, now)
            status, text = running.status, running.text
        rows.append(
            {"target": target, "label": TARGET_LABELS[target], "status": status, "text": text}
        )
    return rows
