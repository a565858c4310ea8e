"""The read side: cases reaches review rows through the relations, in step with review."""

import pytest

from cases.models import Case, State, open_review_items
from cases.selectors import open_review_item
from review.models import ReviewItem
from tests.factories import case_in

pytestmark = pytest.mark.django_db


def test_open_review_items_are_what_review_calls_open():
    cases = [case_in(State.IN_REVIEW) for _ in ReviewItem.Status]
    for case, status in zip(cases, ReviewItem.Status, strict=True):
        ReviewItem.objects.create(case=case, reason_codes=["low_confidence"], status=status)
    assert set(open_review_items()) == set(ReviewItem.objects.open())
    assert {open_review_item(case) for case in cases} - {None} == set(ReviewItem.objects.open())


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
