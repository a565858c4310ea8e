"""Many cases at once: one action on each, through the one path, each on its own.

Every case gets its own transition or recorded action, in its own transaction: one refusal
(another agent was first, a case that cannot be closed) does not undo the others, and each
case's outcome is reported by its reference.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from cases.models import Case
from cases.transitions import (
    Actor,
    InvalidPayload,
    TransitionError,
    case_record,
    case_transition,
)

MAX_CASES = 100
REFERENCE = re.compile(r"[0-9A-Z]{1,20}")

# Action → (the path's function, transition or action name, what it needs besides the case).
BULK_ACTIONS = {
    "assign_me": (case_record, "claim", ()),
    "assign": (case_record, "assign", ("assignee",)),
    "escalate": (case_transition, "escalate", ("reason",)),
    "close": (case_transition, "close", ("reason",)),
    "tag": (case_record, "tag", ("tag",)),
    "untag": (case_record, "untag", ("tag",)),
}


@dataclass(frozen=True)
class Outcome:
    reference: str
    ok: bool
    status: int
    message: str
    state: str = ""

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "ok": self.ok,
            "status": self.status,
            "message": self.message,
            "state": self.state,
        }


def bulk_check(action: str, references, fields: dict) -> list[str]:
    """The references to act on, or an `InvalidPayload` for the request as a whole."""
    if action not in BULK_ACTIONS:
        raise InvalidPayload(
            _("Unknown bulk action %(action)s.") % {"action": action},
            {"action": [_("Choose one of: %(names)s.") % {"names": ", ".join(BULK_ACTIONS)}]},
        )
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise InvalidPayload(
            _("references must be a list of case references."),
            {"references": [_("A list of references.")]},
        )
    wanted = list(
        dict.fromkeys(r.strip().upper().lstrip("#")[:20] for r in references if r.strip())
    )
    if not wanted:
        raise InvalidPayload(_("Choose at least one case."), {"references": [_("Empty.")]})
    if len(wanted) > MAX_CASES:
        raise InvalidPayload(
            _("At most %(n)s cases at once.") % {"n": MAX_CASES},
            {"references": [_("Too many.")]},
        )
    for name in BULK_ACTIONS[action][2]:
        value = fields.get(name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidPayload(
                _("%(field)s is required.") % {"field": name},
                {name: [_("This field is required.")]},
            )
    return wanted


def cases_bulk(*, references, action: str, actor: Actor, **fields) -> list[Outcome]:
    """Run `action` on each case; one outcome per reference, in the order given."""
    wanted = bulk_check(action, references, fields)
    path, name, needs = BULK_ACTIONS[action]
    payload = {key: fields[key].strip() for key in needs}
    if name == "close":
        payload = {"comment": payload.pop("reason")}  # close keeps its reason as the comment
    # Only what can be a reference is looked up (a NUL byte would not even reach the database).
    lookup = [ref for ref in wanted if REFERENCE.fullmatch(ref)]
    found = Case.objects.filter(reference__in=lookup).select_related("customer")
    seen = {c.reference: c for c in found}
    return [one(seen.get(ref), ref, path, name, actor, payload) for ref in wanted]


def one(case: Case | None, reference: str, path, name: str, actor: Actor, payload) -> Outcome:
    if case is None:
        return Outcome(reference, False, 404, _("No such case."))
    if path is case_transition:
        # Close also leaves open states, for an erased customer's case only: its guard counts.
        if not can_proceed(getattr(case, name), check_conditions=name == "close"):
            # Not a race: this case was never in a state the action leaves from.
            return Outcome(
                reference,
                False,
                409,
                _("Cannot be %(done)s while %(state)s.")
                % {"done": DONE[name], "state": case.get_state_display()},
                case.state,
            )
        payload = payload | {"expected_state": case.state}
    try:
        event = path(case=case.pk, name=name, actor=actor, payload=payload)
    except TransitionError as error:
        return Outcome(reference, False, error.status, error.message, case.state)
    except Case.DoesNotExist:
        return Outcome(reference, False, 404, _("No such case."))
    return Outcome(reference, True, 200, _("Done."), event.case.state)


DONE = {"escalate": gettext_lazy("escalated"), "close": gettext_lazy("closed")}
