"""The admin a supervisor meets in the first hour (issue 17): transition buttons with labels
and tooltips (not "None"), inline rows named by the case's reference (not its id), and reply
templates and required slots as fields per language and slot, checked on save, previewed."""

import pytest
from django.urls import reverse

from cases.models import State
from review.models import Intent
from tests.admin.forms import change_form_data
from tests.factories import IntentFactory, MessageFactory, UserFactory, case_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def in_german(client):
    client.post("/settings/language/", {"language": "de"})


def case_page(client, case) -> str:
    return client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()


@pytest.mark.parametrize(
    ("language", "button", "tooltip", "block"),
    [
        (
            "en",
            "Approve",
            "Send the AI&#x27;s suggestion as it is, and resolve or ask the customer.",
            "Move the case on",
        ),
        (
            "de",
            "Freigeben",
            "Den Vorschlag der KI so senden, wie er ist, und lösen oder den Kunden fragen.",
            "Den Fall weiterbringen",
        ),
    ],
)
def test_transition_buttons_have_labels_and_tooltips(logged_in, language, button, tooltip, block):
    case = case_in(State.IN_REVIEW)
    if language == "de":
        in_german(logged_in)
    page = case_page(logged_in, case)
    assert f'value="approve" title="{tooltip}">{button}</button>' in page
    assert f"<label>{block}</label>" in page
    assert "None" not in page.split('name="_fsm_transition_to"', 1)[1].split("</div>", 1)[0]


def test_a_transition_from_the_admin_says_what_was_done(logged_in):
    case = case_in(State.IN_REVIEW)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = change_form_data(logged_in.get(url), _fsm_transition_to="take_over")
    response = logged_in.post(url, data, follow=True)
    assert "Take over: done." in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS


@pytest.mark.parametrize(
    ("language", "row"),
    [("en", "Inbound message of case"), ("de", "Nachricht (Eingehend) zu Fall")],
)
def test_inline_rows_name_the_case_by_its_reference(logged_in, language, row):
    case = case_in(State.IN_REVIEW)
    MessageFactory(case=case)
    if language == "de":
        in_german(logged_in)
    page = case_page(logged_in, case)
    assert f"{row} {case.reference}" in page
    assert f"message on {case.pk}" not in page


def intent_url(intent) -> str:
    return reverse("admin:review_intent_change", args=[intent.pk])


def save(client, intent, **changes):
    url = intent_url(intent)
    return client.post(url, change_form_data(client.get(url), **changes))


def test_the_draft_is_one_field_per_language_and_the_slots_one_box_each(logged_in):
    intent = IntentFactory(slug="order_status", required_slots=["order_number"])
    response = logged_in.get(intent_url(intent))
    form = response.context["adminform"].form
    assert form["reply_template_en"].value() == "Hello {customer_name}, done ({reference})."
    assert form["reply_template_de"].value() == "Hallo!"
    page = response.content.decode()
    assert '<textarea name="reply_template_en"' in page and "reply_templates" not in page
    assert 'type="checkbox" name="required_slots" value="order_number"' in page
    assert 'value="order_number" id="id_required_slots_0" checked' in page
    assert "Draft reply (German)" in page and "order number (order_number)" in page


def test_a_saved_draft_and_slots_become_the_intents_data(logged_in):
    intent = IntentFactory(slug="order_status", required_slots=[])
    response = save(
        logged_in,
        intent,
        reply_template_en="Hello {customer_name}, order {order_number} ships today.",
        reply_template_de="",
        required_slots=["order_number", "dates"],
    )
    assert response.status_code == 302
    intent.refresh_from_db()
    assert intent.reply_templates == {
        "en": "Hello {customer_name}, order {order_number} ships today."
    }
    assert intent.required_slots == ["order_number", "dates"]
    assert intent.policy_version == 2  # required slots are policy: a new version


@pytest.mark.parametrize(
    ("field", "text", "error"),
    [
        (
            "reply_template_en",
            "Hello {customer_name}, order {ordr_number}.",
            "Unknown blank {ordr_number}: the case has {customer_name}, {reference}, "
            "{order_number}, {contract_number}, {customer_number}, {email}, {iban}, {address}, "
            "{tariff}.",
        ),
        (
            "reply_template_de",
            "Hallo {customer_name, Bestellung {order_number}.",
            "A brace without a blank: write a blank as {order_number}.",
        ),
        (
            "reply_template_en",
            "",
            "The English draft is needed: it is sent where no draft in the language is.",
        ),
    ],
    ids=["unknown-blank", "lone-brace", "english-missing"],
)
def test_a_draft_that_would_go_wrong_is_refused_on_save(logged_in, field, text, error):
    intent = IntentFactory(slug="order_status")
    response = save(logged_in, intent, **{field: text})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [error]
    intent.refresh_from_db()
    assert intent.policy_version == 1


def test_a_manual_intent_needs_no_draft(logged_in):
    intent = IntentFactory(slug="legal", action="manual", mode=Intent.Mode.ASSIST)
    response = save(logged_in, intent, reply_template_en="", reply_template_de="")
    assert response.status_code == 302
    intent.refresh_from_db()
    assert intent.reply_templates == {}


def test_the_preview_fills_the_draft_from_the_newest_case_of_the_intent(logged_in):
    case = case_in(State.IN_REVIEW, slots={"order_number": "A-20931"})
    intent = case.current_suggestion.intent
    intent.reply_templates = {"en": "Hello {customer_name}, order {order_number} ({reference})."}
    intent.save()
    page = logged_in.get(intent_url(intent)).content.decode()
    assert f"Filled from case {case.reference}, the newest of this intent." in page
    name = case.customer.name.replace("'", "&#x27;")
    assert f"Hello {name}, order A-20931 ({case.reference}).</pre>" in page


def test_without_a_case_the_preview_uses_a_made_up_one(logged_in):
    intent = IntentFactory(slug="order_status")
    page = logged_in.get(intent_url(intent)).content.decode()
    assert "Filled from a made-up case K7M2ABCD (no case of this intent yet)." in page
    assert '<pre class="draft-preview" lang="en">Hello Ada Lovelace, done (K7M2ABCD).</pre>' in page


@pytest.mark.parametrize("who", ["agent", "clerk", "anonymous"])
def test_the_intent_form_is_for_supervisors_only(client, agent, who):
    intent = IntentFactory(slug="order_status")
    if who != "anonymous":
        user = agent if who == "agent" else UserFactory(username="clerk", is_staff=True)
        client.force_login(user)
    response = client.get(intent_url(intent))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_supervisor_opens_it(logged_in):
    assert logged_in.get(intent_url(IntentFactory(slug="order_status"))).status_code == 200


def test_the_case_forms_fields_have_labels_and_help_texts(logged_in):
    case = case_in(State.IN_REVIEW)
    page = case_page(logged_in, case)
    for label, help_text in [
        ("Assigned to", "The agent who decides this case; empty: anyone may claim it."),
        ("Due (resolution)", "When the case should be resolved (the queue's order)."),
        ("Priority", "Sets the due times from the SLA targets of this priority."),
    ]:
        assert f"{label}:</label>" in page and help_text in page


def test_typing_a_draft_previews_it_before_saving(logged_in):
    intent = IntentFactory(slug="order_status")
    page = logged_in.get(intent_url(intent)).content.decode()
    preview_url = reverse("admin:review_intent_preview", args=[intent.pk])
    assert f'hx-get="{preview_url}"' in page and 'hx-target="#draft-preview"' in page
    response = logged_in.get(
        preview_url, {"reply_template_en": "Hi {customer_name}, ref {reference}."}
    )
    assert response.content.decode().startswith('<div id="draft-preview">')
    assert '<pre class="draft-preview" lang="en">Hi Ada Lovelace, ref K7M2ABCD.</pre>' in (
        response.content.decode()
    )
    intent.refresh_from_db()
    assert intent.reply_templates["en"] == "Hello {customer_name}, done ({reference})."


@pytest.mark.parametrize("who", ["agent", "anonymous"])
def test_the_preview_is_for_supervisors_only(client, agent, who):
    intent = IntentFactory(slug="order_status")
    if who == "agent":
        client.force_login(agent)
    response = client.get(reverse("admin:review_intent_preview", args=[intent.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
