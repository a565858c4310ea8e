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


def test_low_confidence_in_german_says_where_the_threshold_comes_from():
    with translation.override("de"):
        text = explain("low_confidence", suggestion(0.96, 0.97))
    assert text == (
        "Konfidenz 0,96 liegt unter 0,97, der aus den Daten gelernten Schwelle für Order status "
        "(die Richtlinie verlangt mindestens 0,80)"
    )
