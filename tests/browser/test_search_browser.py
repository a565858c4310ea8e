"""An agent finds a closed case by a word from its body and opens the customer's page from the
result, in English and in German (Chromium)."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, State
from tests.browser.test_workspace_browser import in_review, log_in
from tests.customers.test_composer_browser import in_german
from tests.factories import CustomerFactory, MessageFactory, case_in

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"search": "Search", "closed": "Closed"},
    "de": {"search": "Suche", "closed": "Geschlossen"},
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_finding_a_closed_case_by_a_word_from_its_body_and_opening_its_customer(
    live_server, page: Page, agent, language
):
    words = WORDS[language]
    in_review()  # an open case the search must not list
    customer = CustomerFactory(name="Hilda Grimsby", email="hilda@example.net")
    closed = case_in(State.CLOSED)
    Case.objects.filter(pk=closed.pk).update(customer=customer, subject="Parcel damaged")
    MessageFactory(case=closed, text="The quokka figurine arrived <b>broken</b>.")
    log_in(page, live_server.url, "agent")
    if language == "de":
        in_german(page)
    expect(page.locator("#case-list")).not_to_contain_text(closed.reference)  # not actionable

    page.get_by_label(words["search"], exact=True).fill("quokka")
    page.get_by_label(words["search"], exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=quokka(&|$)"))
    rows = page.locator("#case-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(closed.reference)
    expect(rows.first.locator(".state")).to_have_text(words["closed"])
    expect(rows.first.locator(".snippet mark")).to_have_text("quokka")
    # The customer's markup is never markup here (PostgreSQL's headline drops tags, SQLite's
    # excerpt shows them as text); only the match is marked.
    expect(rows.first.locator(".snippet")).to_contain_text("broken")
    expect(rows.first.locator(".snippet b")).to_have_count(0)

    rows.first.get_by_role("link", name="Hilda Grimsby").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilda Grimsby")
    case_row = page.locator("#customer-cases tbody tr")
    expect(case_row).to_have_count(1)
    expect(case_row.first).to_contain_text(closed.reference)
    expect(case_row.first.locator(".state")).to_have_text(words["closed"])

    # And back: the case's page links to the same customer page.
    case_row.first.get_by_role("link", name=closed.reference).click()
    page.locator(".case-head").get_by_role("link", name=re.compile("Hilda Grimsby")).click()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
