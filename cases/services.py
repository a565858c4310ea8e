"""The one path that changes a case's state, and message intake.

Everything that moves a case (the suggestion job, the API, the admin, the customer pages,
scheduled jobs) calls `case_transition`. It locks the row, re-checks who may act and the guard
on the locked row, runs the transition, saves, writes exactly one `CaseEvent` and registers side
effects for after the commit. A lost race is a `TransitionConflict`, never a double effect.
"""

import copy
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from cases.models import (
    CUSTOMER,
    STAFF,
    SYSTEM,
    TRANSITION_NAMES,
    ActionKind,
    ActorKind,
    Attachment,
    Case,
    CaseEvent,
    Message,
    State,
)
from cases.webhooks import record_case_event
from customers.models import ConfirmationRequest, Customer, EmailOutbox, sender_domain
from review.models import Approval, Intent, ReviewItem, TrainingExample


class TransitionError(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidPayload(TransitionError):
    status = 400


class TransitionForbidden(TransitionError):
    status = 403


class UnknownTransition(TransitionError):
    status = 404


class TransitionConflict(TransitionError):
    status = 409


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None
    confirmation: ConfirmationRequest | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    @classmethod
    def ai(cls) -> "Actor":
        return cls(ActorKind.AI)

    @classmethod
    def staff(cls, user) -> "Actor":
        supervisor = user.has_perm("cases.handle_escalated")
        return cls(ActorKind.SUPERVISOR if supervisor else ActorKind.AGENT, user=user)

    @classmethod
    def customer(cls, confirmation: ConfirmationRequest | None = None) -> "Actor":
        return cls(ActorKind.CUSTOMER, confirmation=confirmation)

    @property
    def role(self) -> str:
        if self.kind in (ActorKind.AGENT, ActorKind.SUPERVISOR):
            return STAFF
        if self.kind == ActorKind.CUSTOMER:
            return CUSTOMER
        return SYSTEM


@dataclass
class Outcome:
    """What a transition handler reports back to the path, for the event and after commit."""

    reason_codes: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    event_name: str = ""
    after_commit: list[Callable[[], None]] = field(default_factory=list)


# The locked case's related rows the handlers, the event and the workspace's re-rendered panel
# read (`cases.views.after_action` renders the saved case as it is): one query instead of four.
LOCKED_RELATED = (
    "customer",
    "assignee",
    "current_suggestion__intent",
    "current_suggestion__message",
)


def case_transition(
    *,
    case: Case | int | None = None,
    reference: str = "",
    name: str,
    actor: Actor,
    payload=None,
) -> CaseEvent:
    """Run transition `name` on the case for `actor`; return the one event it wrote.

    The case is given as an instance or a pk (`case`), or by its `reference`: the workspace
    posts references, and looking the case up first would read it twice. An unknown case is
    `Case.DoesNotExist`. The event's `case` is the locked instance as saved.
    """
    if name not in TRANSITION_NAMES:
        raise UnknownTransition(_("There is no transition called %(name)s.") % {"name": name})
    data = clean_payload(name, payload)
    if reference:
        lookup = {"reference": reference}
    else:
        lookup = {"pk": case.pk if isinstance(case, Case) else case}
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related(*LOCKED_RELATED)
            .get(**lookup)
        )
        method = getattr(locked, name)
        meta = method._django_fsm
        if actor.role not in meta.transitions[next(iter(meta.transitions))].custom["by"]:
            raise TransitionForbidden(
                _("%(name)s is not available to %(role)s actors.")
                % {"name": name, "role": actor.role}
            )
        if actor.role == STAFF and not actor.user.has_perm("cases.work_case"):
            raise TransitionForbidden(_("You may not work cases."))
        expected = data.get("expected_state")
        if (expected and expected != locked.state) or not meta.has_transition(locked.state):
            raise conflict(locked, name)
        if actor.role == STAFF and not meta.has_transition_perm(locked, locked.state, actor.user):
            raise TransitionForbidden(denial_reason(locked, name, actor.user))
        if not meta.conditions_met(locked, locked.state):
            raise TransitionConflict(
                _("%(name)s is not possible now: %(why)s.")
                % {"name": name, "why": unmet_guard(locked, name)}
            )
        from_state = locked.state
        before = field_values(locked)
        outcome = HANDLERS[name](locked, actor, data)
        locked.save(update_fields=changed_fields(before, locked))
        suggestion = locked.current_suggestion
        event = CaseEvent.objects.create(
            case=locked,
            name=outcome.event_name or name,
            from_state=from_state,
            to_state=locked.state,
            actor_kind=actor.kind,
            actor_user=actor.user,
            confirmation=actor.confirmation,
            suggestion=suggestion,
            model_version=suggestion.model_label if suggestion else "",
            policy_version=suggestion.policy_version if suggestion else None,
            reason_codes=outcome.reason_codes,
            comment=data.get("comment", "") or data.get("reason", ""),
            data=outcome.data,
        )
        record_case_event(event)  # webhook outbox rows, in this transaction
        for effect in outcome.after_commit:
            transaction.on_commit(effect, robust=True)
    return event


def field_values(case: Case) -> dict:
    """The case's column values, JSON ones copied (a handler might change them in place)."""
    values = {}
    for f in Case._meta.concrete_fields:
        value = f.value_from_object(case)
        values[f.name] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return values


def changed_fields(before: dict, case: Case) -> list[str]:
    """What the save writes: every column the handler changed, compared, not listed by hand.

    Handlers set fields in several places (the FSM method: state and `assignee`; `carry_out`:
    `proposal`, `proposal_version`, `resolved_at`; the handlers: `outcome`, `resolved_at`,
    `closed_at`), and a field missing from a hand-kept list would be lost without an error.
    `updated_at` is always written, as the full save did (also for a first approval of four
    eyes, which changes nothing else). ConcurrentTransitionMixin's `WHERE state = …` applies
    to this save as to any other.
    """
    changed = [
        f.name
        for f in Case._meta.concrete_fields
        if not f.primary_key and f.value_from_object(case) != before[f.name]
    ]
    return [*changed, "updated_at"] if "updated_at" not in changed else changed


def conflict(case: Case, name: str) -> TransitionConflict:
    """Say who got there first, in words an agent understands."""
    last = case.events.filter(to_state=case.state).select_related("actor_user").last()
    if last is None:
        return TransitionConflict(
            _("%(name)s is not possible while the case is %(state)s.")
            % {"name": name, "state": case.get_state_display()}
        )
    when = date_format(timezone.localtime(last.created_at), "H:i")
    return TransitionConflict(
        _("Already handled by %(actor)s at %(time)s: the case is now %(state)s.")
        % {"actor": last.actor_display, "time": when, "state": case.get_state_display()},
        errors={"state": case.state, "handled_by": last.actor_display},
    )


def unmet_guard(case: Case, name: str) -> str:
    if name in ("approve", "amend", "route_to_review", "automate") and not case.has_suggestion():
        return _("there is no suggestion yet")
    if name == "automate":
        return (
            "the suggestion needs a human (" + ", ".join(case.current_suggestion.reason_codes) + ")"
        )
    if name == "route_to_review":
        return _("the suggestion may be automated")
    if name in ("customer_accept", "customer_decline"):
        return _("there is no open confirmation for the current proposal")
    if name == "expire":
        return _("the customer's deadline has not passed")
    return _("its guard is not met")


def denial_reason(case: Case, name: str, user) -> str:
    if case.state == State.ESCALATED and not user.has_perm("cases.handle_escalated"):
        return _("Escalated cases are decided by a supervisor.")
    suggestion = case.current_suggestion
    if name in ("approve", "amend") and suggestion is not None:
        if suggestion.risk_class == "legal" and not user.has_perm("cases.decide_legal"):
            return _("A suggestion with legal risk needs a supervisor.")
        if suggestion.four_eyes and suggestion.approvals.filter(user=user).exists():
            return _("You approved already; four eyes need a second person.")
    return _("You may not %(action)s this case.") % {"action": name.replace("_", " ")}


# Payloads: validated before any lock is taken; errors name the field.

MAX_TEXT = 20_000
SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(data: dict, key: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidPayload(
            _("%(field)s must be text.") % {"field": key}, {key: [_("Must be text.")]}
        )
    value = value.strip()
    if "\x00" in value:
        raise InvalidPayload(
            _("%(field)s contains NUL characters.") % {"field": key},
            {key: [_("NUL is not allowed.")]},
        )
    if SURROGATE.search(value):
        # JSON's \uXXXX escapes can carry lone surrogates, which no database stores as text.
        raise InvalidPayload(
            _("%(field)s is not valid Unicode.") % {"field": key}, {key: [_("Not valid Unicode.")]}
        )
    if len(value) > limit:
        raise InvalidPayload(
            _("%(field)s is too long.") % {"field": key},
            {key: [_("At most %(limit)d characters.") % {"limit": limit}]},
        )
    if required and not value:
        raise InvalidPayload(
            _("%(field)s is required.") % {"field": key}, {key: [_("This field is required.")]}
        )
    return value


def clean_options(value) -> list[dict]:
    if not isinstance(value, list) or not 1 <= len(value) <= 10:
        raise InvalidPayload("options must be a list of 1 to 10.", {"options": ["1 to 10 items."]})
    options = []
    for index, item in enumerate(value, start=1):
        if isinstance(item, str):
            item = {"id": str(index), "label": item}
        if not isinstance(item, dict) or not str(item.get("label", "")).strip():
            raise InvalidPayload("Each option needs a label.", {"options": ["Needs a label."]})
        label = clean_text({"options": str(item["label"])}, "options", required=True, limit=200)
        options.append({"id": str(item.get("id") or index)[:40], "label": label})
    if len({option["id"] for option in options}) != len(options):
        raise InvalidPayload("Option ids must be distinct.", {"options": ["Duplicate id."]})
    return options


def clean_adjustment(value) -> dict:
    if not isinstance(value, dict) or not value:
        raise InvalidPayload(
            "adjustment must be an object.", {"adjustment": ["Must be an object."]}
        )
    return {
        clean_text({"adjustment": str(k)}, "adjustment", limit=40): clean_text(
            {"adjustment": str(v)}, "adjustment", limit=1000
        )
        for k, v in value.items()
    }


def clean_payload(name: str, payload) -> dict:
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidPayload("The payload must be a JSON object.")
    data = {"comment": clean_text(payload, "comment")}
    if payload.get("expected_state"):
        data["expected_state"] = clean_text(payload, "expected_state", limit=20)
    if "suggestion" in payload and payload["suggestion"] not in (None, ""):
        try:
            data["suggestion"] = int(payload["suggestion"])
        except (TypeError, ValueError):
            raise InvalidPayload(
                "suggestion must be an id.", {"suggestion": ["Not an id."]}
            ) from None
    if name == "escalate":
        data["reason"] = clean_text(payload, "reason", required=True, limit=2000)
    elif name == "reply":
        data["text"] = clean_text(payload, "text", required=True)
    elif name == "propose":
        if payload.get("options"):
            data["options"] = clean_options(payload["options"])
        elif payload.get("adjustment"):
            data["adjustment"] = clean_adjustment(payload["adjustment"])
        else:
            raise InvalidPayload(
                _("A proposal needs options or an adjustment."),
                {"options": ["Give options or an adjustment."]},
            )
    elif name == "amend":
        data.update(clean_amendment(payload))
    elif name == "customer_accept":
        data["option"] = clean_text(payload, "option", limit=40)
    if name in ("customer_decline", "reopen") and payload.get("wants_human"):
        data["wants_human"] = True
    if name == "reopen":
        data["reason_code"] = payload.get("reason_code") or "customer_replied"
        if data["reason_code"] not in ("customer_replied", "customer_feedback_negative"):
            raise InvalidPayload("Unknown reason code.", {"reason_code": ["Unknown."]})
    return data


def clean_amendment(payload: dict) -> dict:
    amendment = {}
    if payload.get("intent"):
        slug = clean_text(payload, "intent", limit=60)
        intent = Intent.objects.filter(slug=slug).first()
        if intent is None:
            raise InvalidPayload("Unknown intent.", {"intent": [f"No intent {slug!r}."]})
        amendment["intent"] = intent
    if payload.get("action"):
        if payload["action"] not in ActionKind.values:
            raise InvalidPayload("Unknown action.", {"action": ["Unknown action."]})
        amendment["action"] = payload["action"]
    if payload.get("reply"):
        amendment["reply"] = clean_text(payload, "reply", required=True)
    if payload.get("options"):
        amendment["options"] = clean_options(payload["options"])
    if payload.get("adjustment"):
        amendment["adjustment"] = clean_adjustment(payload["adjustment"])
    if not amendment:
        raise InvalidPayload(
            _("An amendment changes the intent, action, reply, options or adjustment."),
            {"reply": ["Change at least one thing, or approve instead."]},
        )
    return amendment


# Handlers: run inside the path's lock; each calls its FSM method exactly once (or, for the
# first of four eyes, not at all) and reports what to record.


def handle_automate(case: Case, actor: Actor, data: dict) -> Outcome:
    suggestion = case.current_suggestion
    case.automate()
    outcome = Outcome(reason_codes=suggestion.reason_codes)
    carry_out(case, outcome, proposal_of(suggestion), author=Message.AuthorKind.AI)
    return outcome


def handle_route_to_review(case: Case, actor: Actor, data: dict) -> Outcome:
    suggestion = case.current_suggestion
    case.route_to_review()
    open_review(case, suggestion.reason_codes)
    return Outcome(reason_codes=suggestion.reason_codes)


def handle_approve(case: Case, actor: Actor, data: dict, amendment: dict | None = None) -> Outcome:
    suggestion = case.current_suggestion
    if data.get("suggestion") and data["suggestion"] != suggestion.pk:
        raise TransitionConflict(_("The suggestion changed since you looked; review the new one."))
    name = "amend" if amendment else "approve"
    Approval.objects.update_or_create(
        suggestion=suggestion, user=actor.user, defaults={"payload": serialise(amendment or {})}
    )
    if suggestion.approvals.count() < suggestion.approvals_needed:
        return Outcome(event_name="approval_recorded", data={"for": name, "four_eyes": True})
    # The last amendment recorded (by either pair of eyes) is what goes out.
    amended = next(
        (a.payload for a in suggestion.approvals.order_by("-created_at") if a.payload), {}
    )
    proposal = proposal_of(suggestion) | deserialise(amended)
    if proposal["action"] == ActionKind.MANUAL:
        raise InvalidPayload(
            _("A manual suggestion cannot be approved: take the case over, or amend the action."),
            {"action": ["Manual handling needs a person: take over."]},
        )
    if proposal["action"] == ActionKind.CHOOSE and not proposal["options"]:
        raise InvalidPayload(_("A choice needs options."), {"options": [_("Give options.")]})
    getattr(case, name)(action=proposal["action"])
    outcome = Outcome(data={"amended": sorted(amended)} if amended else {})
    carry_out(case, outcome, proposal, author=Message.AuthorKind.AGENT, user=actor.user)
    decide_review(case, actor, "amended" if amended else "approved")
    intent = proposal["intent"] or suggestion.intent
    if intent is not None:
        corrected = suggestion.intent_id != intent.pk
        learn(
            case,
            suggestion,
            intent,
            source=TrainingExample.Source.AGENT_AMEND
            if amended
            else TrainingExample.Source.AGENT_APPROVE,
            verdict=TrainingExample.Verdict.CORRECTED
            if corrected
            else TrainingExample.Verdict.CONFIRMED,
            user=actor.user,
        )
    return outcome


def handle_amend(case: Case, actor: Actor, data: dict) -> Outcome:
    amendment = {
        k: data[k] for k in ("intent", "action", "reply", "options", "adjustment") if k in data
    }
    if "intent" in amendment and "action" not in amendment:
        amendment["action"] = amendment["intent"].action
    return handle_approve(case, actor, data, amendment=amendment)


def handle_take_over(case: Case, actor: Actor, data: dict) -> Outcome:
    case.take_over(user=actor.user)
    decide_review(case, actor, "taken_over")
    suggestion = case.current_suggestion
    if suggestion is not None and suggestion.intent is not None:
        learn(
            case,
            suggestion,
            suggestion.intent,
            source=TrainingExample.Source.AGENT_TAKE_OVER,
            verdict=TrainingExample.Verdict.REJECTED,
            user=actor.user,
        )
    return Outcome(data={"assignee": actor.user.get_username()})


def handle_escalate(case: Case, actor: Actor, data: dict) -> Outcome:
    previous = ReviewItem.objects.open().filter(case=case).first()
    codes = list(previous.reason_codes) if previous else []
    decide_review(case, actor, "escalated")
    case.escalate()
    open_review(case, [*codes, "escalated"] if "escalated" not in codes else codes)
    return Outcome(reason_codes=["escalated"])


def handle_reply(case: Case, actor: Actor, data: dict) -> Outcome:
    case.reply()
    outcome = Outcome()
    proposal = {
        "intent": None,
        "action": ActionKind.REPLY,
        "reply": data["text"],
        "options": [],
        "adjustment": {},
    }
    carry_out(case, outcome, proposal, author=Message.AuthorKind.AGENT, user=actor.user)
    return outcome


def handle_propose(case: Case, actor: Actor, data: dict) -> Outcome:
    case.propose()
    action = ActionKind.CHOOSE if data.get("options") else ActionKind.CONFIRM
    proposal = {
        "intent": None,
        "action": action,
        "reply": data.get("comment", ""),
        "options": data.get("options", []),
        "adjustment": data.get("adjustment", {}),
    }
    outcome = Outcome()
    carry_out(case, outcome, proposal, author=Message.AuthorKind.AGENT, user=actor.user)
    return outcome


def customer_confirmation(case: Case, actor: Actor) -> ConfirmationRequest:
    """The actor's confirmation must be this case's open one, for the current proposal."""
    confirmation = actor.confirmation
    if (
        confirmation is None
        or confirmation.case_id != case.pk
        or confirmation.proposal_version != case.proposal_version
        or not ConfirmationRequest.objects.open().filter(pk=confirmation.pk).exists()
    ):
        raise TransitionConflict(_("This link is no longer valid for the case's current proposal."))
    return ConfirmationRequest.objects.select_for_update().get(pk=confirmation.pk)


def handle_customer_accept(case: Case, actor: Actor, data: dict) -> Outcome:
    confirmation = customer_confirmation(case, actor)
    outcome_data = {"accepted": True, "comment": data.get("comment", "")}
    if confirmation.kind == ConfirmationRequest.Kind.CHOOSE:
        if data.get("option") not in confirmation.option_ids():
            raise InvalidPayload(
                _("Choose one of the offered options."), {"option": [_("Not offered.")]}
            )
        chosen = next(o for o in confirmation.options if str(o["id"]) == data["option"])
        outcome_data["option"] = chosen
    else:
        outcome_data["adjustment"] = confirmation.adjustment
    case.customer_accept()
    case.outcome = outcome_data
    case.resolved_at = timezone.now()
    settle(confirmation, ConfirmationRequest.Status.ACCEPTED, outcome_data)
    suggestion = case.current_suggestion
    if suggestion is not None and suggestion.intent is not None:
        learn(
            case,
            suggestion,
            suggestion.intent,
            source=TrainingExample.Source.CUSTOMER_ACCEPT,
            verdict=TrainingExample.Verdict.CONFIRMED,
        )
    outcome = Outcome(data=outcome_data)
    email_customer(outcome, confirmation, EmailOutbox.Kind.DECIDED)
    outcome.after_commit.append(lambda: announce_decision(case, confirmation, outcome_data))
    return outcome


def handle_customer_decline(case: Case, actor: Actor, data: dict) -> Outcome:
    confirmation = customer_confirmation(case, actor)
    outcome_data = {"accepted": False, "comment": data.get("comment", "")}
    reasons = ["customer_declined"]
    if data.get("wants_human"):
        outcome_data["wants_human"] = True
        reasons.append("customer_asked_for_human")
    case.customer_decline()
    settle(confirmation, ConfirmationRequest.Status.DECLINED, outcome_data)
    open_review(case, reasons)
    suggestion = case.current_suggestion
    if suggestion is not None and suggestion.intent is not None:
        learn(
            case,
            suggestion,
            suggestion.intent,
            source=TrainingExample.Source.CUSTOMER_DECLINE,
            verdict=TrainingExample.Verdict.REJECTED,
        )
    outcome = Outcome(reason_codes=reasons, data=outcome_data)
    email_customer(outcome, confirmation, EmailOutbox.Kind.DECIDED)
    outcome.after_commit.append(lambda: announce_decision(case, confirmation, outcome_data))
    return outcome


def handle_expire(case: Case, actor: Actor, data: dict) -> Outcome:
    case.expire()
    case.confirmations.pending().update(status=ConfirmationRequest.Status.EXPIRED)
    open_review(case, ["customer_no_answer"])
    return Outcome(reason_codes=["customer_no_answer"])


def handle_reopen(case: Case, actor: Actor, data: dict) -> Outcome:
    case.reopen()
    # A pending question is moot once the customer writes: the old link must not decide.
    case.confirmations.pending().update(status=ConfirmationRequest.Status.SUPERSEDED)
    case.resolved_at = None
    reasons = [data["reason_code"]]
    if data.get("wants_human"):
        reasons.append("customer_asked_for_human")
    open_review(case, reasons)
    return Outcome(reason_codes=reasons)


def handle_close(case: Case, actor: Actor, data: dict) -> Outcome:
    case.close()
    case.closed_at = timezone.now()
    # An unanswered "did it help?" lapses with the case: a closed case cannot reopen.
    case.confirmations.pending().update(status=ConfirmationRequest.Status.EXPIRED)
    return Outcome()


HANDLERS = {
    "automate": handle_automate,
    "route_to_review": handle_route_to_review,
    "approve": handle_approve,
    "amend": handle_amend,
    "take_over": handle_take_over,
    "escalate": handle_escalate,
    "reply": handle_reply,
    "propose": handle_propose,
    "customer_accept": handle_customer_accept,
    "customer_decline": handle_customer_decline,
    "expire": handle_expire,
    "reopen": handle_reopen,
    "close": handle_close,
}
assert set(HANDLERS) == set(TRANSITION_NAMES), "every transition needs its handler"


# Helpers the handlers share.


def proposal_of(suggestion) -> dict:
    return {
        "intent": suggestion.intent,
        "action": suggestion.action,
        "reply": suggestion.draft_reply,
        "options": suggestion.options,
        "adjustment": suggestion.adjustment,
    }


def serialise(amendment: dict) -> dict:
    return {k: (v.slug if isinstance(v, Intent) else v) for k, v in amendment.items()}


def deserialise(payload: dict) -> dict:
    result = dict(payload)
    if "intent" in result:
        result["intent"] = Intent.objects.get(slug=result["intent"])
    return result


def carry_out(case: Case, outcome: Outcome, proposal: dict, *, author: str, user=None) -> None:
    """Do what the approved proposal says: reply, or ask the customer to decide."""
    if case.state == State.RESOLVED:
        case.resolved_at = timezone.now()
        if proposal["reply"]:
            # The reply carries a "did this help?" link: the customer's feedback.
            ConfirmationRequest.issue(case=case, kind=ConfirmationRequest.Kind.FEEDBACK)
            message = outbound_message(case, proposal["reply"], author=author, user=user)
            outcome.data["message"] = message.pk
            outcome.after_commit.append(lambda: enqueue("cases.tasks.message_send", message.pk))
        return
    case.proposal_version += 1
    kind = ConfirmationRequest.Kind(proposal["action"])
    case.proposal = {
        "kind": kind.value,
        "options": proposal["options"],
        "adjustment": proposal["adjustment"],
        "text": proposal["reply"],
    }
    confirmation = ConfirmationRequest.issue(
        case=case, kind=kind, options=proposal["options"], adjustment=proposal["adjustment"]
    )
    outcome.data["confirmation"] = confirmation.pk
    outcome.data["proposal_version"] = case.proposal_version
    email_customer(outcome, confirmation, EmailOutbox.Kind.REQUEST)


def email_customer(outcome: Outcome, confirmation: ConfirmationRequest, kind: str) -> None:
    """Queue one email about this confirmation; it is sent after the commit, once."""
    row, created = EmailOutbox.queue(kind=kind, confirmation=confirmation)
    if created:
        outcome.after_commit.append(lambda: enqueue("customers.tasks.email_send", row.pk))


def outbound_message(case: Case, text: str, *, author: str, user=None) -> Message:
    last_in = case.messages.filter(direction=Message.Direction.INBOUND).last()
    return Message.objects.create(
        case=case,
        direction=Message.Direction.OUTBOUND,
        author_kind=author,
        author_user=user,
        channel=case.channel,
        subject=reply_subject(case),
        text=text,
        language=case.language,
        message_id=new_message_id(case),
        in_reply_to=last_in.message_id if last_in else "",
        references=" ".join(filter(None, [last_in.references, last_in.message_id]))
        if last_in
        else "",
    )


def reply_subject(case: Case) -> str:
    subject = " ".join((case.subject or "Your request").split())  # no CR/LF into a header
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return f"{subject} [#{case.reference}]"[:255]


def new_message_id(case: Case) -> str:
    return f"<{case.reference}.{secrets.token_hex(8)}@{sender_domain()}>"


def open_review(case: Case, reason_codes: list[str]) -> ReviewItem:
    ReviewItem.objects.open().filter(case=case).update(
        status=ReviewItem.Status.DECIDED, decision="superseded", decided_at=timezone.now()
    )
    return ReviewItem.objects.create(
        case=case, suggestion=case.current_suggestion, reason_codes=reason_codes
    )


def decide_review(case: Case, actor: Actor, decision: str) -> None:
    ReviewItem.objects.open().filter(case=case).update(
        status=ReviewItem.Status.DECIDED,
        decision=decision,
        decided_by=actor.user,
        decided_at=timezone.now(),
    )


def settle(confirmation: ConfirmationRequest, status: str, outcome: dict) -> None:
    confirmation.status = status
    confirmation.outcome = outcome
    confirmation.decided_at = timezone.now()
    confirmation.save(update_fields=["status", "outcome", "decided_at"])


def learn(case, suggestion, intent, *, source, verdict, user=None) -> None:
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
        created_by=user,
    )


def announce_decision(case: Case, confirmation: ConfirmationRequest, outcome: dict) -> None:
    """Tell downstream systems (webhooks, the warehouse) what the customer decided."""
    from customers.signals import decision_recorded

    decision_recorded.send_robust(
        sender=ConfirmationRequest, case=case, confirmation=confirmation, outcome=outcome
    )


def enqueue(func: str, *args) -> None:
    from django_q.tasks import async_task

    async_task(func, *args)


# Intake.

REFERENCE_IN_SUBJECT = re.compile(r"\[#([2-9A-HJKMNP-Z]{8})\]")


@dataclass(frozen=True)
class Intake:
    case: Case
    message: Message
    created: bool


def message_receive(
    *,
    from_email: str,
    body: str,
    subject: str = "",
    from_name: str = "",
    channel: str = "api",
    external_id: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    language: str = "",
    engine_text: str = "",
    automatic: str = "",
    attachments: Sequence = (),
) -> Intake:
    """Store an inbound message on the right case (new, continued or follow-up); idempotent.

    `automatic` names why a message is machine-made (an auto-reply, a bounce): it is stored on
    the case it belongs to, but reopens nothing, opens no follow-up and is never suggested on.
    `attachments` are `cases.mail.attachments.ParsedAttachment`s; their files are written here.
    """
    if external_id:
        existing = (
            Message.objects.filter(channel=channel, external_id=external_id)
            .select_related("case")
            .first()
        )
        if existing is not None:
            return Intake(existing.case, existing, created=False)
    written: list[str] = []
    try:
        with transaction.atomic():
            customer = Customer.objects.for_email(from_email, name=from_name, language=language)
            case = thread_case(customer, subject, in_reply_to, references)
            previous = None
            if case is not None and case.state == State.CLOSED and not automatic:
                previous, case = case, None
            if case is None:
                case = Case(
                    customer=customer,
                    subject=subject[:255],
                    channel=channel,
                    language=language or customer.language,
                    previous_case=previous,
                )
                case.set_priority(case.priority)
                case.save()
            message = Message.objects.create(
                case=case,
                direction=Message.Direction.INBOUND,
                author_kind=Message.AuthorKind.CUSTOMER,
                channel=channel,
                subject=subject[:255],
                text=body,
                html=html,
                language=language,
                external_id=external_id,
                message_id=message_id[:255],
                in_reply_to=in_reply_to[:255],
                references=references,
                engine_text=engine_text,
                automatic=automatic[:40],
            )
            for item in attachments:
                written.append(Attachment.store(message=message, item=item))
            if after_message(case, message, previous):
                case.refresh_from_db()  # the reopen moved the locked copy, not this one
    except IntegrityError:
        Attachment.discard(written)
        # The same external_id delivered concurrently: the other request stored it.
        existing = Message.objects.filter(channel=channel, external_id=external_id).first()
        if not external_id or existing is None:
            raise
        return Intake(existing.case, existing, created=False)
    except BaseException:
        Attachment.discard(written)  # rolled back: no file without its row
        raise
    return Intake(case, message, created=True)


def thread_case(customer: Customer, subject: str, in_reply_to: str, references: str):
    """Find the customer's case this message continues: by our Message-ID, then by reference.

    Only the case's own customer can continue it: a forged reference from another sender
    starts a new case instead of appending to someone else's.
    """
    ids = [i for i in [in_reply_to, *references.split()] if i]
    if ids:
        known = (
            Message.objects.filter(message_id__in=ids[:50], case__customer=customer)
            .select_related("case")
            .order_by("-created_at")
            .first()
        )
        if known is None:
            # Our emails about a confirmation (customers.emails) have Message-IDs of their own.
            known = (
                EmailOutbox.objects.filter(message_id__in=ids[:50], case__customer=customer)
                .select_related("case")
                .order_by("-created_at")
                .first()
            )
        if known is not None:
            return latest_follow_up(known.case)
    match = REFERENCE_IN_SUBJECT.search(subject or "")
    if match:
        return latest_follow_up(
            Case.objects.filter(reference=match.group(1), customer=customer).first()
        )
    return None


def latest_follow_up(case: Case | None) -> Case | None:
    """A closed case continues in its newest follow-up, so replies don't open one per message."""
    while case is not None and case.state == State.CLOSED:
        follow_up = case.follow_ups.order_by("-created_at").first()
        if follow_up is None:
            break
        case = follow_up
    return case


def after_message(case: Case, message: Message, previous: Case | None) -> bool:
    """Record the arrival; move the case if the message changes what it waits for (→ True)."""
    if case.state == State.NEW:
        CaseEvent.objects.create(
            case=case,
            name="message_received",
            from_state=case.state,
            to_state=case.state,
            actor_kind=ActorKind.CUSTOMER,
            data={
                "message": message.pk,
                **({"previous_case": previous.reference} if previous else {}),
                **({"automatic": message.automatic} if message.automatic else {}),
            },
        )
        transaction.on_commit(lambda: enqueue("review.tasks.suggest_case", case.pk), robust=True)
        return False
    # An auto-reply or a bounce is no customer's answer: it must not reopen anything.
    if not message.automatic and can_proceed(case.reopen, check_conditions=False):
        case_transition(
            case=case,
            name="reopen",
            actor=Actor.customer(),
            payload={"reason_code": "customer_replied"},
        )
        return True
    CaseEvent.objects.create(
        case=case,
        name="message_received",
        from_state=case.state,
        to_state=case.state,
        actor_kind=ActorKind.CUSTOMER,
        data={
            "message": message.pk,
            **({"automatic": message.automatic} if message.automatic else {}),
        },
    )
    return False


def close_quiet_cases(*, days: int | None = None, now=None) -> int:
    """Close resolved cases without news for `days`; return how many were closed."""
    closed = 0
    cutoff_days = settings.CLOSE_AFTER_DAYS if days is None else days
    for pk in Case.objects.quiet_resolved(cutoff_days, now).values_list("pk", flat=True):
        try:
            case_transition(case=pk, name="close", actor=Actor.system())
            closed += 1
        except TransitionConflict:
            continue  # reopened meanwhile
    return closed


def expire_confirmations(*, now=None) -> int:
    """Route cases whose customer did not answer in time back to review."""
    now = now or timezone.now()
    due = ConfirmationRequest.objects.pending().filter(expires_at__lte=now)
    # Feedback nobody gave just lapses; the case stays as it is.
    due.filter(kind=ConfirmationRequest.Kind.FEEDBACK).update(
        status=ConfirmationRequest.Status.EXPIRED
    )
    expired = 0
    for case_id in due.values_list("case_id", flat=True).distinct():
        try:
            case_transition(case=case_id, name="expire", actor=Actor.system())
            expired += 1
        except TransitionConflict:
            # The case moved on (a customer answered, an agent acted): the request lapses.
            ConfirmationRequest.objects.pending().filter(
                case_id=case_id, expires_at__lte=now
            ).update(status=ConfirmationRequest.Status.EXPIRED)
    return expired
