"""No blank is ever sent: a `{placeholder}` left in an outgoing text refuses the transition,
whoever asks, and the case page asks for each blank and fills the draft from it."""

import pytest
from django.utils import translation

from cases.blanks import blanks_in, fill, slot_label
from cases.models import ActionKind, State
from cases.transitions import Actor, InvalidPayload, case_transition
from tests.cases.test_workspace import act, login, page
from tests.factories import case_in

DRAFT = "Hello Ada,\n\norder {order_number} is on its way."


def sent(case) -> list[str]:
    return list(case.messages.filter(direction="out").values_list("text", flat=True))


def test_blanks_are_found_once_each_and_filled_only_where_given():
    assert blanks_in("{a} and {b}", "{a} again", "") == ["a", "b"]
    assert fill("{a} and {b}", {"a": "1", "b": ""}) == "1 and {b}"
    with translation.override("de"):
        assert slot_label("order_number") == "Bestellnummer"
    assert slot_label("order_number") == "Order number"


@pytest.mark.parametrize("name", ["approve", "amend"])
def test_a_draft_with_a_blank_is_not_sent(agent, name):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    payload = {"reply": DRAFT + " Thanks."} if name == "amend" else {}
    with pytest.raises(InvalidPayload) as refused:
        case_transition(case=case, name=name, actor=Actor.staff(agent), payload=payload)
    assert refused.value.message == "The text still has blanks to fill: order number."
    assert refused.value.errors == {"slots": ["Order number"]}
    case.refresh_from_db()
    assert (case.state, sent(case), case.events.count()) == (State.IN_REVIEW, [], 0)


def test_an_agents_own_reply_with_a_blank_is_not_sent(agent):
    case = case_in(State.IN_PROGRESS)
    with pytest.raises(InvalidPayload, match="blanks to fill: customer"):
        case_transition(
            case=case, name="reply", actor=Actor.staff(agent), payload={"text": "Dear {customer}"}
        )
    assert sent(case) == []


def test_an_option_with_a_blank_is_not_proposed(agent):
    case = case_in(State.IN_PROGRESS)
    with pytest.raises(InvalidPayload):
        case_transition(
            case=case,
            name="propose",
            actor=Actor.staff(agent),
            payload={"options": ["Delivery on {date}"]},
        )
    assert not case.confirmations.exists()


def test_filled_blanks_fill_the_draft_and_make_it_an_amend(agent):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    event = case_transition(
        case=case,
        name="amend",
        actor=Actor.staff(agent),
        payload={"slots": {"order_number": "4711-2231"}},
    )
    assert event.name == "amend" and event.data["amended"] == ["reply"]
    assert sent(case) == ["Hello Ada,\n\norder 4711-2231 is on its way."]


def test_an_api_approve_with_filled_blanks_is_told_to_amend(agent):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    with pytest.raises(InvalidPayload, match="send it as an amend"):
        case_transition(
            case=case,
            name="approve",
            actor=Actor.staff(agent),
            payload={"slots": {"order_number": "4711-2231"}},
        )


def test_the_composer_asks_for_each_blank_in_the_agents_language(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    content = page(login(client, agent), case)
    assert "Fill in before sending" in content
    assert f'<label for="slot-order_number-{case.reference}">Order number</label>' in content
    client.post("/settings/language/", {"language": "de"})
    german = page(client, case)
    assert "Vor dem Senden ausfüllen" in german
    assert f'<label for="slot-order_number-{case.reference}">Bestellnummer</label>' in german


def test_the_composer_sends_the_draft_with_the_filled_blank(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    intent = case.current_suggestion.intent.slug
    login(client, agent)
    fields = {"compose": "1", "intent": intent, "reply": DRAFT, "slot-order_number": "4711-2231"}
    act(client, case, "approve", **fields)
    assert [e.name for e in case.events.all()] == ["amend"]
    assert sent(case) == ["Hello Ada,\n\norder 4711-2231 is on its way."]


def test_the_composer_with_a_blank_left_says_what_to_fill_and_sends_nothing(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply=DRAFT)
    intent = case.current_suggestion.intent.slug
    login(client, agent)
    response = act(client, case, "approve", compose="1", intent=intent, reply=DRAFT)
    content = response.content.decode()
    assert 'role="alert">The text still has blanks to fill: order number.' in content
    assert sent(case) == [] and case.events.count() == 0


def test_an_option_with_a_blank_in_the_ais_proposal_keeps_the_case_with_a_human(agent):
    case = case_in(
        State.IN_REVIEW,
        action=ActionKind.CHOOSE,
        options=[{"id": "a", "label": "Order {order_number} on Monday"}],
    )
    with pytest.raises(InvalidPayload):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
