"""Bulk work and merges racing on PostgreSQL: each case changes once, the loser is told who won."""

import pytest

from cases.bulk import cases_bulk
from cases.models import Case, CaseEvent, State
from cases.transitions import Actor, TransitionError, case_transition
from tests.factories import UserFactory, case_in
from tests.threads import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def case_merge(*, reference, into, actor):
    """Merge through the one path, as the workspace and the API do."""
    return case_transition(reference=reference, name="merge", actor=actor, payload={"into": into})


def test_two_agents_bulk_closing_the_same_cases_close_each_once():
    anna = UserFactory(username="anna", first_name="Anna", role="agent")
    ben = UserFactory(username="ben", first_name="Ben", role="agent")
    cases = [case_in(State.RESOLVED) for _ in range(5)]
    refs = [c.reference for c in cases]
    first, second = in_threads(
        lambda: cases_bulk(references=refs, action="close", actor=Actor.staff(anna), reason="a"),
        lambda: cases_bulk(references=refs, action="close", actor=Actor.staff(ben), reason="b"),
    )
    for ref, one, other in zip(refs, first, second, strict=True):
        assert (one.reference, other.reference) == (ref, ref)
        assert one.ok != other.ok  # exactly one of the two closed it
        loser = other if one.ok else one
        assert loser.status == 409
        assert loser.message.startswith("Already handled by ") or loser.message.startswith(
            "Cannot be closed while Closed"
        )
    assert CaseEvent.objects.filter(name="close").count() == 5
    assert set(Case.objects.values_list("state", flat=True)) == {State.CLOSED}


def test_two_cases_merged_into_each_other_at_once_merge_at_most_once_and_never_deadlock():
    agent = UserFactory(username="agent", role="agent")
    a, b = case_in(State.IN_REVIEW), case_in(State.IN_REVIEW)
    Case.objects.filter(pk=b.pk).update(customer=a.customer)
    actor = Actor.staff(agent)
    results = in_threads(
        lambda: case_merge(reference=a.reference, into=b.reference, actor=actor),
        lambda: case_merge(reference=b.reference, into=a.reference, actor=actor),
    )
    merged = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    # One wins, or both are told to try again (each held its own case): never both merged,
    # never PostgreSQL's deadlock error (a 500).
    assert len(merged) <= 1 and len(refused) >= 1
    assert all(isinstance(error, TransitionError) for error in refused), refused
    assert Case.objects.filter(state=State.CLOSED).count() == len(merged)
    assert CaseEvent.objects.filter(name__in=["merge", "merged_from"]).count() == 2 * len(merged)
