"""A customer's decision on a confirmation link, turned into the case's transition."""

from cases.models import CaseEvent
from cases.transitions import Actor, InvalidPayload, case_record, case_transition
from customers.models import ConfirmationRequest

DECISIONS = {
    ConfirmationRequest.Kind.CHOOSE: {"accept", "decline", "human"},
    ConfirmationRequest.Kind.CONFIRM: {"accept", "decline", "human"},
    ConfirmationRequest.Kind.FEEDBACK: {"yes", "no", "human"},
}

HUMAN_COMMENT = "The customer asked to talk to a person."


def confirmation_decide(
    *, confirmation: ConfirmationRequest, decision: str, option: str = "", comment: str = ""
) -> CaseEvent:
    """Record the customer's decision through the one transition path; return its event."""
    if decision not in DECISIONS[confirmation.kind]:
        raise InvalidPayload("Choose one of the answers.", {"decision": ["Not an answer."]})
    actor = Actor.customer(confirmation)
    if decision == "human":
        comment = f"{HUMAN_COMMENT} {comment}".strip()
    if confirmation.kind != ConfirmationRequest.Kind.FEEDBACK:
        name = "customer_accept" if decision == "accept" else "customer_decline"
        payload = {"option": option, "comment": comment, "wants_human": decision == "human"}
        return case_transition(case=confirmation.case_id, name=name, actor=actor, payload=payload)
    if decision == "yes":
        # "It helped" keeps the case resolved; "it didn't" reopens it for a human.
        return case_record(
            case=confirmation.case_id,
            name="customer_feedback",
            actor=actor,
            payload={"comment": comment},
        )
    return case_transition(
        case=confirmation.case_id,
        name="reopen",
        actor=actor,
        payload={
            "reason_code": "customer_feedback_negative",
            "comment": comment,
            "wants_human": decision == "human",
        },
    )
