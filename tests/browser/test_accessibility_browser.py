"""WCAG 2.1 AA in a real browser, in English and German (docs/accessibility.md): axe-core on
every page, focus and the one live region after every htmx swap, shortcuts a person turns off,
an approve by key that asks first, contrast of the focus ring, priority in words, named
controls, reflow at 320 px and a title per page.

Texts are looked up with gettext in the page's language: the test holds before and after the
German catalogue has this work's translations.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from cases.models import Case, CaseEvent, Message, Priority, StaffProfile, State
from cases.models import transitions_of as transitions_of_case
from tests.browser.axe import assert_accessible
from tests.browser.test_workspace_browser import in_review
from tests.factories import UserFactory, case_in

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "de"]


def words(language: str, text: str, **values) -> str:
    with translation.override(language):
        return gettext(text) % values if values else gettext(text)


def person(username: str, language: str, role: str = "agent", **profile):
    user = UserFactory(username=username, first_name=username.title(), role=role)
    StaffProfile.objects.create(user=user, language=language, **profile)
    return user


def sign_in(page: Page, base_url: str, username: str, next_url: str = "/") -> None:
    """Log in by the fields' names: the login page speaks the browser's language."""
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}{next_url}")


def announced(page: Page):
    return page.locator("#announcer")


def focused_text(page: Page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


# axe-core on every page.


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_breaks_wcag_21_aa(live_server, new_page, language):
    person("sara", language, role="supervisor")
    case = in_review(draft_reply="Hello, your order {order_number} is on its way.")
    case.priority = Priority.URGENT
    case.save()
    busy = case_in(State.IN_PROGRESS)
    waiting = case_in(State.AWAITING_CUSTOMER)
    # Countdowns in every colour: soon (warning text), overdue (error text), ok (success text).
    soon, late = in_review(), in_review()
    now = timezone.now()
    Case.objects.filter(pk=soon.pk).update(
        due_at=now + timedelta(minutes=30), first_response_due_at=None
    )
    Case.objects.filter(pk=late.pk).update(
        due_at=now - timedelta(hours=2), first_response_due_at=None
    )
    page = new_page(locale=language)

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "login")
    sign_in(page, live_server.url, "sara")
    page.goto(f"{live_server.url}/")
    for status in ("ok", "soon", "breached"):
        expect(page.locator(f"#case-list .sla-{status}").first).to_be_visible()
    for path in [
        "/",
        "/?state=all",
        f"/cases/{case.reference}/",
        f"/cases/{busy.reference}/",
        f"/cases/{waiting.reference}/",
        "/review/",
        "/dashboard/",
        "/notifications/",
        f"/customers/{case.customer_id}/",
        "/accounts/password_change/",
        "/outbox/",
        "/admin/",
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        "/admin/review/intent/",
        f"/admin/review/intent/{case.current_suggestion.intent_id}/change/",
        f"/admin/customers/customer/{case.customer_id}/change/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page, path)

    # The admin's date and time inputs are named by their field.
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    with translation.override(language):
        due_at = str(capfirst(Case._meta.get_field("due_at").verbose_name))
    for part in ("date", "time"):
        name = f"{due_at}: {words(language, part)}"
        expect(page.get_by_label(name, exact=True)).to_have_count(1)

    # After a swap too: the case panel with its outcome, the approve dialog open.
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.keyboard.press("a")
    expect(page.locator("#approve-confirm")).to_be_visible()
    assert_accessible(page, "approve dialog")
    page.keyboard.press("Escape")
    page.locator("form[action$='/note/'] textarea").fill("Called")
    page.locator("form[action$='/note/'] button").click()
    expect(announced(page)).to_have_text(words(language, "Note added."))
    assert_accessible(page, "case after a note")


@pytest.mark.parametrize("language", LANGUAGES)
def test_customer_pages_pass_axe_and_each_has_its_own_title(live_server, new_page, language):
    from customers.models import ConfirmationRequest

    page = new_page(locale=language, viewport={"width": 320, "height": 640})
    titles = {}
    for kind in ["choose", "confirm", "feedback"]:
        case = case_in(State.AWAITING_CUSTOMER)
        case.confirmations.all().delete()
        extra = {"options": [{"id": "a", "label": "Monday"}]} if kind == "choose" else {}
        if kind == "confirm":
            extra = {"adjustment": {"address": "Gartenweg 12, 20249 Hamburg"}}
        confirmation = ConfirmationRequest.issue(case=case, kind=kind, **extra)
        page.goto(f"{live_server.url}/c/{confirmation.link_token()}/")
        page.goto(f"{live_server.url}/c/?lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page, f"customer page {kind}")
        assert not page.evaluate(WIDE), f"the {kind} page scrolls sideways at 320 px"
        titles[kind] = page.title()
        heading = page.get_by_role("heading", level=1).inner_text()
        assert titles[kind] == f"{heading} · {words(language, 'Customer service')}"
    page.goto(f"{live_server.url}/c/not-a-token/")
    assert_accessible(page, "customer page unknown")
    titles["unknown"] = page.title()
    assert titles["unknown"].startswith(words(language, "This link is not valid"))
    assert len(set(titles.values())) == 4, titles


# Focus and the live region after every swap.


@pytest.mark.parametrize("language", LANGUAGES)
def test_focus_stays_or_moves_to_the_result_and_the_live_region_says_it(
    live_server, page: Page, language
):
    person("anna", language)
    case = in_review()
    sign_in(page, live_server.url, "anna", f"/cases/{case.reference}/")
    region = announced(page)
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_be_empty()
    page.evaluate("window.sameDocument = true")

    # A note: the panel is swapped, and focus is back on the button used.
    page.locator("#note").fill("Customer called")
    add_note = page.locator("form[action$='/note/'] button")
    add_note.focus()
    page.keyboard.press("Enter")
    expect(region).to_have_text(words(language, "Note added."))
    expect(page.locator("form[action$='/note/'] button")).to_be_focused()
    assert page.evaluate("document.body === document.activeElement") is False

    # Take over: the button is gone, focus moves to the outcome, which the region reads out.
    page.locator("form[action$='/do/take_over/'] button").click()
    with translation.override(language):
        label = str(transitions_of_case()["take_over"][0].custom["label"]).lower()
    done = words(language, "Done: %(transition)s.", transition=label)
    expect(page.locator("#case-main p.success")).to_be_focused()
    expect(page.locator("#case-main p.success")).to_have_text(done)
    expect(region).to_have_text(done)
    assert page.evaluate("window.sameDocument") is True
    # The region is the page's only one, never swapped: the outcome paragraph is not live.
    assert page.locator("[aria-live], [role=status]").count() == 1

    # A refusal: focus on the error.
    other = in_review()
    other.assignee = UserFactory(username="bert", first_name="Bert", role="agent")
    other.save()
    page.goto(f"{live_server.url}/cases/{other.reference}/")
    page.locator("form.composer button.primary").click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(
        words(language, "Assigned to %(name)s: they decide this case.", name="Bert")
    )
    expect(alert).to_be_focused()
    assert transitions_of(other) == []


def transitions_of(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("name", flat=True))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_filter_keeps_focus_and_the_count_is_read_out(live_server, page: Page, language):
    person("anna", language)
    in_review(), in_review()
    case_in(State.IN_PROGRESS)
    sign_in(page, live_server.url, "anna")
    region = announced(page)
    expect(region).to_be_empty()  # nothing read out on load but the page itself
    state = page.locator("#filter-state")
    state.focus()
    state.select_option("in_review")
    expect(page).to_have_url(re.compile(r"[?&]state=in_review(&|$)"))
    with translation.override(language):
        count = ngettext("%(counter)s case", "%(counter)s cases", 2) % {"counter": 2}
    expect(region).to_have_text(count)
    expect(state).to_be_focused()


@pytest.mark.parametrize("language", LANGUAGES)
def test_paging_keeps_focus_on_the_page_links_and_reads_the_count(
    live_server, page: Page, language
):
    from tests.cases.test_workspace import bulk_cases

    person("anna", language)
    bulk_cases(120)
    sign_in(page, live_server.url, "anna")
    page.evaluate("window.sameDocument = true")
    with translation.override(language):
        count = ngettext("%(counter)s case", "%(counter)s cases", 120) % {"counter": 120}
    following = page.locator("#case-list a[rel=next]")
    following.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(announced(page)).to_have_text(count)
    expect(page.locator("#case-list a[rel=next]")).to_be_focused()  # page 2 of 3: on to the third
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]page=3(&|$)"))
    expect(page.locator("#case-list .summary")).to_be_focused()  # the last page: its count
    assert page.evaluate("window.sameDocument") is True


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bulk_action_keeps_focus_on_its_button_and_says_what_happened(
    live_server, page: Page, language
):
    person("anna", language)
    resolved = [case_in(State.RESOLVED) for _ in range(2)]
    sign_in(page, live_server.url, "anna", "/?state=resolved")
    for case in resolved:
        page.locator(f'#case-list input[name="case"][value="{case.reference}"]').check()
    page.locator("#bulk-action").select_option("close")
    page.locator("#bulk-reason").fill("Answered by phone")
    button = page.locator("#bulk button[type=submit]")
    button.focus()
    page.keyboard.press("Enter")
    done = words(language, "%(done)s of %(total)s cases done.", done=2, total=2)
    expect(page.locator("#bulk-status")).to_have_text(done)
    expect(announced(page)).to_contain_text(done)
    expect(button).to_be_focused()
    assert all(CaseEvent.objects.filter(case=case, name="close").exists() for case in resolved)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_case_banner_is_read_out_once(live_server, page: Page, language):
    person("anna", language)
    in_review()
    page.clock.install()
    sign_in(page, live_server.url, "anna")
    arrived = in_review()
    page.clock.fast_forward("00:21")
    with translation.override(language):
        news = ngettext(
            "%(counter)s new case arrived — show it",
            "%(counter)s new cases arrived — show them",
            1,
        ) % {"counter": 1}
    expect(page.locator("#news-link")).to_have_text(news)
    expect(announced(page)).to_have_text(news)
    page.evaluate("document.getElementById('announcer').textContent = ''")
    page.clock.fast_forward("00:21")  # the same words again: said once only
    page.wait_for_timeout(300)
    expect(announced(page)).to_be_empty()
    assert arrived.reference


# Shortcuts: turned off and on by the person; approve by key asks first.


@pytest.mark.parametrize("language", LANGUAGES)
def test_single_key_shortcuts_can_be_turned_off_and_stay_off(live_server, new_page, language):
    anna = person("anna", language)
    case = in_review()
    page = new_page()
    sign_in(page, live_server.url, "anna", f"/cases/{case.reference}/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "on")
    page.get_by_role("button", name=words(language, "Turn single-key shortcuts off")).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.reference}/")
    expect(page.locator(".messages")).to_have_text(words(language, "Single-key shortcuts are off."))
    expect(announced(page)).to_have_text(words(language, "Single-key shortcuts are off."))
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "off")
    expect(page.locator("aside.shortcuts kbd")).to_have_count(0)

    page.keyboard.press("t")
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    expect(page.locator("#approve-confirm")).not_to_be_visible()
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW and transitions_of(case) == []
    anna.staff_profile.refresh_from_db()
    assert anna.staff_profile.shortcuts is False

    # Another session of the same person: still off; turned on again, they work.
    again = new_page()
    sign_in(again, live_server.url, "anna", f"/cases/{case.reference}/")
    expect(again.locator("body")).to_have_attribute("data-shortcuts", "off")
    again.get_by_role("button", name=words(language, "Turn them on")).click()
    expect(again.locator("body")).to_have_attribute("data-shortcuts", "on")
    again.keyboard.press("t")
    expect(again.locator("#case-state")).to_have_text(words(language, "In progress"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_approve_by_key_asks_first_and_a_stray_key_sends_nothing(live_server, page: Page, language):
    person("anna", language)
    case = in_review(draft_reply="Hello, your order {order_number} is on its way.")
    sign_in(page, live_server.url, "anna", f"/cases/{case.reference}/")
    dialog = page.locator("#approve-confirm")

    page.keyboard.press("a")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(words(language, "Approve and send?"))
    expect(dialog.get_by_role("button", name=words(language, "Approve and send"))).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()

    # Enter in a one-line field of the composer asks too.
    blank = page.locator("form.composer input[name='slot-order_number']")
    blank.fill("4711")
    blank.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=words(language, "Cancel")).click()
    expect(dialog).not_to_be_visible()
    page.wait_for_timeout(300)
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW and transitions_of(case) == []
    assert not Message.objects.filter(case=case, direction=Message.Direction.OUTBOUND).exists()

    page.evaluate("document.activeElement.blur()")  # out of the field: keys are shortcuts again
    page.keyboard.press("a")
    dialog.get_by_role("button", name=words(language, "Approve and send")).click()
    expect(page.locator("#case-state")).to_have_text(words(language, "Resolved"))
    expect(page.locator("#case-main p.success")).to_be_focused()
    out = Message.objects.get(case=case, direction=Message.Direction.OUTBOUND)
    assert out.text == "Hello, your order 4711 is on its way."


# Contrast, priority, names, reflow.

CONTRAST = """(element) => {
    const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const luminance = ([r, g, b]) => {
        const f = (c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => {
        const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    let behind = element.parentElement;
    while (behind && getComputedStyle(behind).backgroundColor.match(/, 0\\)$|transparent/)) {
        behind = behind.parentElement;
    }
    const style = getComputedStyle(element);
    const ground = getComputedStyle(behind || document.body).backgroundColor;
    return {width: style.outlineWidth, ratio: ratio(rgb(style.outlineColor), rgb(ground))};
}"""


def test_the_focus_ring_stands_out_three_to_one_wherever_it_is(live_server, page: Page):
    person("anna", "en")
    case = in_review()
    sign_in(page, live_server.url, "anna")
    for selector in ["a.brand", "#case-list [data-row-link]", "#filter-state"]:
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused by keyboard: :focus-visible
        expect(element).to_be_focused()
        ring = element.evaluate(CONTRAST)
        assert ring["width"] == "3px" and ring["ratio"] >= 3, (selector, ring)
    page.goto(f"{live_server.url}/c/not-a-token/")
    link = page.locator(".langs a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = link.evaluate(CONTRAST)
    assert ring["ratio"] >= 3, ring
    assert case.reference


@pytest.mark.parametrize("language", LANGUAGES)
def test_priority_in_words_and_every_button_named_by_its_case(live_server, page: Page, language):
    person("anna", language)
    urgent, high, normal = in_review(), in_review(), in_review()
    for case, priority in ((urgent, Priority.URGENT), (high, Priority.HIGH)):
        case.priority = priority
        case.save()
    sign_in(page, live_server.url, "anna")
    with translation.override(language):
        labels = {p: str(p.label) for p in Priority}
    for path in ["/", "/review/"]:
        page.goto(live_server.url + path)
        for case, priority in ((urgent, Priority.URGENT), (high, Priority.HIGH)):
            row = page.locator("tr", has=page.get_by_role("link", name=case.reference))
            expect(row.locator(".tag.priority")).to_have_text(
                words(language, "Priority: %(priority)s", priority=labels[priority])
            )
        row = page.locator("tr", has=page.get_by_role("link", name=normal.reference))
        expect(row.locator(".tag.priority")).to_have_count(0)

    assign = words(language, "Assign to me")
    for case in (urgent, high, normal):
        button = page.get_by_role("button", name=f"{assign}: {case.reference}", exact=True)
        expect(button).to_have_count(1)
    expect(page.get_by_role("columnheader", name=words(language, "Actions"))).to_be_visible()


WIDE = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_scrolls_sideways_at_320_px(live_server, new_page, language):
    person("anna", language)
    case = in_review(
        draft_reply="Hello, your order {order_number} is on its way.",
        slots={"tracking_url": "https://carrier.example/t/" + "x" * 80},
    )
    case.priority = Priority.URGENT
    case.save()
    case_in(State.IN_PROGRESS)
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{live_server.url}/accounts/login/")
    assert not page.evaluate(WIDE), "the login page scrolls sideways at 320 px"
    sign_in(page, live_server.url, "anna")
    for path in [
        "/",
        "/?state=all",
        "/review/",
        f"/cases/{case.reference}/",
        f"/customers/{case.customer_id}/",
        "/notifications/",
        "/accounts/password_change/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
        assert not page.evaluate(WIDE), f"{path} scrolls sideways at 320 px"
    page.goto(f"{live_server.url}/")
    # A row reads as labelled lines.
    cell = page.locator("#case-list tbody tr").first.locator("td[data-label]").nth(1)
    label = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == f'"{words(language, "Customer")}: "'
    assert_accessible(page, "queue at 320 px")
