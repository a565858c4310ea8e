"""`seed_demo`: idempotent, and its cases reach every state through the real pipeline."""

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent, State
from review.models import Intent, ModelVersion, TrainingExample

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

    def counts():
        return Case.objects.count(), CaseEvent.objects.count(), TrainingExample.objects.count()

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert ModelVersion.objects.count() == 1
