"""The retrain gate's pure parts: which examples are held out, and how two models compare."""

import pytest

from review.engine.gate import GateFigures, holdout_bucket, judge, split_holdout

TARGET = 0.98


def figures(n, correct, automated, automated_correct):
    return GateFigures(
        n=n, correct=correct, automated=automated, automated_correct=automated_correct
    )


def test_the_bucket_is_stable_and_ignores_case_and_white_space():
    assert holdout_bucket("Where is my order?") == holdout_bucket("  where IS my\torder? ")
    assert holdout_bucket("Where is my order?") != holdout_bucket("Where is my parcel?")
    assert 0.0 <= holdout_bucket("x") < 1.0


def test_the_split_holds_out_about_the_share_and_never_splits_a_repeated_text():
    texts = [f"message number {i}" for i in range(2000)]
    labels = [f"intent_{i % 4}" for i in range(2000)]
    train, held = split_holdout([*texts, "Message number 7 "], [*labels, "intent_3"], 0.1)
    assert sorted(train + held) == list(range(2001))
    assert 150 < len(held) < 250
    assert (7 in held) == (2000 in held)  # the same text, whatever its case, on the same side
    assert split_holdout(texts, labels, 0.1) == split_holdout(texts, labels, 0.1)
    assert split_holdout(texts, labels, 0.0) == (list(range(2000)), [])


def test_an_intent_too_small_to_spare_an_example_holds_none_out():
    texts = [f"text {i}" for i in range(400)]
    held_texts = [t for t in texts if holdout_bucket(t) < 0.5]
    kept_texts = [t for t in texts if holdout_bucket(t) >= 0.5]
    # "rare" has two held-out texts and one to train on: too few, so all three train.
    rare = held_texts[:2] + kept_texts[:1]
    common = held_texts[2:] + kept_texts[1:]
    train, held = split_holdout(rare + common, ["rare"] * 3 + ["common"] * len(common), 0.5)
    assert {0, 1, 2} <= set(train)
    assert len(held) == len(held_texts) - 2


@pytest.mark.parametrize("share", [-0.1, 1.0])
def test_a_share_out_of_range_is_refused(share):
    with pytest.raises(ValueError, match="share"):
        split_holdout(["a"], ["x"], share)


def test_figures_count_coverage_and_precision():
    counted = GateFigures.count([True, True, False, True], [True, False, True, False])
    assert counted == figures(4, 3, 2, 1)
    assert (counted.coverage, counted.realised_precision, counted.accuracy) == (0.5, 0.5, 0.75)
    assert not counted.within_budget(TARGET)
    assert figures(0, 0, 0, 0).within_budget(TARGET)  # nothing automated, nothing wrong
    assert figures(0, 0, 0, 0).realised_precision is None


@pytest.mark.parametrize(
    ("champion", "challenger", "activated", "why"),
    [
        (None, figures(10, 8, 5, 5), True, "no active model"),
        (figures(0, 0, 0, 0), figures(0, 0, 0, 0), True, "no held-out examples"),
        # Both within the budget: more automation wins.
        (figures(100, 90, 60, 60), figures(100, 90, 70, 70), True, "automates more"),
        (figures(100, 90, 70, 70), figures(100, 95, 60, 60), False, "automates less"),
        # Equal automation: the one right more often; a tie goes to the challenger.
        (figures(100, 90, 60, 60), figures(100, 80, 60, 60), False, "automates as much but"),
        (figures(100, 90, 60, 60), figures(100, 90, 60, 60), True, "automates as much and"),
        # Over the budget loses to within it, whatever it automates.
        (figures(100, 90, 50, 50), figures(100, 95, 90, 85), False, "challenger breaks"),
        (figures(100, 90, 90, 85), figures(100, 90, 40, 40), True, "active model breaks"),
        # Both over it: fewer wrong automations per automation wins.
        (figures(100, 90, 90, 80), figures(100, 90, 90, 85), True, "challenger less"),
        (figures(100, 90, 90, 85), figures(100, 90, 90, 80), False, "challenger more"),
    ],
)
def test_judge(champion, challenger, activated, why):
    verdict, reason = judge(champion, challenger, TARGET)
    assert verdict is activated
    assert why in reason
