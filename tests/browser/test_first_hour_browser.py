"""The first hour in a real browser (issue 17): the API docs lead to the login and back, the
error pages and the favicon, an erased customer's case closed by a click, the intent's draft
refused with a wrong blank and previewed once right. English and German."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import State
from customers.privacy import customer_erase
from tests.factories import IntentFactory, case_in

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "please": "Please log in",
        "log_in": "Log in",
        "username": "Username",
        "password": "Password",
        "missing": "There is no such page",
        "close": "Close",
        "closed": "Closed",
        "erased": "The customer's personal data was erased",
        "save": "Save and continue editing",
        "unknown": "Unknown blank {ordr_number}",
        "filled": "Hello Ada Lovelace, order A-20931 ships today.",
    },
    "de": {
        "please": "Bitte melden Sie sich an",
        "log_in": "Anmelden",
        "username": "Benutzername",
        "password": "Passwort",
        "missing": "Diese Seite gibt es nicht",
        "close": "Schließen",
        "closed": "Geschlossen",
        "erased": "Die personenbezogenen Daten des Kunden wurden gelöscht",
        "save": "Sichern und weiter bearbeiten",
        "unknown": "Unbekannte Lücke {ordr_number}",
        "filled": "Hello Ada Lovelace, order A-20931 ships today.",
    },
}


def page_in(new_page, language: str) -> Page:
    return new_page(locale="de-DE" if language == "de" else "en-US")


def log_in(page: Page, base_url: str, username: str, words: dict) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(words["username"]).fill(username)
    page.get_by_label(words["password"]).fill("pw")
    page.get_by_role("button", name=words["log_in"]).click()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_api_docs_logged_out_lead_to_the_login_and_back(live_server, new_page, agent, language):
    words = WORDS[language]
    page = page_in(new_page, language)
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text(words["please"])
    page.get_by_role("link", name=words["log_in"]).click()
    page.get_by_label(words["username"]).fill("agent")
    page.get_by_label(words["password"]).fill("pw")
    page.get_by_role("button", name=words["log_in"]).click()
    expect(page).to_have_url(f"{live_server.url}/api/docs/")
    expect(page.locator("#swagger-ui")).to_be_attached()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_missing_page_is_styled_and_the_favicon_is_there(live_server, new_page, language):
    page = page_in(new_page, language)
    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[language]["missing"])
    # The card is styled: app.css and errors.css loaded (a white card with a border).
    background = page.locator(".card").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_erased_customers_case_is_closed_not_answered(
    live_server, new_page, agent, supervisor, language
):
    words = WORDS[language]
    case = case_in(State.IN_REVIEW)
    customer_erase(customer=case.customer, user=supervisor)
    page = page_in(new_page, language)
    log_in(page, live_server.url, "agent", words)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    expect(page.get_by_text(words["erased"])).to_be_visible()
    expect(page.locator('form[action$="/do/approve/"]')).to_have_count(0)
    page.locator('form[action$="/do/close/"]').get_by_role("button", name=words["close"]).click()
    expect(page.locator(".state").first).to_have_text(words["closed"])
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert not case.messages.filter(direction="out").exists()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_supervisor_fixes_a_draft_and_sees_it_filled(live_server, new_page, supervisor, language):
    words = WORDS[language]
    intent = IntentFactory(slug="order_status", required_slots=[])
    page = page_in(new_page, language)
    log_in(page, live_server.url, "supervisor", words)
    page.goto(f"{live_server.url}/admin/review/intent/{intent.pk}/change/")
    draft = page.locator("#id_reply_template_en")
    # Typing shows the draft filled from a sample case before anything is saved.
    draft.fill("Hello {customer_name}, see you soon.")
    expect(page.locator("pre.draft-preview[lang=en]")).to_have_text(
        "Hello Ada Lovelace, see you soon."
    )
    draft.fill("Hello {customer_name}, order {ordr_number} ships today.")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".errorlist")).to_contain_text(words["unknown"])
    page.locator("#id_reply_template_en").fill(
        "Hello {customer_name}, order {order_number} ships today."
    )
    page.locator('input[name="required_slots"][value="order_number"]').check()
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("pre.draft-preview[lang=en]")).to_have_text(words["filled"])
    intent.refresh_from_db()
    assert intent.required_slots == ["order_number"]
