"""What the agent approves is what the customer gets, in Chromium and over real SMTP: the
edited draft goes out byte for byte, a blank stops the send until it is filled, and the
conversation shows the options sent and the option the customer chose."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import ActionKind, Message, State
from customers.services import confirmation_decide
from tests.browser.test_workspace_browser import in_review, log_in, transitions

pytestmark = pytest.mark.browser


def in_german(page: Page) -> None:
    switch = page.locator("form[action='/settings/language/']")
    switch.locator("select").select_option("de")
    switch.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def plain_body(message) -> str:
    """The text part as sent, with the wire's CRLF line ends read as newlines."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_an_edited_reply_reaches_the_smtp_server_as_it_was_approved(
    live_server, page: Page, agent, smtp
):
    case = in_review(draft_reply="Hello Ada,\n\nyour order is on its way.")
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    edited = "Hello Ada,\n\nyour parcel arrives on Friday — before noon.\n\nKind regards"
    page.get_by_label("Draft reply").fill(edited)
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator("#case-state")).to_have_text("Resolved")
    expect(page.get_by_role("status").filter(has_text="Done: amend and approve.")).to_be_visible()
    (sent,) = smtp.wait_for(1)
    body = plain_body(sent)
    assert body.startswith(edited + "\n"), body  # the feedback link's line follows
    assert body.count("Hello Ada,") == 1
    assert Message.objects.get(case=case, direction="out").text == edited
    assert transitions(case) == ["amend"]


def test_a_draft_with_a_blank_is_sent_only_once_the_blank_is_filled(
    live_server, page: Page, agent, smtp
):
    draft = "Guten Tag Ada,\n\nIhre Bestellung {order_number} ist unterwegs."
    case = in_review(draft_reply=draft, language="de")
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    in_german(page)

    page.get_by_role("button", name="Freigeben", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Der Text hat noch Lücken: Bestellnummer.")
    expect(page.locator("#case-state")).to_have_text("In Prüfung")
    assert smtp.received == [] and transitions(case) == []

    page.get_by_label("Bestellnummer").fill("4711-2231")
    page.get_by_role("button", name="Freigeben", exact=True).click()
    expect(page.locator("#case-state")).to_have_text("Gelöst")
    (sent,) = smtp.wait_for(1)
    assert plain_body(sent).startswith(
        "Guten Tag Ada,\n\nIhre Bestellung 4711-2231 ist unterwegs.\n"
    )
    assert "{" not in plain_body(sent)


def test_the_conversation_shows_the_options_sent_and_the_option_chosen(
    live_server, page: Page, agent, smtp
):
    options = [
        {"id": "2026-06-01", "label": "Monday, 1 June"},
        {"id": "2026-06-02", "label": "Tuesday, 2 June"},
    ]
    case = in_review(
        action=ActionKind.CHOOSE, options=options, draft_reply="Hello Ada,\n\nwhen suits you?"
    )
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#case-state")).to_have_text("Awaiting customer")
    (asked,) = smtp.wait_for(1)
    assert "Monday, 1 June" in plain_body(asked) and "Tuesday, 2 June" in plain_body(asked)

    case.refresh_from_db()
    confirmation_decide(
        confirmation=case.confirmations.get(status="pending"),
        decision="accept",
        option="2026-06-02",
    )
    page.reload()
    conversation = page.locator(".conversation")
    expect(conversation).to_contain_text("Email to the customer: Please decide")
    expect(conversation.locator("article.email").first).to_contain_text("when suits you?")
    expect(conversation.locator("ul.options").first).to_contain_text("Monday, 1 June")
    expect(conversation).to_contain_text("Chose: Tuesday, 2 June")
    expect(page.locator("#case-state")).to_have_text("Resolved")
    assert case.messages.filter(direction="out").count() == 0  # a question, not a reply
    case.refresh_from_db()
    assert case.state == State.RESOLVED
