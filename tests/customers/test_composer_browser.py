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


WAIT = {
    "en": {
        "take_over": "Take over",
        "reply": "Reply to the customer",
        "wait": "Send and keep waiting",
        "waiting": "Awaiting customer",
        "done": "Done: reply and wait. The reply was sent to Ada Lovelace.",
        "back": "In review",
    },
    "de": {
        "take_over": "Fall übernehmen",
        "reply": "Antwort an den Kunden",
        "wait": "Senden und weiter warten",
        "waiting": "Wartet auf Kunde",
        "done": "Erledigt: antworten und warten. Die Antwort wurde an Ada Lovelace gesendet.",
        "back": "In Prüfung",
    },
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_answer_that_keeps_the_case_open_until_the_customer_replies(
    live_server, page: Page, agent, smtp, language
):
    from cases.intake import message_receive

    words = WAIT[language]
    case = in_review(draft_reply="Hello Ada,\n\nit is on its way.")
    case.customer.name = "Ada Lovelace"
    case.customer.save()
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    if language == "de":
        in_german(page)
    page.get_by_role("button", name=words["take_over"]).click()
    question = "Hello Ada,\n\ncould you send us a photo of the meter?"
    page.get_by_label(words["reply"]).fill(question)
    page.get_by_role("button", name=words["wait"]).click()
    expect(page.locator("#case-state")).to_have_text(words["waiting"])
    expect(page.get_by_role("status")).to_contain_text(words["done"])
    (sent,) = smtp.wait_for(1)
    assert plain_body(sent) == question + "\n"  # a question asks nothing to click: no link
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER and not case.confirmations.pending().exists()

    message_receive(
        from_email=case.customer.email,
        from_name="Ada Lovelace",
        subject=f"Re: {case.subject}",
        body="Here is the photo.",
        in_reply_to=sent["Message-ID"],
    )
    page.reload()
    expect(page.locator("#case-state")).to_have_text(words["back"])
    expect(page.locator(".conversation")).to_contain_text("Here is the photo.")
    case.refresh_from_db()
    assert case.assignee == agent  # still theirs
    assert transitions(case) == ["take_over", "reply_and_wait", "reopen"]
