"""One contract per transition: the form it declares, what it accepts and refuses, and the
registry through which the apps above the core act on a transition."""

import pytest
from django.contrib import admin
from drf_spectacular.generators import SchemaGenerator

from cases.models import STAFF, TRANSITION_NAMES, Case, CaseEvent, State, transitions_of
from cases.transitions import (
    Actor,
    InvalidPayload,
    TransitionConflict,
    TransitionForbidden,
    UnknownTransition,
    case_record,
    case_transition,
    effects,
)
from cases.transitions.forms import TransitionForm, payload_validate, transition_form
from tests.factories import IntentFactory, UserFactory, case_in

DECLARED = {
    "approve": "ApproveForm",
    "take_over": "TakeOverForm",
    "amend": "AmendForm",
    "automate": "SuggestedForm",
    "customer_accept": "CustomerAcceptForm",
    "customer_decline": "CustomerDeclineForm",
    "escalate": "EscalateForm",
    "merge": "MergeForm",
    "propose": "ProposeForm",
    "reopen": "ReopenForm",
    "reply": "ReplyForm",
    "reply_and_wait": "ReplyForm",
    "route_to_review": "SuggestedForm",
}


@pytest.mark.parametrize("name", TRANSITION_NAMES)
def test_every_transition_declares_its_form_on_the_fsm(name):
    form = transition_form(name)
    assert issubclass(form, TransitionForm)
    assert form.__name__ == DECLARED.get(name, "TransitionForm")
    declared = transitions_of()[name][0].custom.get("form")
    assert declared == (f"cases.transitions.forms.{DECLARED[name]}" if name in DECLARED else None)


@pytest.mark.parametrize("name", [n for n in TRANSITION_NAMES if n in DECLARED])
def test_the_admin_shows_the_form_the_transition_declares(name):
    case_admin = admin.site._registry[Case]
    transition = transitions_of()[name][0]
    shown = case_admin.get_fsm_transition_form(transition)
    # Approve's button sends the suggestion on the page as it is; amend has the form.
    assert shown is (None if name in ("approve", "take_over") else transition_form(name))


VALID = [
    ("approve", {}, {"comment": "", "amendment": {}}),
    ("take_over", {"comment": "  mine now "}, {"comment": "mine now"}),
    ("take_over", {"force": "true", "comment": "Ill"}, {"comment": "Ill", "force": True}),
    ("escalate", {"reason": "Angry VIP"}, {"comment": "", "reason": "Angry VIP"}),
    ("reply", {"text": "Here it is."}, {"comment": "", "text": "Here it is."}),
    (
        "propose",
        {"options": "Monday\n\n Tuesday "},
        {
            "comment": "",
            "options": [{"id": "1", "label": "Monday"}, {"id": "2", "label": "Tuesday"}],
        },
    ),
    (
        "propose",
        {"adjustment": "tariff: Green 24\nfrom: 2027-01-01"},
        {"comment": "", "adjustment": {"tariff": "Green 24", "from": "2027-01-01"}},
    ),
    (
        "amend",
        {"reply": "Better.", "options": [{"id": "x", "label": "X"}]},
        {"comment": "", "amendment": {"reply": "Better.", "options": [{"id": "x", "label": "X"}]}},
    ),
    ("customer_accept", {"option": "a"}, {"comment": "", "option": "a"}),
    ("customer_decline", {"wants_human": True}, {"comment": "", "wants_human": True}),
    ("reopen", {}, {"comment": "", "reason_code": "customer_replied"}),
    (
        "automate",
        {"suggestion": "7", "language": "de", "priority": 3},
        {"comment": "", "suggestion": 7, "language": "de", "priority": 3},
    ),
]


@pytest.mark.parametrize(("name", "payload", "cleaned"), VALID)
def test_a_valid_payload_becomes_what_the_handler_reads(name, payload, cleaned):
    assert payload_validate(transition_form(name), payload) == cleaned


REFUSED = [
    ("approve", {"comment": "a\x00b"}, "comment", "comment contains NUL characters."),
    ("approve", {"suggestion": "seven"}, "suggestion", "suggestion must be an id."),
    ("take_over", {"comment": 12}, "comment", "comment must be text."),
    ("escalate", {}, "reason", "reason is required."),
    ("escalate", {"reason": "x" * 2001}, "reason", "reason is too long."),
    ("reply", {"text": "   "}, "text", "text is required."),
    ("propose", {}, "options", "A proposal needs options or an adjustment."),
    ("propose", {"options": ["a"] * 11}, "options", "options must be a list of 1 to 10."),
    ("propose", {"options": [{"id": "1"}]}, "options", "Each option needs a label."),
    (
        "propose",
        {"options": [{"id": "1", "label": "a"}, {"id": "1", "label": "b"}]},
        "options",
        "Option ids must be distinct.",
    ),
    (
        "propose",
        {"adjustment": ["not", "an", "object"]},
        "adjustment",
        "adjustment must be an object.",
    ),
    (
        "amend",
        {},
        "reply",
        "An amendment changes the intent, action, reply, options or adjustment.",
    ),
    ("amend", {"action": "manual"}, "action", "Unknown action."),
    ("amend", {"intent": "no_such_intent"}, "intent", "Unknown intent."),
    ("customer_accept", {"option": "x" * 41}, "option", "option is too long."),
    ("reopen", {"reason_code": "because"}, "reason_code", "Unknown reason_code."),
]


@pytest.mark.parametrize(("name", "payload", "field", "message"), REFUSED)
def test_a_refused_payload_names_its_field_and_says_why(db, name, payload, field, message):
    with pytest.raises(InvalidPayload) as refused:
        payload_validate(transition_form(name), payload)
    assert refused.value.message == message
    assert list(refused.value.errors) == [field]


def test_a_payload_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidPayload, match="must be a JSON object"):
        payload_validate(TransitionForm, ["approve"])


def test_the_amend_form_offers_the_intents_of_review(db):
    IntentFactory(slug="order_status", name="Order status")
    choices = dict(transition_form("amend")().fields["intent"].choices)
    assert choices["order_status"] == "Order status"
    cleaned = payload_validate(transition_form("amend"), {"intent": "order_status"})
    assert cleaned["amendment"] == {"intent": "order_status"}


def test_the_api_schema_of_a_transition_is_the_staff_transitions_forms():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    shown = schema["components"]["schemas"]["TransitionPayload"]["properties"]
    staff = [n for n in TRANSITION_NAMES if STAFF in transitions_of()[n][0].custom["by"]]
    fields = {field for name in staff for field in transition_form(name).base_fields}
    assert set(shown) == fields
    assert shown["reason"]["maxLength"] == 2000
    assert "escalate (required)" in shown["reason"]["description"]


# The registry of effects: what the apps above the core do on a transition.


def test_review_and_customers_register_their_effects():
    after = {f"{e.__module__}.{e.__name__}" for e in effects.after.of("approve")}
    assert {"review.effects.approval_learn", "customers.effects.proposal_email"} <= after
    before = {f"{e.__module__}.{e.__name__}" for e in effects.before.of("amend")}
    assert before == {"review.effects.approval_record"}


@pytest.fixture
def registered(monkeypatch):
    """Register an effect for one test only."""

    def register(when, name, effect):
        registry = getattr(effects, when)
        monkeypatch.setitem(registry._effects, name, [*registry.of(name), effect])

    return register


def test_a_before_effect_that_holds_the_step_records_without_moving_the_case(agent, registered):
    registered("before", "escalate", lambda step: step.hold("escalation_requested", why="test"))
    case = case_in(State.IN_REVIEW)
    event = case_transition(
        case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "VIP"}
    )
    case.refresh_from_db()
    assert (event.name, event.data, case.state) == (
        "escalation_requested",
        {"why": "test"},
        State.IN_REVIEW,
    )
    assert (event.from_state, event.to_state) == (State.IN_REVIEW, State.IN_REVIEW)


def test_an_after_effect_that_refuses_rolls_the_whole_transition_back(agent, registered):
    def refuse(step):
        raise TransitionConflict("Not now.")

    registered("after", "take_over", refuse)
    case = case_in(State.IN_REVIEW)
    with pytest.raises(TransitionConflict, match="Not now"):
        case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert (case.state, case.assignee, CaseEvent.objects.filter(case=case).count()) == (
        State.IN_REVIEW,
        None,
        0,
    )
    assert not case.review_items.exclude(status="open").exists()


# Recorded actions: the same locked path for what does not move the case.


def test_a_note_is_recorded_on_the_locked_case_without_moving_it(agent):
    case = case_in(State.IN_PROGRESS)
    event = case_record(case=case, name="note", actor=Actor.staff(agent), payload={"note": " Hi "})
    assert (event.name, event.comment, event.actor_user, event.is_transition) == (
        "note",
        "Hi",
        agent,
        False,
    )


@pytest.mark.parametrize("note", ["", "   ", "x" * 5001, "a\x00b"])
def test_a_note_without_usable_text_is_refused_with_one_message(agent, note):
    case = case_in(State.IN_PROGRESS)
    with pytest.raises(InvalidPayload) as refused:
        case_record(case=case, name="note", actor=Actor.staff(agent), payload={"note": note})
    assert refused.value.message == "A note needs text (at most 5000 characters)."
    assert not case.events.exists()


def test_a_claim_assigns_once_and_the_second_agent_is_told_who_has_it(agent, agent2):
    case = case_in(State.IN_REVIEW)
    event = case_record(case=case, name="claim", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert (event.name, event.data, case.assignee) == ("assigned", {"assignee": "agent"}, agent)
    with pytest.raises(TransitionConflict) as refused:
        case_record(case=case, name="claim", actor=Actor.staff(agent2))
    assert refused.value.message == f"Already assigned to {agent.get_full_name()}."
    assert case.events.count() == 1


def test_recorded_actions_check_who_may_take_them(db):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(TransitionForbidden):
        case_record(case=case, name="note", actor=Actor.customer(), payload={"note": "hi"})
    outsider = UserFactory(username="outsider")  # staff, but not an agent
    with pytest.raises(TransitionForbidden, match="You may not work cases"):
        case_record(case=case, name="claim", actor=Actor.staff(outsider))
    with pytest.raises(UnknownTransition):
        case_record(case=case, name="delete", actor=Actor.system())


# One owner: a case assigned to someone is theirs to decide.


@pytest.mark.parametrize("name", ["approve", "amend", "take_over"])
def test_another_agents_decision_on_a_held_case_names_the_holder(agent, agent2, name):
    case = case_in(State.IN_REVIEW)
    case_record(case=case, name="claim", actor=Actor.staff(agent))
    payload = {"reply": "Another text."} if name == "amend" else {}
    with pytest.raises(TransitionConflict) as refused:
        case_transition(case=case, name=name, actor=Actor.staff(agent2), payload=payload)
    assert refused.value.message == f"Assigned to {agent.get_full_name()}: they decide this case."
    assert refused.value.errors == {"assignee": "agent"}
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_REVIEW, agent)


def test_the_holder_decides_their_own_case(agent):
    case = case_in(State.IN_REVIEW)
    case_record(case=case, name="claim", actor=Actor.staff(agent))
    event = case_transition(case=case, name="approve", actor=Actor.staff(agent))
    assert event.name == "approve" and "forced_from" not in event.data


def test_only_a_supervisor_forces_a_held_case_and_says_why(agent, agent2, supervisor):
    case = case_in(State.IN_REVIEW)
    case_record(case=case, name="claim", actor=Actor.staff(agent))
    with pytest.raises(TransitionForbidden):
        case_transition(
            case=case,
            name="take_over",
            actor=Actor.staff(agent2),
            payload={"force": True, "comment": "Mine now"},
        )
    with pytest.raises(InvalidPayload, match="Say why"):
        case_transition(
            case=case, name="take_over", actor=Actor.staff(supervisor), payload={"force": True}
        )
    event = case_transition(
        case=case,
        name="take_over",
        actor=Actor.staff(supervisor),
        payload={"force": True, "comment": "Anna is ill today"},
    )
    case.refresh_from_db()
    assert case.assignee == supervisor
    assert (event.comment, event.data["forced_from"]) == ("Anna is ill today", "agent")
