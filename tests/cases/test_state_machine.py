"""The state machine: DESIGN.md's table, every transition from every state, guards, permissions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import ActionKind, Case, CaseEvent, State, transitions_of
from cases.transitions import (
    Actor,
    InvalidPayload,
    TransitionConflict,
    TransitionForbidden,
    case_transition,
)
from customers.models import ERASED_DOMAIN, ConfirmationRequest
from review.models import ReviewItem, TrainingExample
from tests.factories import CaseFactory, IntentFactory, UserFactory, case_in

# DESIGN.md's table: transition → the states it may start from. (reopen also starts from
# awaiting_customer: a customer who writes instead of clicking goes back to review.)
TABLE = {
    "automate": {State.NEW},
    "route_to_review": {State.NEW},
    "approve": {State.IN_REVIEW, State.ESCALATED},
    "amend": {State.IN_REVIEW, State.ESCALATED},
    "take_over": {State.IN_REVIEW, State.ESCALATED},
    "escalate": {State.IN_REVIEW, State.IN_PROGRESS},
    "reply": {State.IN_PROGRESS},
    "reply_and_wait": {State.IN_PROGRESS},
    "propose": {State.IN_PROGRESS},
    "customer_accept": {State.AWAITING_CUSTOMER},
    "customer_decline": {State.AWAITING_CUSTOMER},
    "expire": {State.AWAITING_CUSTOMER},
    "reopen": {State.RESOLVED, State.AWAITING_CUSTOMER},
    # Issue 17: an erased customer's open case is closed unanswered (guarded: erased only).
    "close": {
        State.RESOLVED,
        State.IN_REVIEW,
        State.ESCALATED,
        State.IN_PROGRESS,
        State.AWAITING_CUSTOMER,
    },
    # Issue 13: a duplicate closes into the case it repeats (not new, not awaiting a decision).
    "merge": {State.IN_REVIEW, State.ESCALATED, State.IN_PROGRESS, State.RESOLVED},
}

TARGET = {
    "automate": State.RESOLVED,  # a reply intent
    "route_to_review": State.IN_REVIEW,
    "approve": State.RESOLVED,
    "amend": State.RESOLVED,
    "take_over": State.IN_PROGRESS,
    "escalate": State.ESCALATED,
    "reply": State.RESOLVED,
    "reply_and_wait": State.AWAITING_CUSTOMER,
    "propose": State.AWAITING_CUSTOMER,
    "customer_accept": State.RESOLVED,
    "customer_decline": State.IN_REVIEW,
    "expire": State.IN_REVIEW,
    "reopen": State.IN_REVIEW,
    "close": State.CLOSED,
    "merge": State.CLOSED,
}

PAYLOAD = {
    "escalate": {"reason": "Customer asks for a manager"},
    "reply": {"text": "We have fixed it."},
    "reply_and_wait": {"text": "Could you send us a photo of the meter?"},
    "propose": {"options": ["Monday", "Tuesday"]},
    "amend": {"reply": "A better reply."},
    "customer_accept": {"option": "a"},
    "merge": {"into": "KEPT2345"},  # prepare() makes it: the same customer's open case
}


def test_declared_sources_match_the_design_table():
    declared = {
        name: {t.source for t in transitions} for name, transitions in transitions_of().items()
    }
    assert declared == TABLE


def actor_for(name, case, supervisor):
    by = transitions_of()[name][0].custom["by"]
    if "customer" in by and name != "reopen":
        return Actor.customer(case.confirmations.pending().first())
    if "staff" in by:
        return Actor.staff(supervisor)
    return Actor.system()


def prepare(name, state):
    case = case_in(state, automatable=(name == "automate"))
    if name == "expire":
        case.confirmations.update(expires_at=timezone.now() - timedelta(minutes=1))
    if name == "merge":
        CaseFactory(customer=case.customer, state=State.IN_REVIEW, reference="KEPT2345")
    if name == "close":  # open cases close only once the customer was erased (issue 17)
        case.customer.email = f"erased-{case.customer.pk}@{ERASED_DOMAIN}"
        case.customer.save(update_fields=["email"])
    return case


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_transition_runs_from_exactly_its_source_states(name, state, supervisor):
    case = prepare(name, state)
    events_before = CaseEvent.objects.filter(case=case).count()
    run = lambda: case_transition(  # noqa: E731
        case=case, name=name, actor=actor_for(name, case, supervisor), payload=PAYLOAD.get(name)
    )
    if state in TABLE[name]:
        event = run()
        case.refresh_from_db()
        assert case.state == TARGET[name]
        assert (event.name, event.from_state, event.to_state) == (name, state, TARGET[name])
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        with pytest.raises(TransitionConflict):
            run()
        case.refresh_from_db()
        assert case.state == state
        assert CaseEvent.objects.filter(case=case).count() == events_before


# Guards, both ways.


def test_automate_is_refused_when_the_suggestion_needs_a_human(db):
    case = case_in(State.NEW, automatable=False)
    with pytest.raises(TransitionConflict, match="needs a human"):
        case_transition(case=case, name="automate", actor=Actor.ai())


def test_route_to_review_is_refused_when_the_suggestion_may_be_automated(db):
    case = case_in(State.NEW, automatable=True)
    with pytest.raises(TransitionConflict, match="may be automated"):
        case_transition(case=case, name="route_to_review", actor=Actor.ai())


def test_route_to_review_opens_a_review_item_with_the_reason_codes(db):
    case = case_in(State.NEW, automatable=False)
    event = case_transition(case=case, name="route_to_review", actor=Actor.ai())
    assert event.reason_codes == ["low_confidence"]
    item = ReviewItem.objects.get(case=case)
    assert item.reason_codes == ["low_confidence"] and item.status == "open"


def test_approve_without_a_suggestion_is_refused(supervisor):
    case = case_in(State.IN_REVIEW)
    case.current_suggestion = None
    case.save()
    with pytest.raises(TransitionConflict, match="no suggestion"):
        case_transition(case=case, name="approve", actor=Actor.staff(supervisor))


def test_approving_a_reply_sends_it_once_and_records_a_training_example(agent):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.state == State.RESOLVED and case.resolved_at
    assert len(mail.outbox) == 0  # sent after commit, by the task
    example = TrainingExample.objects.get(case=case)
    assert (example.source, example.verdict) == ("agent_approve", "confirmed")
    assert ReviewItem.objects.filter(case=case, decision="approved").exists() is False  # none open


def test_approving_a_choice_asks_the_customer(agent):
    case = case_in(State.IN_REVIEW, action=ActionKind.CHOOSE, options=[{"id": "a", "label": "Mon"}])
    case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER
    assert case.proposal_version == 1
    request = case.confirmations.get()
    assert (request.status, request.proposal_version, request.options) == (
        "pending",
        1,
        [{"id": "a", "label": "Mon"}],
    )


def test_a_manual_suggestion_cannot_be_approved(agent):
    case = case_in(State.IN_REVIEW, action=ActionKind.MANUAL)
    with pytest.raises(InvalidPayload, match="take the case over"):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


def test_approving_a_stale_suggestion_is_a_conflict(agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(TransitionConflict, match="suggestion changed"):
        case_transition(
            case=case,
            name="approve",
            actor=Actor.staff(agent),
            payload={"suggestion": case.current_suggestion_id + 1000},
        )


def test_amend_with_another_intent_is_a_correction_label(agent):
    case = case_in(State.IN_REVIEW)
    other = IntentFactory(slug="invoice_copy", action=ActionKind.REPLY)
    case_transition(
        case=case,
        name="amend",
        actor=Actor.staff(agent),
        payload={"intent": "invoice_copy", "reply": "Here is your invoice."},
    )
    example = TrainingExample.objects.get(case=case)
    assert (example.intent, example.verdict, example.source) == (other, "corrected", "agent_amend")
    assert case.messages.filter(direction="out").get().text == "Here is your invoice."


def test_amend_without_a_change_is_refused(agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(InvalidPayload):
        case_transition(case=case, name="amend", actor=Actor.staff(agent), payload={})


def test_escalate_needs_a_reason(agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(InvalidPayload) as error:
        case_transition(case=case, name="escalate", actor=Actor.staff(agent), payload={})
    assert "reason" in error.value.errors
    event = case_transition(
        case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "Angry VIP"}
    )
    assert event.comment == "Angry VIP"


def test_reply_needs_text(agent):
    case = case_in(State.IN_PROGRESS)
    with pytest.raises(InvalidPayload):
        case_transition(case=case, name="reply", actor=Actor.staff(agent), payload={"text": " "})


def test_propose_needs_options_or_an_adjustment(agent):
    case = case_in(State.IN_PROGRESS)
    with pytest.raises(InvalidPayload):
        case_transition(case=case, name="propose", actor=Actor.staff(agent), payload={})
    case_transition(
        case=case,
        name="propose",
        actor=Actor.staff(agent),
        payload={"adjustment": {"tariff": "Green 24", "from": "2027-01-01"}},
    )
    assert case.confirmations.get().kind == "confirm"


def test_customer_accept_stores_the_chosen_option(db):
    case = case_in(State.AWAITING_CUSTOMER)
    request = case.confirmations.get()
    event = case_transition(
        case=case, name="customer_accept", actor=Actor.customer(request), payload={"option": "a"}
    )
    case.refresh_from_db()
    request.refresh_from_db()
    assert case.outcome["option"] == {"id": "a", "label": "Monday"}
    assert request.status == "accepted"
    assert (event.actor_kind, event.actor_user, event.confirmation) == ("customer", None, request)


def test_customer_accept_of_an_option_not_offered_is_refused(db):
    case = case_in(State.AWAITING_CUSTOMER)
    request = case.confirmations.get()
    with pytest.raises(InvalidPayload):
        case_transition(
            case=case,
            name="customer_accept",
            actor=Actor.customer(request),
            payload={"option": "z"},
        )
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER


def test_customer_accept_with_an_expired_link_is_refused(db):
    case = case_in(State.AWAITING_CUSTOMER)
    case.confirmations.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(TransitionConflict):
        case_transition(
            case=case,
            name="customer_accept",
            actor=Actor.customer(case.confirmations.get()),
            payload={"option": "a"},
        )


def test_a_superseded_link_cannot_decide_the_new_proposal(db):
    case = case_in(State.AWAITING_CUSTOMER)
    old = case.confirmations.get()
    case.proposal_version = 2
    case.save()
    ConfirmationRequest.issue(case=case, kind="choose", options=[{"id": "a", "label": "Friday"}])
    with pytest.raises(TransitionConflict, match="no longer valid"):
        case_transition(
            case=case, name="customer_accept", actor=Actor.customer(old), payload={"option": "a"}
        )


def test_a_link_of_another_case_cannot_decide_this_one(db):
    case = case_in(State.AWAITING_CUSTOMER)
    other = case_in(State.AWAITING_CUSTOMER)
    with pytest.raises(TransitionConflict):
        case_transition(
            case=case,
            name="customer_accept",
            actor=Actor.customer(other.confirmations.get()),
            payload={"option": "a"},
        )


def test_customer_decline_goes_back_to_review_with_the_comment(db):
    case = case_in(State.AWAITING_CUSTOMER)
    event = case_transition(
        case=case,
        name="customer_decline",
        actor=Actor.customer(case.confirmations.get()),
        payload={"comment": "None of these days work"},
    )
    assert event.reason_codes == ["customer_declined"]
    assert event.comment == "None of these days work"
    assert ReviewItem.objects.open().get(case=case).reason_codes == ["customer_declined"]


def test_expire_waits_for_the_deadline(db):
    case = case_in(State.AWAITING_CUSTOMER)
    with pytest.raises(TransitionConflict, match="deadline"):
        case_transition(case=case, name="expire", actor=Actor.system())
    case.confirmations.update(expires_at=timezone.now() - timedelta(seconds=1))
    event = case_transition(case=case, name="expire", actor=Actor.system())
    assert event.reason_codes == ["customer_no_answer"]
    assert case.confirmations.get().status == "expired"


def test_reopen_while_awaiting_supersedes_the_pending_link(db):
    case = case_in(State.AWAITING_CUSTOMER)
    case_transition(case=case, name="reopen", actor=Actor.customer())
    assert case.confirmations.get().status == "superseded"


def test_four_eyes_needs_two_different_approvers(agent, agent2):
    case = case_in(State.IN_REVIEW, four_eyes=True)
    first = case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert (first.name, case.state) == ("approval_recorded", State.IN_REVIEW)
    with pytest.raises(TransitionForbidden, match="second person"):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    second = case_transition(case=case, name="approve", actor=Actor.staff(agent2))
    case.refresh_from_db()
    assert (second.name, case.state) == ("approve", State.RESOLVED)


# Permissions, both ways.


def test_agent_may_approve_in_review_but_not_escalated(agent, supervisor):
    case_transition(case=case_in(State.IN_REVIEW), name="approve", actor=Actor.staff(agent))
    escalated = case_in(State.ESCALATED)
    with pytest.raises(TransitionForbidden, match="supervisor"):
        case_transition(case=escalated, name="approve", actor=Actor.staff(agent))
    case_transition(case=escalated, name="approve", actor=Actor.staff(supervisor))


def test_legal_risk_needs_a_supervisor(agent, supervisor):
    case = case_in(State.IN_REVIEW, risk_class="legal")
    with pytest.raises(TransitionForbidden, match="legal"):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case_transition(case=case, name="approve", actor=Actor.staff(supervisor))


def test_a_user_without_a_role_may_not_work_cases(db):
    outsider = UserFactory(username="outsider")
    with pytest.raises(TransitionForbidden):
        case_transition(
            case=case_in(State.IN_REVIEW), name="take_over", actor=Actor.staff(outsider)
        )


@pytest.mark.parametrize("name", ["automate", "route_to_review", "expire", "reopen"])
def test_staff_cannot_run_system_transitions(name, supervisor):
    with pytest.raises(TransitionForbidden):
        case_transition(case=case_in(State.NEW), name=name, actor=Actor.staff(supervisor))


@pytest.mark.parametrize("name", ["customer_accept", "customer_decline"])
def test_staff_cannot_decide_for_the_customer(name, supervisor):
    case = case_in(State.AWAITING_CUSTOMER)
    with pytest.raises(TransitionForbidden):
        case_transition(case=case, name=name, actor=Actor.staff(supervisor))


def test_the_customer_cannot_approve(db):
    with pytest.raises(TransitionForbidden):
        case_transition(case=case_in(State.IN_REVIEW), name="approve", actor=Actor.customer())


def test_take_over_assigns_the_case_to_the_agent(agent):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.assignee == agent
    assert TrainingExample.objects.get(case=case).verdict == "rejected"


def test_a_lost_race_says_who_was_first(agent, agent2):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    with pytest.raises(TransitionConflict, match="Already handled by Agent at"):
        case_transition(case=case, name="approve", actor=Actor.staff(agent2))


def test_expected_state_guards_against_acting_on_a_stale_page(agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(TransitionConflict):
        case_transition(
            case=case,
            name="take_over",
            actor=Actor.staff(agent),
            payload={"expected_state": State.ESCALATED},
        )


def test_unknown_transition_names_are_refused(agent):
    from cases.transitions import UnknownTransition

    with pytest.raises(UnknownTransition):
        case_transition(case=case_in(State.NEW), name="delete", actor=Actor.staff(agent))


def test_the_state_field_cannot_be_assigned(db):
    case = case_in(State.NEW)
    with pytest.raises(AttributeError):
        case.state = State.RESOLVED
    assert Case.objects.get(pk=case.pk).state == State.NEW


def test_negative_feedback_reopens_with_its_reason(db):
    case = case_in(State.RESOLVED)
    event = case_transition(
        case=case,
        name="reopen",
        actor=Actor.customer(),
        payload={"reason_code": "customer_feedback_negative", "comment": "Still broken"},
    )
    assert event.reason_codes == ["customer_feedback_negative"]
    assert ReviewItem.objects.open().get(case=case).reason_codes == ["customer_feedback_negative"]


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        (ActionKind.REPLY, "reopen"),  # "it did not help"
        (ActionKind.CHOOSE, "customer_decline"),
        (ActionKind.CHOOSE, "expire"),
    ],
)
def test_a_proposal_that_went_out_is_not_offered_again(agent, action, answer):
    from cases.transitions.path import why_not

    options = [{"id": "a", "label": "Monday"}]
    case = case_in(State.IN_REVIEW, action=action, options=options if action != "reply" else [])
    case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    if answer == "reopen":
        payload = {"reason_code": "customer_feedback_negative"}
        case_transition(case=case, name=answer, actor=Actor.customer(), payload=payload)
    elif answer == "expire":
        case.confirmations.update(expires_at=timezone.now() - timedelta(minutes=1))
        case_transition(case=case, name=answer, actor=Actor.system())
    else:
        confirmation = case.confirmations.pending().get()
        case_transition(case=case, name=answer, actor=Actor.customer(confirmation))
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_REVIEW
    sent = "The AI's suggestion went to the customer already: take the case over and write anew."
    for name in ("approve", "amend"):
        with pytest.raises(TransitionConflict, match="went to the customer already"):
            case_transition(
                case=case, name=name, actor=Actor.staff(agent), payload=PAYLOAD.get(name)
            )
    assert why_not(Case.objects.get(pk=case.pk), agent) == [sent]
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    case_transition(case=case, name="reply", actor=Actor.staff(agent), payload=PAYLOAD["reply"])
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED


def test_reopen_refuses_an_unknown_reason_code(db):
    with pytest.raises(InvalidPayload):
        case_transition(
            case=case_in(State.RESOLVED),
            name="reopen",
            actor=Actor.customer(),
            payload={"reason_code": "because"},
        )
