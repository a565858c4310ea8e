"""The retrain verdict names the check that decided, with both models' figures (issue 17)."""

import pytest
from django.utils import translation

from review.verdicts import training_verdict


def figures(n, correct, automated, automated_correct):
    return {
        "n": n,
        "correct": correct,
        "automated": automated,
        "automated_correct": automated_correct,
    }


def gate(champion, challenger, target=0.98):
    return {"target_precision": target, "champion": champion, "challenger": challenger}


# The case: the new model automated 60 % against 38 %, at precision 0.978.
OVER_BUDGET = gate(figures(1000, 800, 380, 380), figures(1000, 900, 600, 587))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "Not activated: precision 0.978 is below the target 0.98 (the active model: 1.000), "
            "although it automated 60 % against 38 %.",
        ),
        (
            "de",
            "Nicht aktiviert: Präzision 0,978 liegt unter dem Ziel 0,98 (aktives Modell: 1,000), "
            "obwohl es 60 % gegenüber 38 % automatisiert hat.",
        ),
    ],
)
def test_a_model_below_the_target_precision_says_so_with_both_figures(language, text):
    with translation.override(language):
        assert training_verdict(OVER_BUDGET, activated=False, had_active_model=True) == text


@pytest.mark.parametrize(
    ("champion", "challenger", "activated", "text"),
    [
        (
            figures(100, 90, 38, 38),
            figures(100, 95, 60, 60),
            True,
            "Activated: automated 60 % against 38 %, both within the target precision 0.98 "
            "(1.000 against 1.000).",
        ),
        (
            figures(100, 95, 60, 60),
            figures(100, 90, 38, 38),
            False,
            "Not activated: automated 38 % against 60 %, both within the target precision 0.98 "
            "(1.000 against 1.000).",
        ),
        (
            figures(100, 90, 60, 60),
            figures(100, 80, 60, 60),
            False,
            "Not activated: both automated 60 %; right on 80 of 100 held-out examples against 90.",
        ),
        (
            figures(100, 90, 90, 85),
            figures(100, 90, 40, 40),
            True,
            "Activated: the active model's precision 0.944 is below the target 0.98, this one's "
            "1.000 is not (automated 40 % against 90 %).",
        ),
        (
            figures(100, 90, 90, 85),
            figures(100, 90, 90, 80),
            False,
            "Not activated: both are below the target precision 0.98: 0.889 against 0.944 "
            "(automated 90 % against 90 %).",
        ),
        (None, figures(10, 8, 5, 5), True, "Activated: it is the first model."),
        (
            figures(0, 0, 0, 0),
            figures(0, 0, 0, 0),
            True,
            "Activated: there are no held-out examples to compare on yet.",
        ),
    ],
    ids=["more", "less", "accuracy", "champion-over", "both-over", "first", "no-holdout"],
)
def test_every_check_names_itself(champion, challenger, activated, text):
    with translation.override("en"):
        verdict = training_verdict(
            gate(champion, challenger), activated=activated, had_active_model=champion is not None
        )
    assert verdict == text


def test_a_verdict_overruled_on_request_says_so():
    with translation.override("en"):
        verdict = training_verdict(OVER_BUDGET, activated=True, had_active_model=True)
    assert verdict.startswith("Activated on request, although the gate said no: precision 0.978")
