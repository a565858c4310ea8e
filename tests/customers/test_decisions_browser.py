"""Who decides, and in which words, in Chromium and over real SMTP: a claimed case is its
owner's (another agent is refused by name, a supervisor acts deliberately with a reason), and
the page speaks words, not codes: the threshold that decided, why a button is missing, only the
shortcuts that work, and what happened after a click."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import CaseEvent, State
from tests.browser.test_workspace_browser import in_review, log_in, transitions
from tests.customers.test_composer_browser import in_german, plain_body
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_a_claimed_case_is_its_owners_and_a_supervisor_acts_deliberately(
    live_server, new_page, smtp
):
    UserFactory(username="anna", first_name="Anna", role="agent")
    UserFactory(username="bert", first_name="Bert", role="agent")
    UserFactory(username="sara", first_name="Sara", role="supervisor")
    case = in_review(draft_reply="Hello Ada,\n\nyour order is on its way.")
    anna, bert, sara = new_page(), new_page(), new_page()
    for page, name in ((anna, "anna"), (bert, "bert"), (sara, "sara")):
        log_in(page, live_server.url, name, next_url=f"/cases/{case.reference}/")

    anna.get_by_role("button", name="Assign to me").click()
    expect(anna.get_by_role("button", name="Assign to me")).to_have_count(0)

    bert.reload()
    expect(bert.locator("#held-by")).to_have_text("Assigned to Anna: they decide this case.")
    expect(bert.get_by_label("Act although Anna holds the case")).to_have_count(0)
    bert.get_by_role("button", name="Approve", exact=True).click()
    expect(bert.get_by_role("alert")).to_contain_text("Assigned to Anna: they decide this case.")
    expect(bert.locator("#case-state")).to_have_text("In review")
    assert smtp.received == [] and transitions(case) == []

    # The supervisor, in German: offered the deliberate way, and it needs a reason.
    in_german(sara)
    expect(sara.locator("#held-by")).to_have_text(
        "Zugewiesen an Anna: Diese Person entscheidet den Fall. "
        "Als Teamleitung dürfen Sie bewusst handeln: Kästchen ankreuzen und begründen."
    )
    composer = sara.locator("form.composer")
    composer.get_by_label("Handeln, obwohl Anna den Fall hält").check()
    composer.get_by_label("Grund").fill("Anna ist heute krank")
    sara.get_by_role("button", name="Freigeben", exact=True).click()
    expect(sara.locator("#case-state")).to_have_text("Gelöst")

    (sent,) = smtp.wait_for(1)
    assert plain_body(sent).startswith("Hello Ada,\n\nyour order is on its way.\n")
    event = CaseEvent.objects.get(case=case, name="approve")
    assert (event.actor_user.username, event.comment) == ("sara", "Anna ist heute krank")
    assert event.data["forced_from"] == "anna"


WORDS = {
    "en": {
        "queue_reason": "the AI is not confident enough",
        "why": "Confidence 0.96 is below 0.97, the threshold for Order status learned from "
        "the data (the policy's minimum is 0.80)",
        "legal": "A suggestion with legal risk needs a supervisor.",
        "legend": "t take over · g back to the queue",
        "done": "The reply was sent to Petra Wagner.",
        "approve": "Approve",
        "state": "Resolved",
    },
    "de": {
        "queue_reason": "die KI ist sich nicht sicher genug",
        "why": "Konfidenz 0,96 liegt unter 0,97, der aus den Daten gelernten Schwelle für "
        "Bestellstatus (die Richtlinie verlangt mindestens 0,80)",
        "legal": "Ein Vorschlag mit rechtlichem Risiko braucht die Teamleitung.",
        "legend": "t übernehmen · g zurück zur Warteschlange",
        "done": "Die Antwort wurde an Petra Wagner gesendet.",
        "approve": "Freigeben",
        "state": "Gelöst",
    },
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_workspace_speaks_words_not_codes(live_server, page: Page, agent, smtp, language):
    words = WORDS[language]
    unsure = in_review(confidence=0.96, threshold=0.97, draft_reply="Hello,\n\nit is on its way.")
    unsure.current_suggestion.intent.__class__.objects.filter(
        pk=unsure.current_suggestion.intent_id
    ).update(name="Order status", name_de="Bestellstatus", threshold=0.80)
    unsure.customer.__class__.objects.filter(pk=unsure.customer_id).update(name="Petra Wagner")
    legal = in_review(risk_class="legal", risk_flags=["legal"])
    log_in(page, live_server.url, "agent")
    if language == "de":
        in_german(page)

    # The queue: the reason in words, its code only in the tooltip.
    row = page.locator("tr", has=page.get_by_role("link", name=unsure.reference))
    tag = row.locator(".tag").first
    expect(tag).to_have_text(words["queue_reason"])
    expect(tag).to_have_attribute("title", "low_confidence")

    # A case the agent may not approve says why, and its legend offers only what works.
    page.goto(f"{live_server.url}/cases/{legal.reference}/")
    expect(page.locator(".why-not")).to_have_text(words["legal"])
    expect(page.get_by_role("button", name=words["approve"], exact=True)).to_have_count(0)
    expect(page.locator("aside.shortcuts p")).to_have_text(words["legend"])

    # The reason names the threshold that decided, and where it comes from.
    page.goto(f"{live_server.url}/cases/{unsure.reference}/")
    expect(page.locator(".why li").first).to_have_text(words["why"])
    expect(page.locator(".why li").first).to_have_attribute("title", "low_confidence")
    assert "low_confidence" not in page.locator("main").inner_text()

    # After the click, the page says what happened, to whom.
    page.get_by_role("button", name=words["approve"], exact=True).click()
    expect(page.locator("#case-state")).to_have_text(words["state"])
    expect(page.get_by_role("status")).to_contain_text(words["done"])
    smtp.wait_for(1)
    assert unsure.events.filter(name="approve").exists()
    assert type(unsure).objects.get(pk=unsure.pk).state == State.RESOLVED
