"""When must a human look? The routing decision, computed once per suggestion.

A pure function of the intent's policy and what the engine found, so that it can be tested
condition by condition and replayed for what-if analysis.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cases.models import ActionKind

# Risk flags found in the text that make a case risky whatever the intent says.
FLAG_RISK_CLASSES = {"legal": "legal", "data_protection": "legal"}


@dataclass(frozen=True)
class Routing:
    automatable: bool
    reason_codes: tuple[str, ...]
    risk_class: str


def sampled(key: str, rate: float) -> bool:
    """Decide QA sampling deterministically from a key, so a replay gives the same answer."""
    if rate <= 0:
        return False
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") / 2**32
    return bucket < rate


def over_limit(amounts: list[dict], limit) -> bool:
    if limit is None:
        return False
    for amount in amounts:
        try:
            if Decimal(str(amount.get("value"))) > limit:
                return True
        except (InvalidOperation, TypeError):
            continue
    return False


def route(
    *,
    intent,
    confidence: float,
    slots: dict,
    risk_flags: list[str],
    out_of_scope_threshold: float,
    sample_key: str,
    out_of_scope: bool = False,
    insufficient_text: str | None = None,
) -> Routing:
    """Return whether the AI may act alone, and every reason a human must decide instead.

    `out_of_scope`: the engine's out-of-scope score is above the intent's cut
    (`Prediction.out_of_scope`); such a message goes to a person like one below the floor.
    `insufficient_text` is the reason code of `review.engine.substance.insufficient` for the
    message (too short, or repeating itself): never automated, whatever the confidence.
    """
    evidence = (insufficient_text,) if insufficient_text else ()
    if (
        intent is None
        or intent.is_out_of_scope
        or out_of_scope
        or confidence < out_of_scope_threshold
    ):
        return Routing(False, ("out_of_scope", *evidence), "none")
    reasons: list[str] = list(evidence)
    if intent.mode != "auto" or intent.action == ActionKind.MANUAL:
        reasons.append("intent_mode_assist")
    if confidence < intent.threshold:
        reasons.append("low_confidence")
    risk_classes = {intent.risk_class} - {"none"}
    risk_classes |= {FLAG_RISK_CLASSES[f] for f in risk_flags if f in FLAG_RISK_CLASSES}
    reasons.extend(f"risk_class:{name}" for name in sorted(risk_classes))
    if over_limit(slots.get("amounts", []), intent.amount_limit):
        reasons.append("amount_over_limit")
    reasons.extend(f"missing_slot:{slot}" for slot in intent.required_slots if not slots.get(slot))
    if not reasons and sampled(sample_key, intent.qa_sample_rate):
        reasons.append("sampled_for_qa")
    risk_class = "legal" if "legal" in risk_classes else next(iter(sorted(risk_classes)), "none")
    return Routing(not reasons, tuple(reasons), risk_class)
