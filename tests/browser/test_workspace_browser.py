"""The agents' workspace in a real browser: queue, case page, htmx swaps, no-JS, keyboard."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseEvent, Message, State
from review.models import ReviewItem
from tests.factories import UserFactory, case_in

pytestmark = pytest.mark.browser

TRANSITIONS = [
    "approve",
    "amend",
    "take_over",
    "escalate",
    "reply",
    "reply_and_wait",
    "propose",
    "reopen",
    "close",
]


def in_review(**suggestion):
    """A case waiting for review, with the open review item the queue and the page show."""
    case = case_in(State.IN_REVIEW, **suggestion)
    ReviewItem.objects.create(
        case=case, suggestion=case.current_suggestion, reason_codes=["low_confidence"]
    )
    return case


def log_in(page: Page, base_url: str, username: str, next_url: str = "") -> None:
    page.goto(f"{base_url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def transitions(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case, name__in=TRANSITIONS).values_list("name", flat=True)
    )


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR") or tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_agents_day_amend_and_approve_from_the_queue(live_server, page: Page, agent):
    case = in_review(draft_reply="Hello, your order is on its way.")
    busy = case_in(State.IN_PROGRESS)
    log_in(page, live_server.url, "agent")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    expect(page.locator("#case-list")).to_contain_text(busy.reference)

    page.get_by_label("State", exact=True).select_option(label="In review")
    expect(page).to_have_url(re.compile(r"[?&]state=in_review(&|$)"))
    assert "state=in_review" in page.url
    case_list = page.locator("#case-list")
    expect(case_list).not_to_contain_text(busy.reference)
    row = case_list.get_by_role("row").filter(has_text=case.reference)
    expect(row.locator(".tag")).to_have_text("the AI is not confident enough")
    expect(row.locator(".tag")).to_have_attribute("title", "low_confidence")

    row.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator("#case-state")).to_have_text("In review")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    # One composer: what is on the screen is sent; a changed draft makes the approve an amend.
    page.get_by_label("Draft reply").fill("Hello, your parcel arrives on Friday.")
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator("#case-state")).to_have_text("Resolved")
    expect(page.get_by_role("status").filter(has_text="Done: amend and approve.")).to_be_visible()
    expect(page.locator("#timeline li.event-amend")).to_contain_text("In review → Resolved")
    assert page.evaluate("window.sameDocument") is True

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.locator("#case-list")).to_contain_text(busy.reference)
    expect(page.locator("#case-list")).not_to_contain_text(case.reference)

    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert transitions(case) == ["amend"]
    out = Message.objects.get(case=case, direction=Message.Direction.OUTBOUND)
    assert out.text == "Hello, your parcel arrives on Friday."
    assert out.author_user == agent


def test_two_agents_on_one_case_the_second_sees_who_was_first(live_server, new_page):
    UserFactory(username="anna", first_name="Anna", role="agent")
    UserFactory(username="bert", first_name="Bert", role="agent")
    case = in_review()
    anna, bert = new_page(), new_page()
    for page, name in ((anna, "anna"), (bert, "bert")):
        log_in(page, live_server.url, name, next_url=f"/cases/{case.reference}/")
        expect(page.locator("#case-state")).to_have_text("In review")

    anna.get_by_role("button", name="Take over").click()
    expect(anna.locator("#case-state")).to_have_text("In progress")

    bert.get_by_role("button", name="Approve", exact=True).click()
    expect(bert.get_by_role("alert")).to_contain_text("Already handled by Anna")
    expect(bert.locator("#case-state")).to_have_text("In progress")
    expect(bert.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert case.assignee.username == "anna"
    assert transitions(case) == ["take_over"]


def test_an_internal_note_is_added_in_place_and_shown_as_text(live_server, page: Page, agent):
    case = in_review()
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    page.evaluate("window.sameDocument = true")
    note = '<b hx-get="/" onclick="alert(1)">Customer called</b> twice'
    page.get_by_label("Note", exact=True).fill(note)
    page.get_by_role("button", name="Add note").click()

    expect(page.get_by_role("status").filter(has_text="Note added.")).to_be_visible()
    expect(page.locator("#timeline li.event-note")).to_contain_text(note)
    assert page.evaluate("window.sameDocument") is True
    assert CaseEvent.objects.get(case=case, name="note").comment == note


def test_a_double_click_on_approve_approves_once(live_server, page: Page, agent):
    case = in_review()
    posts = []
    # The presence heartbeats (docs/live.md) are no actions: not counted.
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/presence/" not in r.url else None,
    )
    log_in(page, live_server.url, "agent", next_url=f"/cases/{case.reference}/")
    posts.clear()

    page.get_by_role("button", name="Approve", exact=True).dblclick()
    expect(page.locator("#case-state")).to_have_text("Resolved")
    expect(page.get_by_role("status").filter(has_text="Done: approve.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)

    assert transitions(case) == ["approve"]
    assert posts == [f"{live_server.url}/cases/{case.reference}/do/approve/"]
    assert Message.objects.filter(case=case, direction=Message.Direction.OUTBOUND).count() == 1


def test_the_workspace_works_without_javascript(live_server, new_page, agent):
    case = in_review()
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, "agent")
    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.reference}/")

    page.get_by_role("button", name="Take over").click()

    expect(page).to_have_url(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator("#case-state")).to_have_text("In progress")
    expect(page.locator(".messages")).to_contain_text("Done: take over.")
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_PROGRESS, agent)
    assert transitions(case) == ["take_over"]


def test_keyboard_shortcuts_open_a_case_and_take_it_over(live_server, page: Page, agent):
    case, later = in_review(), in_review()  # the queue lists the earliest due first
    log_in(page, live_server.url, "agent")
    links = page.locator("#case-list [data-row-link]")
    expect(links).to_have_count(2)
    link = links.first
    expect(link).to_have_text(case.reference)

    page.keyboard.press("j")
    expect(link).to_be_focused()
    page.keyboard.press("j")
    expect(links.nth(1)).to_have_text(later.reference)
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator("#case-state")).to_have_text("In review")

    page.keyboard.press("t")
    expect(page.locator("#case-state")).to_have_text("In progress")
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_PROGRESS, agent)


def test_an_agent_switches_the_language_to_german(live_server, page: Page, agent):
    log_in(page, live_server.url, "agent")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("State", exact=True).select_option(label="In review")
    expect(page).to_have_url(re.compile(r"[?&]state=in_review(&|$)"))
    filtered = page.url
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(filtered)  # back to the list the agent was on, filters and all
    page.reload()  # remembered for the user, not just for one response
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_the_queue_announces_new_cases_and_reloads_the_filtered_list(
    live_server, page: Page, agent
):
    in_review()
    page.clock.install()  # the news poll runs every 20 s: fast-forward instead of waiting
    log_in(page, live_server.url, "agent")
    page.get_by_label("State", exact=True).select_option(label="In review")
    expect(page).to_have_url(re.compile(r"[?&]state=in_review(&|$)"))
    filtered = page.url
    arrived = in_review()

    page.clock.fast_forward("00:21")
    news = page.get_by_role("link", name="1 new case arrived — show it")
    expect(news).to_be_visible()
    news.click()

    expect(page).to_have_url(filtered)
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    expect(page.locator("#case-list")).to_contain_text(arrived.reference)
    expect(page.get_by_label("State", exact=True)).to_have_value("in_review")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 820, "height": 1180}],
    ids=["desktop", "tablet"],
)
def test_screenshots_of_the_queue_and_a_case(live_server, new_page, agent, artifacts_dir, viewport):
    case = in_review(
        confidence=0.55,
        draft_reply="Hello, your order 123456 left our warehouse today and arrives on Friday.",
        slots={"order_number": "123456", "tracking_url": "https://carrier.example/t/" + "x" * 80},
        alternatives=[["order_status", 0.42], ["refund_request", 0.21]],
    )
    case_in(State.IN_PROGRESS)
    case_in(State.ESCALATED)
    page = new_page(viewport=viewport)
    log_in(page, live_server.url, "agent")
    suffix = "" if viewport["width"] == 1280 else f"-{viewport['width']}"
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth"

    expect(page.locator("#case-list")).to_contain_text(case.reference)
    page.screenshot(path=artifacts_dir / f"queue{suffix}.png", full_page=True)
    assert not page.evaluate(wide), "the queue scrolls sideways"

    page.goto(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator("#case-state")).to_have_text("In review")
    page.screenshot(path=artifacts_dir / f"case{suffix}.png", full_page=True)
    assert not page.evaluate(wide), "the case page scrolls sideways"
