"""The core's own work for each transition and each recorded action, on the locked case.

A transition's handler calls its FSM method exactly once and does what belongs to the case
workflow: the reply, the question to the customer, timestamps, the customer's decision. What
other apps do on a transition (review items, training examples, emails to the customer) they
register as effects (`cases.transitions.effects`). The path records what the step reports.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.background import enqueue
from cases.blanks import blanks_in, fill, slot_label, slot_name
from cases.mentions import mentions_in
from cases.models import CUSTOMER, STAFF, SYSTEM, ActionKind, Attachment, Message, State
from cases.outbound import outbound_message
from cases.transitions.errors import InvalidPayload, TransitionConflict
from cases.transitions.forms import NoteForm, SlaBreachForm, TransitionForm
from cases.transitions.merge import MergedFromForm, handle_merge, handle_merged_from
from cases.transitions.step import Step
from cases.transitions.tagging import AssignForm, TagForm, handle_assign, handle_tag, handle_untag
from customers.models import ConfirmationRequest


def proposal_of(suggestion) -> dict:
    """What the AI proposes to send: the action, the reply, options or an adjustment."""
    return {
        "action": suggestion.action,
        "reply": suggestion.draft_reply,
        "options": suggestion.options,
        "adjustment": suggestion.adjustment,
    }


def carry_out(step: Step, proposal: dict, *, author: str) -> None:
    """Do what the approved proposal says: reply, or ask the customer to decide.

    Never with a blank in it: a `{placeholder}` left in the reply, an option or the adjustment
    refuses the transition, whoever asks (the AI's path routes such drafts to a person).
    """
    case = step.case
    texts = [proposal["reply"], *(o["label"] for o in proposal["options"] or [])]
    missing = blanks_in(*texts, *(proposal["adjustment"] or {}).values())
    if missing:
        names = ", ".join(slot_name(name) for name in missing)
        raise InvalidPayload(
            _("The text still has blanks to fill: %(names)s.") % {"names": names},
            {"slots": [slot_label(name) for name in missing]},
        )
    if proposal["action"] == ActionKind.REPLY:
        if case.state == State.RESOLVED:
            case.resolved_at = timezone.now()
        if proposal["reply"]:
            first_response(case)
            if case.state == State.RESOLVED:
                # The reply carries a "did this help?" link: the customer's feedback.
                step.issued = ConfirmationRequest.issue(
                    case=case, kind=ConfirmationRequest.Kind.FEEDBACK
                )
            # (a reply that waits asks nothing: the customer's answer reopens the case)
            message = outbound_message(case, proposal["reply"], author=author, user=step.actor.user)
            for item in proposal.get("attachments", ()):
                Attachment.store(message=message, item=item)
            step.event_data["message"] = message.pk
            step.on_commit(lambda: enqueue("cases.tasks.message_send", message.pk))
        return
    first_response(case)
    case.proposal_version += 1
    kind = ConfirmationRequest.Kind(proposal["action"])
    case.proposal = {
        "kind": kind.value,
        "options": proposal["options"],
        "adjustment": proposal["adjustment"],
        "text": proposal["reply"],
    }
    step.issued = ConfirmationRequest.issue(
        case=case,
        kind=kind,
        options=proposal["options"],
        adjustment=proposal["adjustment"],
        text=proposal["reply"],
    )
    step.event_data["confirmation"] = step.issued.pk
    step.event_data["proposal_version"] = case.proposal_version


def first_response(case) -> None:
    """The first reply or proposal to the customer: the SLA's first-response fact, once."""
    if case.first_responded_at is None:
        case.first_responded_at = timezone.now()


def handle_automate(step: Step) -> None:
    suggestion = step.case.current_suggestion
    step.case.automate()
    step.reason_codes = list(suggestion.reason_codes)
    carry_out(step, proposal_of(suggestion), author=Message.AuthorKind.AI)
    step.case.sent_suggestion_id = suggestion.pk  # sent once: never offered for approval again


def handle_route_to_review(step: Step) -> None:
    step.case.route_to_review()
    step.reason_codes = list(step.case.current_suggestion.reason_codes)


def proposal_changes(amendment: dict, suggestion) -> dict:
    """What of `amendment` differs from the AI's proposal (texts compared as a person reads)."""
    current = proposal_of(suggestion) | {
        "intent": suggestion.intent.slug if suggestion.intent else ""
    }

    def same(key, value) -> bool:
        if key == "reply":
            return value.strip() == (current["reply"] or "").strip()
        if key == "options":
            return [o["label"] for o in value] == [o["label"] for o in current["options"] or []]
        return value == current[key]

    return {key: value for key, value in amendment.items() if not same(key, value)}


def decision_settle(step: Step) -> None:
    """Approve what is on the screen: an unchanged proposal is an approve, a changed one an amend.

    The case page's composer posts the proposal as the person left it, and a changed text
    becomes an amend (a correction for the learning loop). Any other caller that approves with
    a different text is refused: it would send a text nobody believes they sent.
    """
    suggestion = step.case.current_suggestion
    if values := step.data.get("slots"):
        # The blanks the person filled fill what they approve: reply, options, adjustment.
        proposal = proposal_of(suggestion) | step.amendment
        step.amendment["reply"] = fill(proposal["reply"] or "", values)
        if proposal["options"]:
            step.amendment["options"] = [
                o | {"label": fill(o["label"], values)} for o in proposal["options"]
            ]
        if proposal["adjustment"]:
            step.amendment["adjustment"] = {
                k: fill(str(v), values) for k, v in proposal["adjustment"].items()
            }
    step.amendment = proposal_changes(step.amendment, suggestion)
    if step.name == "approve" and step.amendment:
        if not step.data.get("compose"):
            raise InvalidPayload(
                _(
                    "An approve sends the suggestion as it is, but this one changes "
                    "%(fields)s: send it as an amend."
                )
                % {"fields": ", ".join(sorted(step.amendment))},
                {field: [_("Differs from the suggestion: use amend.")] for field in step.amendment},
            )
        step.name = "amend"
    elif step.name == "amend" and not step.amendment:
        step.name = "approve"


def handle_approve(step: Step) -> None:
    """Approve (or amend): what goes out is the AI's proposal with the person's changes."""
    changes = {k: v for k, v in step.amendment.items() if k != "intent"}
    proposal = proposal_of(step.case.current_suggestion) | changes
    if proposal["action"] == ActionKind.MANUAL:
        raise InvalidPayload(
            _("A manual suggestion cannot be approved: take the case over, or amend the action."),
            {"action": ["Manual handling needs a person: take over."]},
        )
    if proposal["action"] == ActionKind.CHOOSE and not proposal["options"]:
        raise InvalidPayload(_("A choice needs options."), {"options": [_("Give options.")]})
    getattr(step.case, step.name)(action=proposal["action"])
    if step.amendment:
        step.event_data["amended"] = sorted(step.amendment)
    carry_out(step, proposal, author=Message.AuthorKind.AGENT)
    step.case.sent_suggestion_id = step.case.current_suggestion_id


def handle_take_over(step: Step) -> None:
    step.case.take_over(user=step.actor.user)
    step.event_data = {"assignee": step.actor.user.get_username()}


def handle_escalate(step: Step) -> None:
    step.case.escalate()
    step.reason_codes = ["escalated"]


def handle_reply(step: Step) -> None:
    getattr(step.case, step.name)()  # reply (and resolve), or reply_and_wait
    proposal = {
        "action": ActionKind.REPLY,
        "reply": step.data["text"],
        "options": [],
        "adjustment": {},
        "attachments": step.data.get("attachments", []),
    }
    carry_out(step, proposal, author=Message.AuthorKind.AGENT)


def handle_propose(step: Step) -> None:
    step.case.propose()
    proposal = {
        "action": ActionKind.CHOOSE if step.data.get("options") else ActionKind.CONFIRM,
        "reply": step.data.get("comment", ""),
        "options": step.data.get("options", []),
        "adjustment": step.data.get("adjustment", {}),
    }
    carry_out(step, proposal, author=Message.AuthorKind.AGENT)


def customer_confirmation(step: Step, kind=None) -> ConfirmationRequest:
    """The actor's confirmation must be this case's open one, for the current proposal; locked."""
    case, confirmation = step.case, step.actor.confirmation
    if (
        confirmation is None
        or confirmation.case_id != case.pk
        or (kind is None and confirmation.proposal_version != case.proposal_version)
        or (kind is not None and confirmation.kind != kind)
    ):
        raise TransitionConflict(_("This link is no longer valid for the case's current proposal."))
    locked = ConfirmationRequest.objects.select_for_update().get(pk=confirmation.pk)
    if not locked.is_open:
        if kind == ConfirmationRequest.Kind.FEEDBACK:
            raise TransitionConflict(_("This question has been answered already."))
        raise TransitionConflict(_("This link is no longer valid for the case's current proposal."))
    return locked


def settle(step: Step, confirmation: ConfirmationRequest, status: str, outcome: dict) -> None:
    confirmation.status = status
    confirmation.outcome = outcome
    confirmation.decided_at = timezone.now()
    confirmation.save(update_fields=["status", "outcome", "decided_at"])
    step.settled = confirmation


def handle_customer_accept(step: Step) -> None:
    confirmation = customer_confirmation(step)
    outcome = {"accepted": True, "comment": step.data.get("comment", "")}
    if confirmation.kind == ConfirmationRequest.Kind.CHOOSE:
        if step.data.get("option") not in confirmation.option_ids():
            raise InvalidPayload(
                _("Choose one of the offered options."), {"option": [_("Not offered.")]}
            )
        outcome["option"] = next(
            o for o in confirmation.options if str(o["id"]) == step.data["option"]
        )
    else:
        outcome["adjustment"] = confirmation.adjustment
    step.case.customer_accept()
    step.case.outcome = outcome
    step.case.resolved_at = timezone.now()
    settle(step, confirmation, ConfirmationRequest.Status.ACCEPTED, outcome)
    step.event_data = outcome


def handle_customer_decline(step: Step) -> None:
    confirmation = customer_confirmation(step)
    outcome = {"accepted": False, "comment": step.data.get("comment", "")}
    step.reason_codes = ["customer_declined"]
    if step.data.get("wants_human"):
        outcome["wants_human"] = True
        step.reason_codes.append("customer_asked_for_human")
    step.case.customer_decline()
    settle(step, confirmation, ConfirmationRequest.Status.DECLINED, outcome)
    step.event_data = outcome


def handle_expire(step: Step) -> None:
    step.case.expire()
    step.case.confirmations.pending().update(status=ConfirmationRequest.Status.EXPIRED)
    step.reason_codes = ["customer_no_answer"]


def handle_reopen(step: Step) -> None:
    if step.actor.confirmation is not None:
        # "It did not help": the feedback question is answered by this very reopening.
        confirmation = customer_confirmation(step, kind=ConfirmationRequest.Kind.FEEDBACK)
        outcome = {"helped": False, "comment": step.data.get("comment", "")}
        settle(step, confirmation, ConfirmationRequest.Status.DECLINED, outcome)
    step.case.reopen()
    # A pending question is moot once the customer writes: the old link must not decide.
    step.case.confirmations.pending().update(status=ConfirmationRequest.Status.SUPERSEDED)
    step.case.resolved_at = None
    step.reason_codes = [step.data["reason_code"]]
    if step.data.get("wants_human"):
        step.reason_codes.append("customer_asked_for_human")


def handle_close(step: Step) -> None:
    step.case.close()
    step.case.closed_at = timezone.now()
    # An unanswered "did it help?" lapses with the case: a closed case cannot reopen.
    step.case.confirmations.pending().update(status=ConfirmationRequest.Status.EXPIRED)


HANDLERS: dict[str, Callable[[Step], None]] = {
    "automate": handle_automate,
    "route_to_review": handle_route_to_review,
    "approve": handle_approve,
    "amend": handle_approve,
    "take_over": handle_take_over,
    "escalate": handle_escalate,
    "reply": handle_reply,
    "reply_and_wait": handle_reply,
    "propose": handle_propose,
    "customer_accept": handle_customer_accept,
    "customer_decline": handle_customer_decline,
    "expire": handle_expire,
    "reopen": handle_reopen,
    "close": handle_close,
    "merge": handle_merge,
}


# Recorded actions: what happens to a case without moving it, through the same locked path.


def handle_note(step: Step) -> None:
    step.comment = step.data["note"]
    if mentioned := mentions_in(step.comment, author=step.actor.user):
        step.event_data["mentions"] = mentioned  # notified from the event (cases.notifications)


def handle_sla_breached(step: Step) -> None:
    """Once per target: a second run (or a second worker) finds the event on the locked case."""
    target = step.data["target"]
    if step.case.events.filter(name="sla_breached", data__target=target).exists():
        raise TransitionConflict(_("This breach is recorded already."))
    step.event_data = {"target": target}


def handle_claim(step: Step) -> None:
    """Assign an unassigned case to the actor; two agents can't both win (the row is locked)."""
    assignee = step.case.assignee
    if assignee is not None and assignee.pk != step.actor.user.pk:
        name = assignee.get_full_name() or assignee.get_username()
        raise TransitionConflict(_("Already assigned to %(name)s.") % {"name": name})
    step.case.assign(step.actor.user)
    step.event_data = {"assignee": step.actor.user.get_username()}


def handle_customer_feedback(step: Step) -> None:
    """The customer says it helped: the question is answered, the case stays resolved."""
    confirmation = customer_confirmation(step, kind=ConfirmationRequest.Kind.FEEDBACK)
    outcome = {"helped": True, "comment": step.data.get("comment", "")}
    settle(step, confirmation, ConfirmationRequest.Status.ACCEPTED, outcome)
    step.event_data = outcome


def handle_recorded(step: Step) -> None:
    """An event the caller describes in full (a message arrived, a mail was released)."""
    step.event_data = dict(step.data)


@dataclass(frozen=True)
class Action:
    """A recorded action: who may take it, what it takes, and whether it names the AI's
    suggestion in force (its model and policy version go into the event)."""

    by: frozenset
    handler: Callable[[Step], None]
    form: type | None = None
    event_name: str = ""
    names_suggestion: bool = False


ACTIONS: dict[str, Action] = {
    "note": Action(by=frozenset({STAFF}), handler=handle_note, form=NoteForm),
    "claim": Action(
        by=frozenset({STAFF}), handler=handle_claim, form=TransitionForm, event_name="assigned"
    ),
    "customer_feedback": Action(
        by=frozenset({CUSTOMER}),
        handler=handle_customer_feedback,
        form=TransitionForm,
        names_suggestion=True,
    ),
    # Described by the core's own intake: the payload is the event's data as it is.
    "message_received": Action(by=frozenset({CUSTOMER, SYSTEM}), handler=handle_recorded),
    "email_released": Action(by=frozenset({STAFF}), handler=handle_recorded),
    "delivery_failed": Action(by=frozenset({SYSTEM}), handler=handle_recorded),
    "sla_breached": Action(by=frozenset({SYSTEM}), handler=handle_sla_breached, form=SlaBreachForm),
    # Organising cases (docs/bulk.md): tags, assignment to a colleague, the kept side of a merge.
    "tag": Action(by=frozenset({STAFF}), handler=handle_tag, form=TagForm, event_name="tagged"),
    "untag": Action(
        by=frozenset({STAFF}), handler=handle_untag, form=TagForm, event_name="untagged"
    ),
    "assign": Action(
        by=frozenset({STAFF}), handler=handle_assign, form=AssignForm, event_name="assigned"
    ),
    "merged_from": Action(by=frozenset({STAFF}), handler=handle_merged_from, form=MergedFromForm),
}
