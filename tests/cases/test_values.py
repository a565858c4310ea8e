"""What the engine found, as agents read it: words and the locale's formats, never a repr."""

import pytest
from django.utils import translation

from cases.models import State
from cases.templatetags.values import slot_label, slot_value
from tests.cases.test_workspace import login, page
from tests.factories import case_in


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", ["2027-08-01"], "Sunday 1 August 2027"),
        ("de", ["2026-12-07"], "Montag, 7. Dezember 2026"),
        ("en", [{"value": "89.95", "currency": "EUR"}], "€89.95"),
        ("de", [{"value": "1234.50", "currency": "EUR"}], "1.234,50 €"),
        ("en", "V-2022-118", "V-2022-118"),
        ("en", ["2027-08-01", "2027-08-02"], "Sunday 1 August 2027, Monday 2 August 2027"),
    ],
)
def test_slot_values_are_written_as_people_write_them(language, value, shown):
    with translation.override(language):
        assert slot_value(value) == shown


def test_slot_names_are_words_in_the_agents_language():
    assert slot_label("contract_number") == "Contract number"
    with translation.override("de"):
        assert slot_label("order_number") == "Bestellnummer"


def test_the_case_page_shows_slots_formatted_and_the_intent_by_its_name(client, agent):
    case = case_in(State.IN_REVIEW, slots={"dates": ["2027-08-01"], "order_number": "4711"})
    intent = case.current_suggestion.intent
    intent.name_de = "Testantwort"
    intent.save()
    content = page(login(client, agent), case)
    assert "<dt>Date</dt><dd>Sunday 1 August 2027</dd>" in content
    assert "<dt>Order number</dt><dd>4711</dd>" in content
    assert "[&#x27;2027-08-01&#x27;]" not in content
    client.post("/settings/language/", {"language": "de"})
    german = page(client, case)
    assert '<p class="intent"><strong>Testantwort</strong>' in german


def test_a_missing_decision_says_why_and_the_legend_shows_only_what_works(client, agent):
    case = case_in(State.ESCALATED)
    content = page(login(client, agent), case)
    assert "Escalated cases are decided by a supervisor." in content
    assert "<kbd>a</kbd>" not in content and "<kbd>t</kbd>" not in content
    assert "<kbd>g</kbd>" in content
    legal = case_in(State.IN_REVIEW, risk_class="legal")
    assert "A suggestion with legal risk needs a supervisor." in page(client, legal)


def test_alternatives_show_by_name_and_the_panel_shows_what_was_sent(client, agent):
    from tests.factories import IntentFactory

    IntentFactory(slug="refund_request", name="Refund request")
    case = case_in(
        State.IN_REVIEW,
        action="choose",
        options=[{"id": "a", "label": "Monday"}],
        alternatives=[["refund_request", 0.03]],
    )
    content = page(login(client, agent), case)
    assert "Alternatives: Refund request (0.03)" in content
    intent = case.current_suggestion.intent.slug
    client.post(
        f"/cases/{case.reference}/do/approve/",
        {
            "compose": "1",
            "intent": intent,
            "options": "Friday\nSaturday",
            "expected_state": case.state,
        },
    )
    panel = page(client, case).split('id="sent-proposal"', 1)[1].split("</div>", 1)[0]
    assert "<li>Friday</li><li>Saturday</li>" in panel and "Monday" not in panel


def test_alternatives_show_by_name_where_no_composer_is_shown(client, agent):
    from tests.factories import IntentFactory

    IntentFactory(slug="refund_request", name="Refund request")
    case = case_in(State.RESOLVED, alternatives=[["refund_request", 0.03]])
    assert "Alternatives: Refund request (0.03)" in page(login(client, agent), case)
