"""The evidence behind automation: how often people and customers agreed with the AI.

Read from case events, which are never edited and outlive a customer's erasure. An event
carries the suggestion it was about, so each verdict belongs to the intent the AI predicted:

- a human agreed: `approve`; a human corrected: `amend`, `take_over`;
- a customer agreed: `customer_accept`; a customer corrected: `customer_decline`, or a
  `reopen` because the solution did not help (`customer_feedback_negative`).

Used by the dashboard (agreement per intent, with a Wilson interval, and the signal to move an
intent between assist and auto) and by the Intent admin (the what-if beside the threshold).
"""

import copy
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import ActionKind, CaseEvent
from review.engine.substance import REPETITIVE, TOO_SHORT
from review.models import Intent, ModelVersion, Suggestion
from review.policy import route

HUMAN, CUSTOMER = "human", "customer"
VERDICTS = {
    "approve": (HUMAN, True),
    "amend": (HUMAN, False),
    "take_over": (HUMAN, False),
    "customer_accept": (CUSTOMER, True),
    "customer_decline": (CUSTOMER, False),
    "reopen": (CUSTOMER, False),  # only with negative feedback, see `outcome_events`
}
NEGATIVE_FEEDBACK = "customer_feedback_negative"
# A message too thin to act on stays with a person at any threshold (`review.engine.substance`).
INSUFFICIENT = (TOO_SHORT, REPETITIVE)

# An intent is ready to automate when we are 95 % sure that at least this share of decisions
# agrees with the AI, and should go back to assist when we are 95 % sure it is below.
TARGET_AGREEMENT = 0.90
MIN_DECISIONS = 20
WINDOW_DAYS = 30


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default); (0, 1) without data."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Agreement:
    agreed: int = 0
    total: int = 0

    def __add__(self, other: "Agreement") -> "Agreement":
        return Agreement(self.agreed + other.agreed, self.total + other.total)

    @property
    def corrected(self) -> int:
        return self.total - self.agreed

    @property
    def rate(self) -> float | None:
        return self.agreed / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.agreed, self.total)

    @property
    def low(self) -> float:
        return self.interval[0]

    @property
    def high(self) -> float:
        return self.interval[1]


@dataclass
class IntentEvidence:
    humans: Agreement = field(default_factory=Agreement)
    customers: Agreement = field(default_factory=Agreement)

    @property
    def overall(self) -> Agreement:
        return self.humans + self.customers


def outcome_events():
    """Events that are a verdict on a suggestion (one query's worth of filter)."""
    return CaseEvent.objects.filter(suggestion__isnull=False, name__in=VERDICTS).filter(
        ~Q(name="reopen") | Q(reason_codes__icontains=NEGATIVE_FEEDBACK)
    )


def evidence_by_intent(since) -> dict[int, IntentEvidence]:
    """Agreement of humans and customers with the AI per predicted intent, since `since`."""
    rows = (
        outcome_events()
        .filter(created_at__gte=since, suggestion__intent__isnull=False)
        .values_list("suggestion__intent_id", "name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, IntentEvidence] = {}
    for intent_id, name, n in rows:
        who, agreed = VERDICTS[name]
        evidence = found.setdefault(intent_id, IntentEvidence())
        share = Agreement(n if agreed else 0, n)
        if who == HUMAN:
            evidence.humans += share
        else:
            evidence.customers += share
    return found


@dataclass(frozen=True)
class Signal:
    kind: str  # ready | back_to_assist | keep | not_enough | not_applicable
    text: str
    proposed_mode: str = ""


def readiness(intent: Intent, evidence: IntentEvidence | None) -> Signal:
    """Should this intent move between assist and auto? Only when the evidence says so."""
    if intent.is_out_of_scope or intent.action == ActionKind.MANUAL:
        return Signal("not_applicable", _("A person always handles it."))
    if intent.risk_class != Intent.RiskClass.NONE:
        return Signal("not_applicable", _("Risky: a person always decides, whatever the mode."))
    overall = (evidence or IntentEvidence()).overall
    if overall.total < MIN_DECISIONS:
        return Signal(
            "not_enough",
            _("Not enough evidence yet (%(n)d of %(min)d decisions).")
            % {"n": overall.total, "min": MIN_DECISIONS},
        )
    low, high = overall.interval
    if intent.mode == Intent.Mode.ASSIST and low >= TARGET_AGREEMENT:
        return Signal(
            "ready",
            _("Ready to automate: at least %(low).0f %% agreement (95 %% sure).")
            % {"low": low * 100},
            Intent.Mode.AUTO,
        )
    if intent.mode == Intent.Mode.AUTO and high < TARGET_AGREEMENT:
        return Signal(
            "back_to_assist",
            _("Should go back to assist: at most %(high).0f %% agreement (95 %% sure).")
            % {"high": high * 100},
            Intent.Mode.ASSIST,
        )
    return Signal("keep", _("Keep as it is."))


@dataclass(frozen=True)
class WhatIfRow:
    threshold: float
    automated: int  # would have been automated at this threshold
    corrected: int  # of those, later corrected by a human or the customer
    confirmed: int  # of those, later confirmed by a human or the customer
    current: bool = False

    @property
    def correction_rate(self) -> float | None:
        known = self.corrected + self.confirmed
        return self.corrected / known if known else None


@dataclass(frozen=True)
class WhatIf:
    days: int
    suggestions: int
    with_outcome: int
    rows: list[WhatIfRow]
    # The active model's own threshold for the intent, where it learned one above the
    # policy's: below it the AI never acts alone, whatever the policy says (None: none).
    learned: float | None = None

    @property
    def unreachable(self) -> bool:
        return self.learned is not None and math.isinf(self.learned)


DEFAULT_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def what_if(
    intent: Intent, thresholds=DEFAULT_THRESHOLDS, *, days: int = WINDOW_DAYS, now=None
) -> WhatIf:
    """Replay the last `days` of this intent's suggestions at other thresholds.

    Each suggestion is routed again with the stored confidence, slots and risk flags under the
    intent's policy as saved, in auto mode and with the given threshold; QA sampling replays
    the same (it is keyed by case and message). Known outcomes come from the events.
    """
    since = (now or timezone.now()) - timedelta(days=days)
    suggestions = list(
        Suggestion.objects.filter(intent=intent, created_at__gte=since)
        .select_related("case")
        .only(
            "pk",
            "confidence",
            "slots",
            "risk_flags",
            "reason_codes",
            "message_id",
            "case__reference",
        )
    )
    verdicts: dict[int, bool] = {}
    for suggestion_id, name in (
        outcome_events()
        .filter(suggestion__intent=intent, suggestion__created_at__gte=since)
        .values_list("suggestion_id", "name")
    ):
        # One correction outweighs any agreement: the AI alone would have got it wrong.
        verdicts[suggestion_id] = verdicts.get(suggestion_id, True) and VERDICTS[name][1]
    active = (
        ModelVersion.objects.filter(is_active=True, engine=settings.ENGINE).defer("blob").first()
    )
    learned = active.threshold_for(intent.slug) if active is not None else None
    rows = []
    for threshold in sorted({*thresholds, intent.threshold}):
        stand_in = copy.copy(intent)
        # Replayed as routing decides: the policy's threshold, raised by the model's own.
        effective = max(threshold, learned) if learned is not None else threshold
        stand_in.mode, stand_in.threshold = Intent.Mode.AUTO, effective
        automated = corrected = confirmed = 0
        for suggestion in suggestions:
            routing = route(
                intent=stand_in,
                confidence=suggestion.confidence,
                slots=suggestion.slots,
                risk_flags=suggestion.risk_flags,
                out_of_scope_threshold=settings.OUT_OF_SCOPE_THRESHOLD,
                sample_key=f"{suggestion.case.reference}:{suggestion.message_id}",
                # The out-of-scope cut does not depend on the threshold replayed: kept as it was.
                out_of_scope="out_of_scope" in suggestion.reason_codes,
                insufficient_text=next(
                    (code for code in suggestion.reason_codes if code in INSUFFICIENT), None
                ),
            )
            if not routing.automatable:
                continue
            automated += 1
            verdict = verdicts.get(suggestion.pk)
            corrected += verdict is False
            confirmed += verdict is True
        rows.append(
            WhatIfRow(
                threshold, automated, corrected, confirmed, current=threshold == intent.threshold
            )
        )
    shown = learned if learned is not None and learned > min(r.threshold for r in rows) else None
    return WhatIf(days, len(suggestions), len(verdicts), rows, learned=shown)
