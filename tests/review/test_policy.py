"""Routing: every reason code comes from the condition that should produce it."""

from decimal import Decimal

import pytest

from cases.models import ActionKind
from review.models import Intent
from review.policy import Routing, route, sampled

OOS = 0.4


def intent(**policy):
    defaults = {
        "slug": "order_status",
        "action": ActionKind.REPLY,
        "mode": Intent.Mode.AUTO,
        "threshold": 0.8,
        "risk_class": Intent.RiskClass.NONE,
        "required_slots": [],
        "qa_sample_rate": 0.0,
    }
    return Intent(**(defaults | policy))


def decide(the_intent=None, *, confidence=0.95, slots=None, flags=(), key="case:1"):
    return route(
        intent=the_intent if the_intent is not None else intent(),
        confidence=confidence,
        slots=slots or {},
        risk_flags=list(flags),
        out_of_scope_threshold=OOS,
        sample_key=key,
    )


def test_a_confident_low_risk_suggestion_automates():
    routing = decide()
    assert routing.automatable and routing.reason_codes == ()


@pytest.mark.parametrize(
    ("the_intent", "kwargs", "reason"),
    [
        (intent(), {"confidence": 0.62}, "low_confidence"),
        (intent(mode=Intent.Mode.ASSIST), {}, "intent_mode_assist"),
        (intent(action=ActionKind.MANUAL), {}, "intent_mode_assist"),
        (intent(risk_class="financial"), {}, "risk_class:financial"),
        (intent(risk_class="legal"), {}, "risk_class:legal"),
        (intent(), {"flags": ["legal"]}, "risk_class:legal"),
        (intent(), {"flags": ["data_protection"]}, "risk_class:legal"),
        (
            intent(amount_limit=Decimal("50.00")),
            {"slots": {"amounts": [{"value": "79.90", "currency": "EUR"}]}},
            "amount_over_limit",
        ),
        (intent(required_slots=["order_number"]), {}, "missing_slot:order_number"),
        (intent(), {"confidence": 0.2}, "out_of_scope"),
        (intent(is_out_of_scope=True), {}, "out_of_scope"),
        (intent(qa_sample_rate=1.0), {}, "sampled_for_qa"),
    ],
)
def test_each_policy_condition_sends_the_case_to_a_human(the_intent, kwargs, reason):
    routing = decide(the_intent, **kwargs)
    assert not routing.automatable
    assert reason in routing.reason_codes


def test_no_intent_at_all_is_out_of_scope():
    routing = route(
        intent=None,
        confidence=0.0,
        slots={},
        risk_flags=[],
        out_of_scope_threshold=OOS,
        sample_key="x",
    )
    assert routing.reason_codes == ("out_of_scope",)


def test_an_amount_within_the_limit_automates():
    routing = decide(
        intent(amount_limit=Decimal("50.00")),
        slots={"amounts": [{"value": "49.99", "currency": "EUR"}]},
    )
    assert routing.automatable


def test_a_present_required_slot_automates():
    assert decide(
        intent(required_slots=["order_number"]), slots={"order_number": "1234"}
    ).automatable


def test_reasons_accumulate_so_agents_see_all_of_them():
    routing = decide(
        intent(risk_class="financial", required_slots=["order_number"]), confidence=0.5
    )
    assert routing.reason_codes == (
        "low_confidence",
        "risk_class:financial",
        "missing_slot:order_number",
    )


def test_qa_sampling_applies_only_to_otherwise_automatable_cases():
    routing = decide(intent(qa_sample_rate=1.0), confidence=0.5)
    assert "sampled_for_qa" not in routing.reason_codes


def test_qa_sampling_is_deterministic_and_close_to_its_rate():
    hits = sum(sampled(f"case:{n}", 0.1) for n in range(10_000))
    assert 850 < hits < 1150
    assert [sampled(f"case:{n}", 0.1) for n in range(50)] == [
        sampled(f"case:{n}", 0.1) for n in range(50)
    ]


def test_a_legal_flag_makes_the_risk_class_legal():
    assert decide(intent(risk_class="financial"), flags=["legal"]).risk_class == "legal"


def test_an_answer_above_its_intents_out_of_scope_cut_goes_to_a_person():
    # Confident, but unlike every training message of the intent (Prediction.out_of_scope).
    routing = route(
        intent=intent(),
        confidence=0.99,
        slots={},
        risk_flags=[],
        out_of_scope_threshold=OOS,
        sample_key="x",
        out_of_scope=True,
    )
    assert routing == Routing(False, ("out_of_scope",), "none")
    assert decide(confidence=0.99).automatable
