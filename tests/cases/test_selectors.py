"""The read side: cases reaches review rows through the relations, in step with review."""

import pytest

from cases.models import Case, State, open_review_items
from cases.selectors import open_reasons
from review.models import ReviewItem
from tests.factories import case_in

pytestmark = pytest.mark.django_db


def test_open_review_items_are_what_review_calls_open():
    cases = [case_in(State.IN_REVIEW) for _ in ReviewItem.Status]
    for case, status in zip(cases, ReviewItem.Status, strict=True):
        ReviewItem.objects.create(case=case, reason_codes=[f"code_{status}"], status=status)
    assert set(open_review_items()) == set(ReviewItem.objects.open())
    # The case page's reasons: the open item's codes, read alone or with the case.
    opened = {f"code_{item.status}" for item in ReviewItem.objects.open()}
    assert {code for case in cases for code in open_reasons(case)} == opened
    annotated = Case.objects.with_open_reasons().filter(pk__in=[c.pk for c in cases])
    assert {case.pk: case.open_reasons or [] for case in annotated} == {
        case.pk: open_reasons(case) for case in cases
    }


def test_a_reason_code_matches_the_open_review_item_only():
    open_case, decided_case, suggested_only = (case_in(State.IN_REVIEW) for _ in range(3))
    ReviewItem.objects.create(case=open_case, reason_codes=["missing_slot:dates"])
    ReviewItem.objects.create(
        case=decided_case, reason_codes=["missing_slot:dates"], status=ReviewItem.Status.DECIDED
    )
    # All three suggestions say low_confidence; none of the open review items does.
    assert list(Case.objects.with_open_review_reason("missing_slot:dates")) == [open_case]
    assert not Case.objects.with_open_review_reason("low_confidence").exists()
    assert not Case.objects.with_open_review_reason("missing_slot").exists()  # whole codes only
    assert suggested_only.current_suggestion.reason_codes == ["low_confidence"]
