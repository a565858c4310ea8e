"""A customer's decision on a confirmation link, turned into the case's transition."""

from django.db import transaction
from django.utils import timezone

from cases.models import ActorKind, CaseEvent
from cases.services import Actor, InvalidPayload, TransitionConflict, case_transition, learn
from customers.models import ConfirmationRequest
from review.models import TrainingExample

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
    case = confirmation.case
    if decision == "human":
        comment = f"{HUMAN_COMMENT} {comment}".strip()
    if confirmation.kind != ConfirmationRequest.Kind.FEEDBACK:
        name = "customer_accept" if decision == "accept" else "customer_decline"
        payload = {"option": option, "comment": comment, "wants_human": decision == "human"}
        return case_transition(case=case, name=name, actor=actor, payload=payload)
    return feedback_record(
        confirmation=confirmation,
        helped=decision == "yes",
        comment=comment,
        wants_human=decision == "human",
    )


def feedback_record(*, confirmation, helped: bool, comment: str, wants_human: bool) -> CaseEvent:
    """ "It helped" keeps the case resolved; "it didn't" reopens it for a human."""
    with transaction.atomic():
        locked = ConfirmationRequest.objects.select_for_update().get(pk=confirmation.pk)
        if not locked.is_open:
            raise TransitionConflict("This question has been answered already.")
        outcome = {"helped": helped, "comment": comment}
        locked.status = (
            ConfirmationRequest.Status.ACCEPTED if helped else ConfirmationRequest.Status.DECLINED
        )
        locked.outcome = outcome
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "outcome", "decided_at"])
        case = locked.case
        suggestion = case.current_suggestion
        if suggestion is not None and suggestion.intent is not None:
            learn(
                case,
                suggestion,
                suggestion.intent,
                source=TrainingExample.Source.CUSTOMER_FEEDBACK,
                verdict=(
                    TrainingExample.Verdict.CONFIRMED
                    if helped
                    else TrainingExample.Verdict.REJECTED
                ),
            )
        if helped:
            return CaseEvent.objects.create(
                case=case,
                name="customer_feedback",
                from_state=case.state,
                to_state=case.state,
                actor_kind=ActorKind.CUSTOMER,
                confirmation=locked,
                suggestion=suggestion,
                model_version=suggestion.model_label if suggestion else "",
                policy_version=suggestion.policy_version if suggestion else None,
                comment=comment,
                data=outcome,
            )
        return case_transition(
            case=case,
            name="reopen",
            actor=Actor.customer(locked),
            payload={
                "reason_code": "customer_feedback_negative",
                "comment": comment,
                "wants_human": wants_human,
            },
        )
