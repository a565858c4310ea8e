"""The customer in the loop, end to end: a message arrives, the AI asks, the email goes out over
real SMTP, the customer opens the link in Chromium on a phone-sized screen and decides.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.formats import value_text
from cases.models import CaseEvent, State
from customers.emails import link_for
from customers.models import ConfirmationRequest
from tests.customers.conftest import (
    CHOOSE_TEXT,
    CHOOSE_TEXT_DE,
    CONFIRM_TEXT,
    LINK,
    REPLY_TEXT,
    receive,
    snapshot,
)
from tests.factories import case_in

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def body_of(message, subtype="plain") -> str:
    return message.get_body((subtype,)).get_content()


def link_in(message) -> str:
    found = LINK.search(body_of(message))
    assert found, body_of(message)
    return found.group(0)


def open_link(page: Page, live_server, link: str, status: int = 200):
    assert link.startswith(live_server.url + "/c/")
    response = page.goto(link)
    assert response.status == status
    if status == 404:  # no link of ours: answered where it is, without a session
        assert response.request.redirected_from is None
    else:
        expect(page).to_have_url(f"{live_server.url}/c/")  # the token left the address bar
        assert response.request.redirected_from.url == link
    fits_a_phone(page)
    return response


def fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def shoot(page: Page, artifacts_dir, kind: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"customer-{kind}.png"), full_page=True)


def posts_of(page: Page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    return posts


def the_only(case, name: str) -> CaseEvent:
    events = list(CaseEvent.objects.filter(case=case, name=name))
    assert len(events) == 1, [e.name for e in case.events.all()]
    return events[0]


def test_a_customer_chooses_a_delivery_date_from_the_email(
    live_server, page: Page, smtp, trained, artifacts_dir
):
    case = receive(CHOOSE_TEXT, message_id="<choose-1@customer.example>")
    assert case.state == State.AWAITING_CUSTOMER
    confirmation = case.confirmations.get()
    options = confirmation.options
    assert len(options) == 3

    (request,) = smtp.wait_for(1)
    assert request["To"] == "ada@example.com"
    assert request["Subject"].strip() == f"Please choose an option [#{case.reference}]"
    assert request["In-Reply-To"] == "<choose-1@customer.example>"
    assert request["Auto-Submitted"] == "auto-generated"
    link = link_in(request)
    assert link in body_of(request, "html")
    for option in options:
        assert option["label"] in body_of(request)

    # The page loads, runs its scripts and waits: nothing is posted, nothing changes (B10).
    before = snapshot(case)
    posts = posts_of(page)
    open_link(page, live_server, link)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please choose one option")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text(f"Your request {case.reference}")).to_be_visible()
    expect(page.get_by_role("button", name="I'd rather talk to a person")).to_be_visible()
    shoot(page, artifacts_dir, "open-choose")
    assert posts == [] and snapshot(case) == before

    page.goto(f"{live_server.url}/c/?lang=de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte wählen Sie eine Option")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label(options[1]["label"]).check()
    page.get_by_role("button", name="Confirm my choice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answer")
    expect(page.get_by_text(f"You chose: {options[1]['label']}.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/c/")
    fits_a_phone(page)
    shoot(page, artifacts_dir, "decided")
    assert len(posts) == 1

    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert case.outcome == {"accepted": True, "comment": "", "option": options[1]}
    event = the_only(case, "customer_accept")
    assert (event.actor_kind, event.confirmation_id) == ("customer", confirmation.pk)
    assert (event.from_state, event.to_state) == (State.AWAITING_CUSTOMER, State.RESOLVED)

    _request_again, decided = smtp.wait_for(2)
    assert decided["Subject"].strip() == f"We have your answer [#{case.reference}]"
    assert f"You chose: {options[1]['label']}." in body_of(decided)
    assert "/c/" not in body_of(decided)
    assert decided["Message-ID"] != request["Message-ID"]

    page.reload()  # post/redirect/get: a reload shows the answer and posts nothing
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answer")
    assert len(posts) == 1
    assert CaseEvent.objects.filter(case=case, name="customer_accept").count() == 1


def test_a_german_customer_reads_and_declines_in_german(
    live_server, page: Page, smtp, trained, artifacts_dir
):
    case = receive(CHOOSE_TEXT_DE, from_name="Anna")
    assert (case.state, case.language) == (State.AWAITING_CUSTOMER, "de")
    (request,) = smtp.wait_for(1)
    assert request["Subject"].strip() == f"Bitte wählen Sie eine Option [#{case.reference}]"
    assert "Guten Tag Anna," in body_of(request)
    assert "Hier entscheiden (ohne Anmeldung)" in body_of(request, "html")

    open_link(page, live_server, link_in(request))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte wählen Sie eine Option")
    expect(page.get_by_text("Ich möchte lieber mit einem Menschen sprechen")).to_be_visible()
    page.goto(f"{live_server.url}/c/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/c/?lang=de")

    page.get_by_role("textbox").fill("Nur samstags")
    page.get_by_role("button", name="Keine davon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vielen Dank, Ihre Antwort ist bei uns eingegangen"
    )
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    event = the_only(case, "customer_decline")
    assert (event.actor_kind, event.comment) == ("customer", "Nur samstags")
    assert event.reason_codes == ["customer_declined"]
    _, decided = smtp.wait_for(2)
    assert decided["Subject"].strip() == f"Ihre Antwort ist bei uns eingegangen [#{case.reference}]"


@pytest.mark.parametrize("accept", [True, False], ids=["accept", "decline"])
def test_a_customer_accepts_or_declines_an_adjustment(
    live_server, page: Page, smtp, trained, artifacts_dir, accept
):
    case = receive(CONFIRM_TEXT, message_id="<confirm-1@customer.example>")
    assert case.state == State.AWAITING_CUSTOMER
    confirmation = case.confirmations.get()
    assert confirmation.kind == "confirm" and confirmation.adjustment
    (request,) = smtp.wait_for(1)
    assert request["Subject"].strip() == f"Please confirm a change [#{case.reference}]"

    open_link(page, live_server, link_in(request))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please accept or decline this change"
    )
    for value in confirmation.adjustment.values():  # in the customer's formats, not ISO
        expect(page.locator("dl.details")).to_contain_text(value_text(value))
    # The change is stated, not only named: the address taken from the message.
    expect(page.locator("dl.details")).to_contain_text("New addressGartenweg 12, 20249 Hamburg")
    if accept:
        shoot(page, artifacts_dir, "open-confirm")
        page.get_by_role("button", name="I accept this change").click()
        expect(page.get_by_text("You accepted the change.")).to_be_visible()
        expect(page.locator("dl.details")).to_contain_text("Gartenweg 12, 20249 Hamburg")
    else:
        page.get_by_label("I decline").fill("I am staying after all")
        page.get_by_role("button", name="Decline the change").click()
        expect(page.get_by_text("A colleague will look at your request again")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answer")

    case.refresh_from_db()
    confirmation.refresh_from_db()
    name = "customer_accept" if accept else "customer_decline"
    event = the_only(case, name)
    assert (event.actor_kind, event.confirmation_id) == ("customer", confirmation.pk)
    if accept:
        assert case.state == State.RESOLVED
        assert case.outcome == {
            "accepted": True,
            "comment": "",
            "adjustment": confirmation.adjustment,
        }
        assert not CaseEvent.objects.filter(case=case, name="customer_decline").exists()
    else:
        assert case.state == State.IN_REVIEW
        assert event.comment == "I am staying after all"
        assert confirmation.status == "declined"
        assert case.review_items.get(status="open").reason_codes == ["customer_declined"]
    _, decided = smtp.wait_for(2)
    assert decided["Subject"].strip() == f"We have your answer [#{case.reference}]"


@pytest.mark.parametrize("helped", [True, False], ids=["yes", "no"])
def test_a_customer_says_whether_the_answer_helped(
    live_server, page: Page, smtp, trained, artifacts_dir, helped
):
    case = receive(REPLY_TEXT, message_id="<reply-1@customer.example>")
    assert case.state == State.RESOLVED
    feedback = case.confirmations.get(kind="feedback")
    (reply,) = smtp.wait_for(1)
    assert f"[#{case.reference}]" in reply["Subject"]
    assert reply["In-Reply-To"] == "<reply-1@customer.example>"
    text = body_of(reply)
    assert text.startswith("Hello Ada, your order 654321 arrives tomorrow.")
    assert "Did this answer help you? Tell us in one click:" in text

    open_link(page, live_server, link_in(reply))
    expect(page.get_by_role("heading", level=1)).to_have_text("Did our answer help you?")
    if helped:
        page.get_by_role("button", name="Yes, it helped").click()
        expect(page.get_by_text("You told us our answer helped.")).to_be_visible()
    else:
        shoot(page, artifacts_dir, "open-feedback")
        page.get_by_label("No, it did not help").fill("It still has not arrived")
        page.get_by_role("button", name="It did not help").click()
        expect(page.get_by_text("A colleague will look at your request again")).to_be_visible()

    case.refresh_from_db()
    if helped:
        assert case.state == State.RESOLVED
        event = the_only(case, "customer_feedback")
        assert event.data == {"helped": True, "comment": ""}
    else:
        assert case.state == State.IN_REVIEW
        event = the_only(case, "reopen")
        assert event.reason_codes == ["customer_feedback_negative"]
        assert event.comment == "It still has not arrived"
        review = case.review_items.get(status="open")
        assert review.reason_codes == ["customer_feedback_negative"]
    assert (event.actor_kind, event.confirmation_id) == ("customer", feedback.pk)
    assert len(smtp.wait_for(1)) == 1  # feedback sends no further email


def test_refused_links_each_have_a_clear_page(live_server, page: Page, smtp, artifacts_dir):
    expired_case = case_in(State.AWAITING_CUSTOMER)
    expired = expired_case.confirmations.get()
    ConfirmationRequest.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=5)
    )
    superseded_case = case_in(State.AWAITING_CUSTOMER)
    superseded = superseded_case.confirmations.get()
    ConfirmationRequest.issue(
        case=superseded_case, kind="choose", options=[{"id": "b", "label": "Tuesday"}]
    )
    unknown = f"{live_server.url}/c/{'x' * 43}/"
    pages = [
        ("expired", link_for(expired), 410, "This link has expired", "Dieser Link ist abgelaufen"),
        (
            "superseded",
            link_for(superseded),
            410,
            "There is a newer proposal",
            "Es gibt einen neueren Vorschlag",
        ),
        ("unknown", unknown, 404, "This link is not valid", "Dieser Link ist ungültig"),
    ]
    before = snapshot(expired_case, superseded_case)
    posts = posts_of(page)
    for kind, link, status, english, german in pages:
        open_link(page, live_server, link, status=status)
        expect(page.get_by_role("heading", level=1)).to_have_text(english)
        expect(page.get_by_role("button")).to_have_count(0)  # nothing to decide here
        for case in (expired_case, superseded_case):
            expect(page.locator("body")).not_to_contain_text(case.reference)
            expect(page.locator("body")).not_to_contain_text(case.customer.name)
        shoot(page, artifacts_dir, kind)
        here = link if kind == "unknown" else f"{live_server.url}/c/"
        assert page.goto(f"{here}?lang=de").status == status
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", level=1)).to_have_text(german)
        page.goto(f"{live_server.url}/c/?lang=en")
    assert posts == []
    assert snapshot(expired_case, superseded_case) == before
    assert smtp.received == []


def test_customer_pages_fetch_nothing_from_another_origin(live_server, page: Page, smtp, db):
    case = case_in(State.AWAITING_CUSTOMER)
    origins = set()
    page.on("request", lambda r: origins.add(urlsplit(r.url).netloc))
    open_link(page, live_server, link_for(case.confirmations.get()))
    page.wait_for_load_state("networkidle")
    assert origins == {urlsplit(live_server.url).netloc}
