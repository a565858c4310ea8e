"""Presence and mentions in a real browser, in English and German: two people on one case."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from cases.models import StaffProfile
from tests.browser.test_workspace_browser import in_review
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

POLL = 15_000  # ms: the case page polls every 10 s


def person(username: str, first_name: str, language: str):
    user = UserFactory(username=username, first_name=first_name, role="agent")
    StaffProfile.objects.create(user=user, language=language)
    return user


def sign_in(page: Page, base_url: str, username: str, next_url: str) -> None:
    """Log in by the fields' names: the login page speaks the browser's language."""
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}{next_url}")


def words(language: str, text: str, **values) -> str:
    with translation.override(language):
        return gettext(text) % values if values else gettext(text)


@pytest.mark.parametrize("language", ["en", "de"])
def test_seeing_a_colleagues_presence(live_server, new_page, language):
    person("anna", "Anna", language)
    person("ben", "Ben", language)
    case = in_review()
    url = f"/cases/{case.reference}/"
    ben = new_page(locale=language)
    sign_in(ben, live_server.url, "ben", url)
    anna = new_page(locale=language)
    sign_in(anna, live_server.url, "anna", url)
    expect(anna.locator("html")).to_have_attribute("lang", language)

    viewing = words(language, "%(name)s is viewing this case", name="Ben")
    expect(anna.locator("#presence")).to_have_text(viewing)
    expect(ben.locator("#presence")).to_have_text(
        words(language, "%(name)s is viewing this case", name="Anna"), timeout=POLL
    )

    ben.locator("#note").press_sequentially("Calling the customer now", delay=20)
    typing = words(language, "%(name)s is typing a reply", name="Ben")
    expect(anna.locator("#presence")).to_have_text(typing, timeout=POLL)

    # The queue marks the case Ben has open; Anna left it, so Ben's marker stays.
    anna.goto(f"{live_server.url}/")
    row = anna.locator("#case-list tr").filter(has_text=case.reference)
    expect(row.locator(".presence-marker")).to_contain_text("Ben")
    ben.close()  # Ben leaves: after 30 s without a heartbeat the marker would go


@pytest.mark.parametrize("language", ["en", "de"])
def test_receiving_a_mention(live_server, new_page, language):
    person("anna", "Anna", language)
    person("ben", "Ben", language)
    case = in_review()
    url = f"/cases/{case.reference}/"
    anna = new_page(locale=language)
    sign_in(anna, live_server.url, "anna", url)
    anna.locator("#note").fill("@Ben could you call the customer? @nobody")
    anna.locator(f"form[action='{url}note/'] button").click()
    expect(anna.locator("#timeline mark.mention")).to_have_text("@Ben")

    ben = new_page(locale=language)
    sign_in(ben, live_server.url, "ben", "/")
    badge = ben.locator("#notifications-badge")
    expect(badge).to_have_text(words(language, "%(counter)s unread", counter=1))
    ben.locator("#notifications-link").click()
    expect(ben).to_have_url(f"{live_server.url}/notifications/")
    item = ben.locator(".notification-list li").first
    expect(item).to_contain_text(
        words(
            language,
            "%(actor)s mentioned you on case %(reference)s.",
            actor="Anna",
            reference=case.reference,
        )
    )
    expect(item).to_contain_text("@Ben could you call the customer?")
    expect(ben.locator("#notifications-badge")).to_have_count(0)  # read once opened

    item.get_by_role("link", name=words(language, "Open the case")).click()
    expect(ben).to_have_url(f"{live_server.url}{url}")
    mark = ben.locator("#timeline mark.mention")
    expect(mark).to_have_text("@Ben")
    expect(ben.locator("#timeline")).to_contain_text("@nobody")
    expect(ben.locator("#presence")).to_have_count(1)
