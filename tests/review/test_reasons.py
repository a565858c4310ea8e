"""The why in plain words, with the figure that actually decided."""

import pytest
from django.utils import translation

from review.models import Intent, Suggestion
from review.reasons import explain


def suggestion(confidence: float, threshold: float | None, policy: float = 0.80) -> Suggestion:
    intent = Intent(slug="order_status", name="Order status", threshold=policy)
    return Suggestion(intent=intent, confidence=confidence, threshold=threshold)


@pytest.mark.parametrize(
    ("confidence", "threshold", "text"),
    [
        (0.62, 0.80, "confidence 0.62 is below the policy's threshold 0.80 for Order status"),
        (0.62, None, "confidence 0.62 is below the policy's threshold 0.80 for Order status"),
        (
            0.96,
            0.97,
            "confidence 0.96 is below 0.97, the threshold for Order status learned from the "
            "data (the policy's minimum is 0.80)",
        ),
        (
            0.9651,
            0.9655,
            "confidence 0.965 is below 0.966, the threshold for Order status learned from the "
            "data (the policy's minimum is 0.80)",
        ),
    ],
)
def test_low_confidence_names_the_threshold_that_decided(confidence, threshold, text):
    assert explain("low_confidence", suggestion(confidence, threshold)) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "the data never showed Order status answered alone at the required precision: a "
            "person decides at any confidence (the policy's minimum is 0.80)",
        ),
        (
            "de",
            "die Daten zeigen für Order status keine alleinige Antwort mit der verlangten "
            "Präzision: ein Mensch entscheidet bei jeder Konfidenz (die Richtlinie verlangt "
            "mindestens 0,80)",
        ),
    ],
)
def test_a_learned_never_is_said_in_words_not_as_infinity(language, text):
    with translation.override(language):
        assert explain("low_confidence", suggestion(0.98, float("inf"))) == text


def test_low_confidence_in_german_says_where_the_threshold_comes_from():
    with translation.override("de"):
        text = explain("low_confidence", suggestion(0.96, 0.97))
    assert text == (
        "Konfidenz 0,96 liegt unter 0,97, der aus den Daten gelernten Schwelle für Order status "
        "(die Richtlinie verlangt mindestens 0,80)"
    )


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", ["legal threat", "urgent"]),
        ("de", ["rechtliche Drohung", "dringend"]),
    ],
)
def test_the_case_page_names_risk_flags_in_words(client, agent, language, shown):
    from cases.models import State
    from tests.factories import case_in

    case = case_in(State.IN_REVIEW, risk_flags=["legal", "urgent"])
    client.force_login(agent)
    page = client.get(f"/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    for flag, words in zip(["legal", "urgent"], shown, strict=True):
        assert f'<span class="tag risk" title="{flag}">{words}</span>' in html


def test_the_composer_and_the_alternatives_name_intents_in_the_readers_language(client, agent):
    from cases.models import State
    from tests.factories import IntentFactory, case_in

    IntentFactory(slug="invoice_copy", name="Invoice copy", name_de="Rechnungskopie")
    case = case_in(State.IN_REVIEW, alternatives=[["invoice_copy", 0.01]])
    client.force_login(agent)
    html = client.get(f"/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Alternativen: Rechnungskopie (0,01)" in html
    assert '<option value="invoice_copy">Rechnungskopie</option>' in html
