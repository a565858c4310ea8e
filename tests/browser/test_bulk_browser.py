"""Many cases at once and duplicates, in a real browser, in English and German (docs/bulk.md):
bulk-closing three cases from the queue, and merging a duplicate from its case page.

Texts are looked up with gettext in the page's language: the test holds before and after the
German catalogue has this work's translations.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from cases.models import Case, CaseEvent, Message, StaffProfile, State
from review.models import ReviewItem
from tests.factories import MessageFactory, case_in

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "de"]


def log_in_speaking(page: Page, base_url: str, user, language: str) -> None:
    """Log in as a user whose workspace language is `language` (their profile's)."""
    StaffProfile.objects.update_or_create(user=user, defaults={"language": language})
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill("pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("html")).to_have_attribute("lang", language)


def words(language: str, text: str, **values) -> str:
    with translation.override(language):
        return gettext(text) % values if values else gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_bulk_closing_three_cases(live_server, page: Page, agent, language):
    resolved = [case_in(State.RESOLVED) for _ in range(3)]
    log_in_speaking(page, live_server.url, agent, language)
    page.goto(f"{live_server.url}/?state=resolved")
    case_list = page.locator("#case-list")
    for case in resolved:
        expect(case_list).to_contain_text(case.reference)
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    for case in resolved:
        page.locator(f'#case-list input[name="case"][value="{case.reference}"]').check()
    page.locator("#bulk-action").select_option("close")
    page.locator("#bulk-reason").fill("Answered by phone")
    page.locator("#bulk button[type=submit]").click()

    status = page.locator("#bulk-status")
    expect(status).to_contain_text(
        words(language, "%(done)s of %(total)s cases done.", done=3, total=3)
    )
    for case in resolved:
        expect(case_list).not_to_contain_text(case.reference)
    assert page.evaluate("window.sameDocument") is True  # the list was swapped, not the page

    for case in resolved:
        case.refresh_from_db()
        assert case.state == State.CLOSED
        event = CaseEvent.objects.filter(case=case).last()
        assert (event.name, event.comment, event.actor_user) == (
            "close",
            "Answered by phone",
            agent,
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bulk_refusal_is_reported_for_its_case(live_server, page: Page, agent, language):
    in_review = case_in(State.IN_REVIEW)
    log_in_speaking(page, live_server.url, agent, language)
    page.locator(f'input[name="case"][value="{in_review.reference}"]').check()
    page.locator("#bulk-action").select_option("close")
    page.locator("#bulk-reason").fill("Done")
    page.locator("#bulk button[type=submit]").click()
    with translation.override(language):
        refused = gettext("Cannot be %(done)s while %(state)s.") % {
            "done": gettext("closed"),
            "state": State.IN_REVIEW.label,
        }
    expect(page.locator("#bulk-status li")).to_have_text(f"{in_review.reference}: {refused}")
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW


@pytest.mark.parametrize("language", LANGUAGES)
def test_merging_a_duplicate(live_server, page: Page, agent, language):
    kept = case_in(State.IN_REVIEW)
    duplicate = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=duplicate.pk).update(customer=kept.customer, duplicate_of=kept)
    ReviewItem.objects.create(
        case=duplicate, suggestion=duplicate.current_suggestion, reason_codes=["duplicate"]
    )
    MessageFactory(case=duplicate, text="Sent twice: where is my order 4711?")
    log_in_speaking(page, live_server.url, agent, language)

    page.goto(f"{live_server.url}/cases/{duplicate.reference}/")
    suggestion = page.locator(".duplicate")
    expect(suggestion).to_contain_text(
        words(language, "This looks like a duplicate of %(reference)s.", reference=kept.reference)
    )
    suggestion.get_by_role("button").click()

    with translation.override(language):
        closed = str(State.CLOSED.label)
    expect(page.locator("#case-state")).to_have_text(closed)
    expect(page.get_by_role("status")).to_contain_text(
        words(
            language,
            "Merged into %(into)s: its messages are there now.",
            into=kept.reference,
        )
    )
    page.locator(".organise .notice a").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{kept.reference}/")
    expect(page.locator(".conversation")).to_contain_text("Sent twice: where is my order 4711?")
    expect(page.locator("#timeline li.event-merged_from")).to_contain_text(duplicate.reference)

    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.merged_into) == (State.CLOSED, kept)
    assert not Message.objects.filter(case=duplicate).exists()
