"""What the AI's side does when a case moves: review items, approvals, training examples.

Registered with the core's transition path (`cases.transitions.effects`) from
`ReviewConfig.ready()`; each effect runs on the locked case inside the transition's
transaction, so a refused or rolled-back transition leaves none of it behind.
"""

from django.utils import timezone
from django.utils.translation import get_language

from cases.background import enqueue
from cases.models import State
from cases.transitions import effects
from cases.transitions.fields import INTENTS
from cases.transitions.step import Step
from review.models import Intent, ReviewItem, TrainingExample

Source, Verdict = TrainingExample.Source, TrainingExample.Verdict


def intent_choices() -> list[tuple[str, str]]:
    """The intents by slug, named in the reader's language (`Intent.display_name`)."""
    german = get_language() == "de"
    rows = Intent.objects.values_list("slug", "name", "name_de")
    return sorted(
        ((slug, name_de if german and name_de else name) for slug, name, name_de in rows),
        key=lambda choice: choice[1].casefold(),
    )


def connect() -> None:
    """Offer the intents to the amend form (the effects below register on import)."""
    INTENTS.provide(intent_choices)


@effects.before.register("approve", "amend")
def approval_record(step: Step) -> None:
    """Record this person's approval; the last amendment by either pair of eyes goes out.

    With four eyes, the first approval holds the transition: the case waits for a second
    person, and the event says so.
    """
    suggestion = step.case.current_suggestion
    amendment = step.amendment
    if "intent" in amendment and "action" not in amendment:
        amendment["action"] = Intent.objects.get(slug=amendment["intent"]).action
    suggestion.approvals.update_or_create(user=step.actor.user, defaults={"payload": amendment})
    if suggestion.approvals.count() < suggestion.approvals_needed:
        step.hold("approval_recorded", **{"for": step.name, "four_eyes": True})
        return
    step.amendment = next(
        (a.payload for a in suggestion.approvals.order_by("-created_at") if a.payload), {}
    )


@effects.after.register("approve", "amend")
def approval_learn(step: Step) -> None:
    suggestion = step.case.current_suggestion
    review_decide(step, "amended" if step.amendment else "approved")
    slug = step.amendment.get("intent")
    intent = Intent.objects.get(slug=slug) if slug else suggestion.intent
    if intent is not None:
        corrected = suggestion.intent_id != intent.pk
        learn(
            step,
            intent,
            source=Source.AGENT_AMEND if step.amendment else Source.AGENT_APPROVE,
            verdict=Verdict.CORRECTED if corrected else Verdict.CONFIRMED,
        )


@effects.after.register("take_over")
def take_over_learn(step: Step) -> None:
    review_decide(step, "taken_over")
    learn(step, source=Source.AGENT_TAKE_OVER, verdict=Verdict.REJECTED)


@effects.after.register("escalate")
def escalation_review(step: Step) -> None:
    previous = ReviewItem.objects.open().filter(case=step.case).first()
    codes = list(previous.reason_codes) if previous else []
    review_decide(step, "escalated")
    review_open(step, [*codes, "escalated"] if "escalated" not in codes else codes)


@effects.after.register("route_to_review", "customer_decline", "expire", "reopen")
def needs_review(step: Step) -> None:
    review_open(step, step.reason_codes)


@effects.after.register("merge")
def merge_review(step: Step) -> None:
    """A merged duplicate needs nobody's review any more: its messages live on the kept case."""
    review_decide(step, "merged")


@effects.after.register("customer_accept")
def customer_accept_learn(step: Step) -> None:
    learn(step, source=Source.CUSTOMER_ACCEPT, verdict=Verdict.CONFIRMED)


@effects.after.register("customer_decline")
def customer_decline_learn(step: Step) -> None:
    learn(step, source=Source.CUSTOMER_DECLINE, verdict=Verdict.REJECTED)


@effects.after.register("customer_feedback", "reopen")
def feedback_learn(step: Step) -> None:
    """The customer's answer to "did this help?" (reopen: it did not, by the link)."""
    if step.settled is None:
        return  # reopened by a message, not by the feedback link
    helped = step.name == "customer_feedback"
    learn(
        step,
        source=Source.CUSTOMER_FEEDBACK,
        verdict=Verdict.CONFIRMED if helped else Verdict.REJECTED,
    )


@effects.after.register("claim", "assign")
def review_claim(step: Step) -> None:
    """Claiming a case (or assigning it to a colleague) claims its open review item for the
    assignee: one owner, "assigned to"."""
    ReviewItem.objects.open().filter(case=step.case).update(
        status=ReviewItem.Status.CLAIMED, claimed_by=step.case.assignee, claimed_at=timezone.now()
    )


@effects.after.register("message_received")
def suggest_new_case(step: Step) -> None:
    """A new case's first message: the suggestion job reads it after the commit."""
    if step.case.state == State.NEW:
        pk = step.case.pk
        step.on_commit(lambda: enqueue("review.tasks.suggest_case", pk))


def review_open(step: Step, reason_codes: list[str]) -> ReviewItem:
    case = step.case
    ReviewItem.objects.open().filter(case=case).update(
        status=ReviewItem.Status.DECIDED, decision="superseded", decided_at=timezone.now()
    )
    return ReviewItem.objects.create(
        case=case, suggestion=case.current_suggestion, reason_codes=reason_codes
    )


def review_decide(step: Step, decision: str) -> None:
    ReviewItem.objects.open().filter(case=step.case).update(
        status=ReviewItem.Status.DECIDED,
        decision=decision,
        decided_by=step.actor.user,
        decided_at=timezone.now(),
    )


def learn(step: Step, intent=None, *, source: str, verdict: str) -> None:
    """A training example from the suggestion's message, labelled by what the person decided."""
    case, suggestion = step.case, step.case.current_suggestion
    intent = intent or (suggestion.intent if suggestion else None)
    if suggestion is None or intent is None:
        return
    message = suggestion.message
    if message is None or not message.text_for_engine:
        return
    TrainingExample.objects.create(
        text=message.text_for_engine,
        language=message.language or case.language,
        intent=intent,
        source=source,
        verdict=verdict,
        weight=TrainingExample.weight_for(source, verdict),
        case=case,
        suggestion=suggestion,
        predicted_intent=suggestion.intent,
        created_by=step.actor.user,
    )
