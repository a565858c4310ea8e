"""The supervisors' dashboard: the figures, each from one grouped query.

The number of queries does not grow with the data (tested with 5 and with 200 cases): every
figure is a GROUP BY, or one list read over the window and counted here.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backoffice.charts import (
    horizontal_bars,
    interval_marks,
    share_bar,
    stacked_columns,
)
from cases.models import Case, CaseEvent, Message, State
from cases.selectors import OPEN_STATES
from cases.sla import share_met
from customers.models import EmailOutbox
from review.evidence import (
    TARGET_AGREEMENT,
    Agreement,
    IntentEvidence,
    evidence_by_intent,
    readiness,
)
from review.models import Intent, ModelVersion, ReviewItem, TrainingRun
from review.reasons import explain

WINDOWS = (7, 30, 90)
TOP_REASONS = 6
RESOLUTION_BUCKETS = [  # upper bound in hours, label
    (1, "< 1 h"),
    (4, "1-4 h"),
    (24, "4-24 h"),
    (72, "1-3 d"),
    (168, "3-7 d"),
    (None, "> 7 d"),
]


@dataclass(frozen=True)
class Window:
    days: int
    now: datetime

    @property
    def since(self) -> datetime:
        return self.now - timedelta(days=self.days)

    @property
    def weekly(self) -> bool:
        return self.days > 31

    def bucket(self, day: date) -> date:
        return day - timedelta(days=day.weekday()) if self.weekly else day

    def buckets(self) -> list[date]:
        first = self.bucket(timezone.localdate(self.since))
        last = timezone.localdate(self.now)
        step = timedelta(days=7 if self.weekly else 1)
        found, day = [], first
        while day <= last:
            found.append(day)
            day += step
        return found

    def label(self, day: date) -> str:
        return date_format(day, "j M")


@dataclass
class IntentRow:
    intent: Intent
    routed: int
    automated: int
    evidence: IntentEvidence
    # The active model's own threshold, where it learned one above the policy's: that one
    # decides (infinite: no threshold reaches the target, the AI never acts alone).
    learned: float | None = None

    @property
    def unreachable(self) -> bool:
        return self.learned is not None and math.isinf(self.learned)

    @property
    def automation_rate(self) -> float | None:
        return self.automated / self.routed if self.routed else None

    @property
    def signal(self):
        return readiness(self.intent, self.evidence)

    @property
    def humans_marks(self):
        return interval_marks(self.evidence.humans, target=TARGET_AGREEMENT)

    @property
    def customers_marks(self):
        return interval_marks(self.evidence.customers, target=TARGET_AGREEMENT)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return _("%(n)d min") % {"n": round(hours * 60)}
    if hours < 48:
        return _("%(n).1f h") % {"n": hours}
    return _("%(n).1f days") % {"n": hours / 24}


def routing_figures(window: Window):
    """Automated vs routed to a human, per day (or week) and per intent: one query."""
    rows = (
        CaseEvent.objects.filter(
            name__in=["automate", "route_to_review"], created_at__gte=window.since
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "suggestion__intent_id", "name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_day: dict[date, Counter] = {}
    by_intent: dict[int | None, Counter] = {}
    for day, intent_id, name, n in rows:
        by_day.setdefault(window.bucket(day), Counter())[name] += n
        by_intent.setdefault(intent_id, Counter())[name] += n
    buckets = window.buckets()
    chart = stacked_columns(
        _("Cases routed per day") if not window.weekly else _("Cases routed per week"),
        [window.label(day) for day in buckets],
        [
            (_("automated"), [by_day.get(d, Counter())["automate"] for d in buckets]),
            (_("to a human"), [by_day.get(d, Counter())["route_to_review"] for d in buckets]),
        ],
    )
    automated = sum(c["automate"] for c in by_intent.values())
    routed = automated + sum(c["route_to_review"] for c in by_intent.values())
    return chart, by_intent, Agreement(automated, routed)


def customer_figures(window: Window):
    counts = dict(
        CaseEvent.objects.filter(
            name__in=["customer_accept", "customer_decline", "expire"],
            created_at__gte=window.since,
        )
        .values_list("name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    accepted = counts.get("customer_accept", 0)
    declined = counts.get("customer_decline", 0)
    silent = counts.get("expire", 0)
    chart = share_bar(
        _("What customers decided"),
        [(_("accepted"), accepted), (_("declined"), declined), (_("no answer"), silent)],
    )
    return chart, {
        "accepted": accepted,
        "declined": declined,
        "silent": silent,
        "total": accepted + declined + silent,
        "acceptance": Agreement(accepted, accepted + declined + silent),
        "decline": Agreement(declined, accepted + declined + silent),
    }


def reason_figures(window: Window):
    """Why humans were asked, per day (or week): the top codes stacked, the rest as "other"."""
    per_bucket: dict[date, Counter] = {}
    totals: Counter = Counter()
    for created_at, codes in ReviewItem.objects.filter(created_at__gte=window.since).values_list(
        "created_at", "reason_codes"
    ):
        bucket = window.bucket(timezone.localdate(created_at))
        for code in codes or []:
            per_bucket.setdefault(bucket, Counter())[code] += 1
            totals[code] += 1
    top = [code for code, _n in totals.most_common(TOP_REASONS)]
    buckets = window.buckets()
    series = [
        (explain(code), [per_bucket.get(d, Counter())[code] for d in buckets]) for code in top
    ]
    others = [
        sum(n for code, n in per_bucket.get(d, Counter()).items() if code not in top)
        for d in buckets
    ]
    if any(others):
        series.append((_("other reasons"), others))
    chart = stacked_columns(
        _("Why a human was asked"), [window.label(d) for d in buckets], series, height=240
    )
    return chart, [(code, explain(code), n) for code, n in totals.most_common()]


def delivery_figures(window: Window) -> dict:
    """Mail the customer did not get in the window, and mail waiting for another try now."""
    undelivered = CaseEvent.objects.filter(
        name="delivery_failed", created_at__gte=window.since
    ).count()
    retrying = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            sent_at__isnull=True,
            undelivered_at__isnull=True,
            attempts__gt=0,
        ).count()
        + EmailOutbox.objects.pending().filter(attempts__gt=0).count()
    )
    return {"undelivered": undelivered, "retrying": retrying}


def backlog_figures(now: datetime):
    """Open cases per state and how many of them are overdue: one query."""
    rows = (
        Case.objects.filter(state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by()
    )
    counts = {state: (n, overdue) for state, n, overdue in rows}
    chart = horizontal_bars(
        _("Open cases by state"),
        [(State(s).label, counts.get(s, (0, 0))[0]) for s in OPEN_STATES],
        value_label=_("cases"),
    )
    return chart, {
        "open": sum(n for n, _o in counts.values()),
        "overdue": sum(o for _n, o in counts.values()),
        "overdue_by_state": [
            (State(s).label, counts.get(s, (0, 0))[1]) for s in OPEN_STATES if s in counts
        ],
    }


def overdue_cases(now: datetime, limit: int = 10):
    return list(
        Case.objects.overdue(now)
        .select_related("customer", "assignee")
        .order_by("due_at", "pk")[:limit]
    )


def resolution_figures(window: Window):
    """How long resolved cases took, automated and by people: one query."""
    automated = CaseEvent.objects.filter(case=OuterRef("pk"), name="automate")
    rows = (
        Case.objects.filter(resolved_at__gte=window.since)
        .annotate(automated=Exists(automated))
        .values_list("created_at", "resolved_at", "automated")
    )
    hours = {True: [], False: []}
    for created_at, resolved_at, was_automated in rows:
        hours[bool(was_automated)].append((resolved_at - created_at).total_seconds() / 3600)

    def histogram(values):
        counts = [0] * len(RESOLUTION_BUCKETS)
        for value in values:
            for i, (bound, _label) in enumerate(RESOLUTION_BUCKETS):
                if bound is None or value < bound:
                    counts[i] += 1
                    break
        return counts

    chart = stacked_columns(
        _("Time to resolution"),
        [label for _bound, label in RESOLUTION_BUCKETS],
        [(_("automated"), histogram(hours[True])), (_("by people"), histogram(hours[False]))],
        width=420,
        height=200,
    )
    every = hours[True] + hours[False]
    people = hours[False]
    return chart, {
        "resolved": len(every),
        "median": hours_text(percentile(every, 0.5)),
        "p90": hours_text(percentile(every, 0.9)),
        "people_median": hours_text(percentile(people, 0.5)),
    }


def intent_rows(window: Window, routing_by_intent, active) -> list[IntentRow]:
    evidence = evidence_by_intent(window.since)
    rows = []
    for intent in Intent.objects.order_by("name"):
        routing = routing_by_intent.get(intent.pk, Counter())
        learned = active.threshold_for(intent.slug) if active is not None else None
        rows.append(
            IntentRow(
                intent=intent,
                routed=routing["automate"] + routing["route_to_review"],
                automated=routing["automate"],
                evidence=evidence.get(intent.pk, IntentEvidence()),
                learned=learned if learned is not None and learned > intent.threshold else None,
            )
        )
    return rows


def model_figures(active):
    runs = list(
        TrainingRun.objects.select_related("model_version", "previous_version", "requested_by")
        .defer("model_version__blob", "previous_version__blob")
        .order_by("-created_at", "-pk")[:5]
    )
    return {"active": active, "runs": runs, "current_run": runs[0] if runs else None}


def dashboard_figures(days: int, now: datetime | None = None) -> dict:
    window = Window(days, now or timezone.now())
    routing_chart, routing_by_intent, automation = routing_figures(window)
    customers_chart, customers = customer_figures(window)
    reasons_chart, reasons = reason_figures(window)
    backlog_chart, backlog = backlog_figures(window.now)
    resolution_chart, resolution = resolution_figures(window)
    active = ModelVersion.objects.filter(is_active=True).defer("blob").first()
    intents = intent_rows(window, routing_by_intent, active)
    humans = sum((row.evidence.humans for row in intents), Agreement())
    return {
        "window": window,
        "windows": WINDOWS,
        "automation": automation,
        "humans": humans,
        "target": TARGET_AGREEMENT,
        "routing_chart": routing_chart,
        "customers_chart": customers_chart,
        "customers": customers,
        "reasons_chart": reasons_chart,
        "reasons": reasons,
        "backlog_chart": backlog_chart,
        "backlog": backlog,
        "overdue_cases": overdue_cases(window.now),
        "delivery": delivery_figures(window),
        "resolution_chart": resolution_chart,
        "resolution": resolution,
        "sla": share_met(window.since, window.now),  # templates/live/dashboard_sla.html
        "intents": intents,
        "model": model_figures(active),
    }
