"""The one path that changes a case.

Everything that moves a case (the suggestion job, the API, the admin, the workspace, the
customer pages, scheduled jobs) calls `case_transition`; what happens to a case without moving
it (a note, a claim, feedback, a message arriving) goes through `case_record`. Both validate
the payload with the transition's form before any lock, lock the row, re-check who may act
and the guard on the locked row, run the registered effects and the handler, save only what
changed, write exactly one `CaseEvent`, queue its webhooks and register the effects for after
the commit. A lost race is a `TransitionConflict`, never a double effect.
"""

import copy

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from cases.models import STAFF, TRANSITION_NAMES, Case, CaseEvent, State, transitions_of
from cases.notifications import notify
from cases.transitions import effects
from cases.transitions.actors import Actor
from cases.transitions.errors import (
    InvalidPayload,
    TransitionConflict,
    TransitionForbidden,
    UnknownTransition,
)
from cases.transitions.forms import payload_validate, transition_form
from cases.transitions.handlers import ACTIONS, HANDLERS, decision_settle
from cases.transitions.step import Step
from cases.webhooks import record_case_event

assert set(HANDLERS) == set(TRANSITION_NAMES), "every transition needs its handler"

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
    form = transition_form(name)
    data = payload_validate(form, payload)
    with transaction.atomic():
        locked = lock(case, reference)
        before = field_values(locked)
        form.prepare(locked, data)
        transition_check(locked, name, actor, data)
        step = Step(case=locked, name=name, actor=actor, data=data, from_state=locked.state)
        step.forced_from = holder_check(locked, name, actor, data)
        step.amendment = dict(data.get("amendment", {}))
        if name in ("approve", "amend"):
            decision_settle(step)
        return run(step, HANDLERS[name], before, names_suggestion=True, always_save=True)


def case_record(
    *,
    case: Case | int | None = None,
    reference: str = "",
    name: str,
    actor: Actor,
    payload=None,
) -> CaseEvent:
    """Record action `name` (a note, a claim, feedback, …) on the locked case; its one event."""
    action = ACTIONS.get(name)
    if action is None:
        raise UnknownTransition(_("There is no action called %(name)s.") % {"name": name})
    data = payload_validate(action.form, payload) if action.form else dict(payload or {})
    with transaction.atomic():
        locked = lock(case, reference)
        role_check(name, action.by, actor)
        step = Step(case=locked, name=name, actor=actor, data=data, from_state=locked.state)
        step.event_name = action.event_name
        before = field_values(locked)
        return run(step, action.handler, before, names_suggestion=action.names_suggestion)


def lock(case: Case | int | None, reference: str) -> Case:
    lookup = {"reference": reference} if reference else {"pk": getattr(case, "pk", case)}
    return (
        Case.objects.select_for_update(of=("self",)).select_related(*LOCKED_RELATED).get(**lookup)
    )


def run(
    step: Step, handler, before: dict, *, names_suggestion: bool, always_save: bool = False
) -> CaseEvent:
    """Effects before, the handler, effects after; save what changed since `before`, record,
    and hand on the rest."""
    case = step.case
    effects.before.run(step)
    if not step.held:
        handler(step)
        effects.after.run(step)
    if step.forced_from:
        step.event_data["forced_from"] = step.forced_from
    changed = changed_fields(before, case)
    if always_save or changed != ["updated_at"]:
        case.save(update_fields=changed)
    event = CaseEvent.objects.record(
        case,
        step.event_name or step.name,
        actor_kind=step.actor.kind,
        actor_user=step.actor.user,
        confirmation=step.actor.confirmation,
        suggestion=case.current_suggestion if names_suggestion else None,
        from_state=step.from_state,
        reason_codes=step.reason_codes,
        comment=step.comment
        if step.comment is not None
        else step.data.get("comment", "") or step.data.get("reason", ""),
        data=step.event_data,
    )
    record_case_event(event)  # webhook outbox rows, in this transaction
    notify(event, assignee_before=before["assignee"])  # who should know, in this transaction
    for other, name, payload in step.records_elsewhere:
        case_record(case=other, name=name, actor=step.actor, payload=payload)
    for func in step.after_commit:
        transaction.on_commit(func, robust=True)
    return event


def role_check(name: str, roles, actor: Actor) -> None:
    if actor.role not in roles:
        raise TransitionForbidden(
            _("%(name)s is not available to %(role)s actors.") % {"name": name, "role": actor.role}
        )
    if actor.role == STAFF and not actor.user.has_perm("cases.work_case"):
        raise TransitionForbidden(_("You may not work cases."))


def transition_check(case: Case, name: str, actor: Actor, data: dict) -> None:
    """Who may, whether the transition is possible from here, and its guard, on the locked row."""
    role_check(name, transitions_of()[name][0].custom["by"], actor)
    method = getattr(case, name)
    expected = data.get("expected_state")
    if (expected and expected != case.state) or not can_proceed(method, check_conditions=False):
        raise conflict(case, name)
    # The guard first: django-fsm-2's public permission check also requires it to be met.
    if not can_proceed(method):
        raise TransitionConflict(
            _("%(name)s is not possible now: %(why)s.")
            % {"name": name, "why": unmet_guard(case, name)}
        )
    if actor.role == STAFF and not has_transition_perm(method, actor.user):
        raise TransitionForbidden(denial_reason(case, name, actor.user))
    if data.get("suggestion") and data["suggestion"] != case.current_suggestion_id:
        raise TransitionConflict(_("The suggestion changed since you looked; review the new one."))


# Decisions that belong to whoever holds the case.
HOLDERS_DECIDE = ("approve", "amend", "take_over")


def holder_check(case: Case, name: str, actor: Actor, data: dict) -> str:
    """A case assigned to someone is theirs to decide: another person's decision is a
    conflict that names them, unless a supervisor forces it with a reason (→ their name)."""
    holder = case.assignee
    if name not in HOLDERS_DECIDE or holder is None or actor.role != STAFF:
        return ""
    if holder.pk == actor.user.pk:
        return ""
    holder_name = holder.get_full_name() or holder.get_username()
    if not data.get("force"):
        raise TransitionConflict(
            _("Assigned to %(name)s: they decide this case.") % {"name": holder_name},
            errors={"assignee": holder.get_username()},
        )
    if not actor.user.has_perm("cases.handle_escalated"):
        raise TransitionForbidden(_("Only a supervisor may decide a case someone else holds."))
    if not data.get("comment"):
        raise InvalidPayload(
            _("Say why you decide a case that %(name)s holds.") % {"name": holder_name},
            {"comment": [_("This field is required.")]},
        )
    return holder.get_username()


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
    `updated_at` is always written with them, and by every transition (also for a first
    approval of four eyes, which changes nothing else). ConcurrentTransitionMixin's
    `WHERE state = …` applies to this save as to any other.
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
    if name in SENDING and not case.customer_reachable():
        return str(ERASED)
    if name == "close" and case.state != State.RESOLVED:
        return _("only a resolved case, or an open one whose customer was erased, is closed")
    if name in ("approve", "amend", "route_to_review", "automate") and not case.has_suggestion():
        return _("there is no suggestion yet")
    if name in ("approve", "amend"):
        return SENT_ALREADY
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


# The transitions that write to the customer: never to one whose personal data was erased.
SENDING = ("approve", "amend", "reply", "reply_and_wait", "propose")
ERASED = gettext_lazy(
    "The customer's personal data was erased: nothing is sent to them. Close the case or take "
    "it over."
)
SENT_ALREADY = gettext_lazy(
    "The AI's suggestion went to the customer already: take the case over and write anew."
)


def why_not(case: Case, user, names=("approve", "take_over")) -> list[str]:
    """Why this staff user may not take decisions the case's state would allow: the page says it
    where the button is missing ("legal risk: a supervisor decides")."""
    reasons = []
    waiting = case.state in (State.IN_REVIEW, State.ESCALATED) and case.has_suggestion()
    if can_proceed(case.close) and case.state != State.RESOLVED:  # open, the customer erased
        reasons.append(str(ERASED))
    if waiting and "approve" in names and not case.suggestion_unsent():
        reasons.append(str(SENT_ALREADY))
    for name in names:
        method = getattr(case, name)
        if can_proceed(method) and not has_transition_perm(method, user):
            reason = denial_reason(case, name, user)
            if reason not in reasons:
                reasons.append(reason)
    return reasons


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
