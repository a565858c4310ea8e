"""`seed_demo`: idempotent, and its cases reach every state through the real pipeline."""

import math

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent, State
from review.models import Intent, ModelVersion, TrainingExample
from review.reasons import explain

SLUGS = {
    "delivery_date_change",
    "contract_adjustment",
    "address_change",
    "order_status",
    "invoice_copy",
    "refund_request",
    "legal_complaint",
    "data_protection",
    "technical_fault",
    "out_of_scope",
}


@pytest.mark.django_db
def test_seed_demo_builds_a_working_back_office_and_is_idempotent(capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "agent-demo" in output and "supervisor-demo" in output and "API token" in output

    assert set(Intent.objects.values_list("slug", flat=True)) == SLUGS
    for slug in SLUGS:
        for language in ("en", "de"):
            count = TrainingExample.objects.filter(intent__slug=slug, language=language).count()
            assert count >= 30, (slug, language)
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Case.objects.count() >= 30
    # Every case that left `new` did so through a recorded transition.
    for case in Case.objects.exclude(state=State.NEW):
        assert case.events.exclude(from_state=case.state, to_state=case.state).exists()

    # The why agrees with the decision: every "confidence is below" names a threshold above it,
    # the one the routing used, and a suggestion routed for anything else had cleared it.
    for case in Case.objects.exclude(current_suggestion=None).select_related(
        "current_suggestion__intent"
    ):
        suggestion = case.current_suggestion
        if suggestion.intent is None or suggestion.intent.is_out_of_scope:
            continue
        assert (
            suggestion.threshold is not None and suggestion.threshold >= suggestion.intent.threshold
        )
        if "out_of_scope" in suggestion.reason_codes:
            # Below the floor, or unlike the intent's examples (above its out-of-scope cut):
            # a person decides whatever the confidence, and the why says so.
            assert suggestion.reason_codes == ["out_of_scope"], case.reference
            continue
        below = suggestion.confidence < suggestion.threshold
        assert below == ("low_confidence" in suggestion.reason_codes), case.reference
        if below:
            text = explain("low_confidence", suggestion)
            if math.isinf(suggestion.threshold):  # learned "never": said in words
                assert "a person decides at any confidence" in text, case.reference
                continue
            assert f"{suggestion.threshold:.2f}" in text or f"{suggestion.threshold:.3f}" in text

    # No adjustment offered to a customer takes effect before the message came in, whenever
    # the demo is seeded ("from 1 November" in a December demo was offered as a past date).
    adjustments = Case.objects.exclude(current_suggestion=None).filter(
        current_suggestion__adjustment__has_key="effective"
    )
    assert adjustments.exists()
    for case in adjustments.select_related("current_suggestion"):
        effective = case.current_suggestion.adjustment["effective"]
        assert effective >= case.created_at.date().isoformat(), case.reference

    def counts():
        return Case.objects.count(), CaseEvent.objects.count(), TrainingExample.objects.count()

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert ModelVersion.objects.count() == 1
