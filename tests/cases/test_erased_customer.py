"""An erased customer's open cases are closed or taken over, never answered (issue 17).

Before, a case could be approved with the erased (empty) draft and resolved silently.
"""

import pytest
from django.urls import reverse

from cases.models import Message, State
from cases.transitions import Actor, TransitionError, case_transition
from customers.privacy import customer_erase
from tests.factories import case_in

pytestmark = pytest.mark.django_db

ERASED = (
    "The customer's personal data was erased: nothing is sent to them. Close the case or take "
    "it over."
)


def erased_case(state, supervisor, **kwargs):
    case = case_in(state, **kwargs)
    customer_erase(customer=case.customer, user=supervisor)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("name", "payload"), [("approve", {}), ("amend", {"reply": "Hello, all done."})]
)
def test_an_erased_customers_case_is_never_approved(agent, supervisor, name, payload):
    case = erased_case(State.IN_REVIEW, supervisor)
    with pytest.raises(TransitionError) as refused:
        case_transition(case=case, name=name, actor=Actor.staff(agent), payload=payload)
    assert refused.value.status == 409
    assert ERASED in refused.value.message
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not Message.objects.filter(case=case, direction="outbound").exists()


@pytest.mark.parametrize("name", ["reply", "reply_and_wait"])
def test_an_erased_customers_case_taken_over_is_never_replied_to(agent, supervisor, name):
    case = erased_case(State.IN_REVIEW, supervisor)
    case_transition(case=case, name="take_over", actor=Actor.staff(agent), payload={})
    with pytest.raises(TransitionError) as refused:
        case_transition(case=case, name=name, actor=Actor.staff(agent), payload={"text": "Hello"})
    assert ERASED in refused.value.message
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_PROGRESS, agent)


@pytest.mark.parametrize(
    "state", [State.IN_REVIEW, State.IN_PROGRESS, State.AWAITING_CUSTOMER, State.ESCALATED]
)
def test_an_erased_customers_open_case_can_be_closed(supervisor, state):
    case = erased_case(state, supervisor)
    event = case_transition(
        case=case, name="close", actor=Actor.staff(supervisor), payload={"comment": "erased"}
    )
    assert (event.from_state, event.to_state) == (state, State.CLOSED)
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.closed_at is not None


def test_an_open_case_of_a_customer_not_erased_is_not_closed(agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(TransitionError) as refused:
        case_transition(case=case, name="close", actor=Actor.staff(agent), payload={})
    assert refused.value.status == 409
    assert "only a resolved case, or an open one whose customer was erased" in (
        refused.value.message
    )


def test_the_case_page_offers_close_and_take_over_and_says_why_not_approve(
    client, agent, supervisor
):
    case = erased_case(State.IN_REVIEW, supervisor)
    client.force_login(agent)
    page = client.get(reverse("case-page", args=[case.reference])).content.decode()
    assert ERASED.replace("'", "&#x27;") in page
    assert reverse("case-action", args=[case.reference, "close"]) in page
    assert reverse("case-action", args=[case.reference, "take_over"]) in page
    assert reverse("case-action", args=[case.reference, "approve"]) not in page


def test_the_case_page_of_a_customer_not_erased_offers_no_close(client, agent):
    case = case_in(State.IN_REVIEW)
    client.force_login(agent)
    page = client.get(reverse("case-page", args=[case.reference])).content.decode()
    assert reverse("case-action", args=[case.reference, "close"]) not in page
    assert "personal data was erased" not in page


def test_the_case_page_of_an_erased_customer_is_staff_only(client, supervisor):
    case = erased_case(State.IN_REVIEW, supervisor)
    response = client.get(reverse("case-page", args=[case.reference]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
