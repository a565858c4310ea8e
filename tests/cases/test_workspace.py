"""The agents' workspace over HTTP: who may open and do what, each action as htmx and as a plain
form, notes and claims, the review queue, the queue's filters, query counts and the language."""

import html
import re
import warnings
from datetime import timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern
from django.utils import timezone

from cases import urls as workspace_urls
from cases.mail.attachments import ParsedAttachment
from cases.models import (
    ActionKind,
    ActorKind,
    Attachment,
    Case,
    CaseEvent,
    Message,
    Priority,
    StaffProfile,
    State,
    transitions_of,
)
from customers.models import EmailOutbox
from customers.services import confirmation_decide
from review import urls as review_urls
from review.models import ReviewItem, Suggestion
from tests.factories import CustomerFactory, IntentFactory, UserFactory, case_in

HTMX = {"HTTP_HX_REQUEST": "true"}
HTMX_LIST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-list"}


def review_item(case, reasons=("low_confidence",), **fields):
    return ReviewItem.objects.create(
        case=case, suggestion=case.current_suggestion, reason_codes=list(reasons), **fields
    )


def login(client, user):
    client.force_login(user)
    return client


def page(client, case, **query):
    return client.get(f"/cases/{case.reference}/", query).content.decode()


def act(client, case, name, htmx=True, **data):
    """POST a case action the way the page's form does: with the state and suggestion shown."""
    data.setdefault("expected_state", case.state)
    if case.current_suggestion_id:
        data.setdefault("suggestion", case.current_suggestion_id)
    headers = HTMX if htmx else {}
    return client.post(f"/cases/{case.reference}/do/{name}/", data, **headers)


def buttons(content: str, case) -> set[str]:
    """The transitions the case page offers as forms."""
    return set(re.findall(rf'action="/cases/{case.reference}/do/(\w+)/"', content))


def events(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("name", flat=True))


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot():
    """Everything a workspace request could change."""
    return (
        sorted(Case.objects.values_list("reference", "state", "assignee_id")),
        CaseEvent.objects.count(),
        Message.objects.count(),
        sorted(ReviewItem.objects.values_list("pk", "status", "claimed_by_id")),
        sorted(StaffProfile.objects.values_list("user_id", "language")),
    )


# Access: every route of the workspace, for every kind of visitor.


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = case_in(State.IN_REVIEW)
    item = review_item(case)
    message = case.current_suggestion.message
    photo = ParsedAttachment(
        filename="photo.png", declared_type="image/png", content_type="image/png", data=b"PNG"
    )
    Attachment.store(message=message, item=photo)
    attachment = message.attachments.get()
    return {
        "ref": case.reference,
        "item": item.pk,
        "attachment": attachment.pk,
        "customer": case.customer_id,
    }


# name → (method, url, data, headers, the agent's status)
ROUTES = {
    "queue": ("get", "/", {}, {}, 200),
    "queue (htmx list)": ("get", "/?state=in_review", {}, HTMX_LIST, 200),
    "queue-news": ("get", "/queue/news/?since=2026-01-01T00:00:00%2B00:00", {}, {}, 200),
    "case-page": ("get", "/cases/{ref}/", {}, {}, 200),
    "case-action": ("post", "/cases/{ref}/do/take_over/", {"expected_state": "in_review"}, {}, 302),
    "case-action (htmx)": ("post", "/cases/{ref}/do/take_over/", {}, HTMX, 200),
    "case-note": ("post", "/cases/{ref}/note/", {"note": "Called the customer"}, {}, 302),
    "case-claim": ("post", "/cases/{ref}/claim/", {}, {}, 302),
    "case-attachment": ("get", "/cases/{ref}/attachments/{attachment}/", {}, {}, 200),
    "customer-page": ("get", "/customers/{customer}/", {}, {}, 200),
    "review-queue": ("get", "/review/", {}, {}, 200),
    "review-next": ("post", "/review/next/", {}, {}, 302),
    "review-claim": ("post", "/review/{item}/claim/", {}, {}, 302),
    "set-language": ("post", "/settings/language/", {"language": "de", "next": "/"}, {}, 302),
    "set-shortcuts": ("post", "/settings/shortcuts/", {"shortcuts": "off", "next": "/"}, {}, 302),
    "case-presence": ("post", "/cases/{ref}/presence/", {}, {}, 200),
    "notifications": ("get", "/notifications/", {}, {}, 200),
    "notifications-badge": ("get", "/notifications/badge/", {}, {}, 200),
    # Issue 13 (tests/cases/test_bulk.py): refused payloads here, so that nothing changes.
    "queue-bulk": ("post", "/queue/bulk/", {"action": "close"}, {}, 302),
    "case-tag": ("post", "/cases/{ref}/tags/", {"tag": "no such tag"}, {}, 302),
    "case-merge": ("post", "/cases/{ref}/merge/", {"into": "ZZZZZZZZ"}, {}, 302),
}
POST_ONLY = [name for name, route in ROUTES.items() if route[0] == "post"]


def request(client, name, world):
    method, url, data, headers, _ = ROUTES[name]
    response = getattr(client, method)(url.format(**world), data, **headers)
    if response.streaming:
        b"".join(response.streaming_content)  # read a download to the end: closes its file
    return response, url.format(**world)


def test_every_workspace_route_is_in_the_access_matrix():
    patterns = [*workspace_urls.urlpatterns, *review_urls.urlpatterns]
    named = {p.name for p in patterns if isinstance(p, URLPattern)}
    assert named == {name.split(" ")[0] for name in ROUTES}


@pytest.mark.parametrize("name", ROUTES)
def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, world, name):
    before = snapshot()
    response, url = request(client, name, world)
    if "htmx" in name:
        # htmx gets HX-Redirect: the whole page goes to log in, not a panel.
        assert response.status_code == 200
        location = urlsplit(response["HX-Redirect"])
        assert location.path == "/accounts/login/"
    else:
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/login/"
        assert parse_qs(location.query)["next"] == [url]
    assert snapshot() == before


@pytest.mark.parametrize("name", ROUTES)
def test_a_user_who_does_not_work_cases_is_refused_and_changes_nothing(
    client, world, integrator, name
):
    login(client, integrator)
    before = snapshot()
    response, _ = request(client, name, world)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ROUTES)
def test_an_agent_may_use_every_route_and_pages_change_nothing(client, world, agent, name):
    login(client, agent)
    before = snapshot()
    response, _ = request(client, name, world)
    assert response.status_code == ROUTES[name][4]
    if ROUTES[name][0] == "get":
        assert snapshot() == before


@pytest.mark.parametrize("name", POST_ONLY)
def test_actions_need_the_csrf_token_the_page_hands_to_htmx(world, agent, name):
    client = login(Client(enforce_csrf_checks=True), agent)
    token = re.search(
        r"hx-headers='\{\"X-CSRFToken\": \"(\w+)\"\}'", client.get("/").content.decode()
    )
    before = snapshot()
    _, url, data, headers, status = ROUTES[name]
    url = url.format(**world)
    assert client.post(url, data, **headers).status_code == 403
    assert snapshot() == before
    response = client.post(url, data, **headers, HTTP_X_CSRFTOKEN=token.group(1))
    assert response.status_code == status


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/cases/NOPE2345/"),
        ("post", "/cases/NOPE2345/do/approve/"),
        ("post", "/cases/NOPE2345/note/"),
        ("post", "/cases/NOPE2345/claim/"),
        ("post", "/review/999999/claim/"),
        ("get", "/customers/999999/"),
    ],
)
def test_a_missing_case_or_item_is_not_found(client, agent, method, url):
    login(client, agent)
    assert getattr(client, method)(url, {"note": "x"}).status_code == 404


@pytest.mark.parametrize("name", POST_ONLY)
def test_actions_refuse_get(client, world, agent, name):
    login(client, agent)
    before = snapshot()
    assert client.get(ROUTES[name][1].format(**world)).status_code == 405
    assert snapshot() == before


def test_an_unknown_transition_is_refused_and_changes_nothing(client, world, agent):
    login(client, agent)
    before = snapshot()
    response = client.post(f"/cases/{world['ref']}/do/delete_everything/")
    assert response.status_code in (403, 404)
    assert snapshot() == before


# Who may see and do what.


def test_an_agent_sees_approve_and_take_over_on_a_case_in_review(client, agent):
    case = case_in(State.IN_REVIEW)
    offered = buttons(page(login(client, agent), case), case)
    # Amend is the same composer: the approve form sends what is on the screen.
    assert {"approve", "take_over", "escalate"} <= offered


def test_an_agent_sees_no_decision_buttons_on_an_escalated_case(client, agent):
    case = case_in(State.ESCALATED)
    offered = buttons(page(login(client, agent), case), case)
    assert not offered & {"approve", "amend", "take_over"}


DECISIONS = {"approve": {}, "amend": {"reply": "A better reply."}, "take_over": {}}


@pytest.mark.parametrize("name", DECISIONS)
def test_a_crafted_decision_on_an_escalated_case_is_refused_for_an_agent(client, agent, name):
    case = case_in(State.ESCALATED)
    response = act(login(client, agent), case, name, **DECISIONS[name])
    assert response.status_code == 200
    assert "decided by a supervisor" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.ESCALATED
    assert events(case) == []


@pytest.mark.parametrize("name", DECISIONS)
def test_the_supervisor_decides_an_escalated_case(client, supervisor, name):
    case = case_in(State.ESCALATED)
    login(client, supervisor)
    # Amend is posted by the approve form (the composer) with a changed reply.
    assert ("approve" if name == "amend" else name) in buttons(page(client, case), case)
    response = act(client, case, name, **DECISIONS[name])
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state != State.ESCALATED
    assert events(case) == [name]


def test_only_the_assignee_may_reply_on_a_case_in_progress(client, agent, agent2):
    case = case_in(State.IN_PROGRESS)
    Case.objects.filter(pk=case.pk).update(assignee=agent)
    case.refresh_from_db()

    other = login(Client(), agent2)
    content = page(other, case)
    assert "reply" not in buttons(content, case)
    assert "Nothing for you to do here now." in content
    response = act(other, case, "reply", text="I answer for someone else.")
    assert "You may not reply this case." in response.content.decode()
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.IN_PROGRESS, [])

    login(client, agent)
    assert "reply" in buttons(page(client, case), case)
    act(client, case, "reply", text="We fixed it.")
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.RESOLVED, ["reply"])


def test_a_legal_risk_suggestion_needs_a_supervisor(client, agent, supervisor):
    case = case_in(State.IN_REVIEW, risk_class="legal")
    login(client, agent)
    assert not buttons(page(client, case), case) & {"approve", "amend"}
    response = act(client, case, "approve")
    assert "legal risk needs a supervisor" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.IN_REVIEW, [])

    login(client, supervisor)
    assert "approve" in buttons(page(client, case), case)
    act(client, case, "approve")
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.RESOLVED, ["approve"])


# Every action, as htmx and as a plain form.

# transition → (start state, form fields, target state)
ACTIONS = {
    "approve": (State.IN_REVIEW, {}, State.RESOLVED),
    "amend": (State.IN_REVIEW, {"reply": "A better reply."}, State.RESOLVED),
    "take_over": (State.IN_REVIEW, {}, State.IN_PROGRESS),
    "escalate": (State.IN_REVIEW, {"reason": "Customer asks for a manager"}, State.ESCALATED),
    "reply": (State.IN_PROGRESS, {"text": "We fixed it."}, State.RESOLVED),
    "propose": (
        State.IN_PROGRESS,
        {"options": "Monday 9:00\r\n\r\nTuesday 14:00\n"},
        State.AWAITING_CUSTOMER,
    ),
    "close": (State.RESOLVED, {}, State.CLOSED),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_an_htmx_action_runs_once_and_returns_the_fresh_main_panel(client, agent, name):
    start, fields, target = ACTIONS[name]
    case = case_in(start)
    response = act(login(client, agent), case, name, **fields)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="case-main"' in content and "<html" not in content
    assert f'class="state state-{target}" id="case-state"' in content
    case.refresh_from_db()
    assert case.state == target
    assert events(case) == [name]


@pytest.mark.parametrize("name", ACTIONS)
def test_a_plain_form_action_runs_once_and_goes_back_to_the_case(client, agent, name):
    start, fields, target = ACTIONS[name]
    case = case_in(start)
    response = act(login(client, agent), case, name, htmx=False, **fields)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.reference}/"
    label = transitions_of()[name][0].custom["label"]
    # And what the customer got, by name: the reply, or the question they now decide.
    told = {
        State.RESOLVED: f" The reply was sent to {case.customer.name}.",
        State.AWAITING_CUSTOMER: f" {case.customer.name} is asked to decide, by email.",
    }.get(target, "")
    assert flash(response) == [f"Done: {str(label).lower()}.{told}"]
    case.refresh_from_db()
    assert case.state == target
    assert events(case) == [name]


@pytest.mark.parametrize("name", ACTIONS)
def test_a_double_click_does_not_act_twice_and_says_who_was_first(client, agent, name):
    start, fields, _ = ACTIONS[name]
    case = case_in(start)
    login(client, agent)
    act(client, case, name, **fields)
    again = act(client, case, name, **fields)
    assert again.status_code == 200
    assert "Already handled by Agent at" in again.content.decode()
    assert events(case) == [name]


def test_a_double_click_on_a_plain_form_says_who_was_first_on_the_case_page(client, agent):
    case = case_in(State.IN_REVIEW)
    login(client, agent)
    act(client, case, "approve", htmx=False)
    again = act(client, case, "approve", htmx=False, expected_state=State.IN_REVIEW)
    assert again.status_code == 302
    assert "Already handled by Agent at" in page(client, case)
    assert events(case) == ["approve"]


def test_four_eyes_need_two_agents_in_the_workspace(client, agent, agent2):
    case = case_in(State.IN_REVIEW, four_eyes=True)
    login(client, agent)
    first = act(client, case, "approve")
    assert "a second person must approve too" in first.content.decode()
    assert "approve" not in buttons(first.content.decode(), case)
    again = act(client, case, "approve")  # the same agent, a second time
    assert "four eyes need a second person" in again.content.decode()
    assert events(case) == ["approval_recorded"]
    act(login(Client(), agent2), case, "approve")
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.RESOLVED, ["approval_recorded", "approve"])


def test_approving_a_suggestion_that_changed_since_the_page_was_loaded_is_refused(client, agent):
    case = case_in(State.IN_REVIEW)
    response = act(
        login(client, agent), case, "approve", suggestion=case.current_suggestion_id + 99
    )
    assert "The suggestion changed since you looked" in response.content.decode()
    assert events(case) == []


def test_the_page_from_the_review_queue_keeps_its_way_back(client, agent):
    case = case_in(State.IN_REVIEW)
    response = act(login(client, agent), case, "take_over", htmx=False, **{"from": "review"})
    assert response["Location"] == f"/cases/{case.reference}/?from=review"


def test_every_form_of_a_case_opened_from_the_review_queue_carries_the_way_back(client, agent):
    case = case_in(State.IN_REVIEW)
    content = login(client, agent).get(f"/cases/{case.reference}/?from=review").content.decode()
    forms = content.count('method="post" action="/cases/')
    assert forms >= 5  # approve, amend, take over, escalate, assign, note
    assert content.count('name="from" value="review"') == forms


# The composer: what is on the screen is what is sent.


def test_the_composer_sends_an_edited_reply_as_an_amend(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply="Hello, your order is on its way.")
    intent = case.current_suggestion.intent.slug
    edited = "Hello,\r\nyour parcel arrives on Friday."
    act(login(client, agent), case, "approve", compose="1", intent=intent, reply=edited)
    assert [e.name for e in case.events.all()] == ["amend"]
    sent = case.messages.filter(direction="out").get().text
    assert sent == "Hello,\nyour parcel arrives on Friday."


def test_the_composer_sends_an_unchanged_draft_as_an_approve(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply="Hello, your order is on its way.")
    intent = case.current_suggestion.intent.slug
    draft = "Hello, your order is on its way.\r\n"
    act(login(client, agent), case, "approve", compose="1", intent=intent, reply=draft)
    assert [e.name for e in case.events.all()] == ["approve"]
    assert case.messages.filter(direction="out").get().text == "Hello, your order is on its way."


def test_the_composer_shows_the_draft_in_the_form_it_posts(client, agent):
    case = case_in(State.IN_REVIEW, draft_reply="Hello <b>Ada</b>, on its way.")
    content = page(login(client, agent), case)
    composer = content.split('class="composer"', 1)[1].split("</form>", 1)[0]
    assert 'name="compose" value="1"' in composer
    assert 'name="reply"' in composer and "Hello &lt;b&gt;Ada&lt;/b&gt;, on its way." in composer
    assert 'data-shortcut="a"' in composer


def test_amend_sends_the_changed_reply(client, agent):
    case = case_in(State.IN_REVIEW)
    act(login(client, agent), case, "amend", reply="Your parcel arrives on Friday.")
    assert case.messages.filter(direction="out").get().text == "Your parcel arrives on Friday."


def test_amend_of_a_choice_takes_the_options_one_per_line(client, agent):
    case = case_in(
        State.IN_REVIEW, action=ActionKind.CHOOSE, options=[{"id": "a", "label": "Monday"}]
    )
    act(login(client, agent), case, "amend", options="Friday\nSaturday\n")
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER
    assert [o["label"] for o in case.proposal["options"]] == ["Friday", "Saturday"]


def test_propose_asks_the_customer_with_one_option_per_line(client, agent):
    start, fields, _ = ACTIONS["propose"]
    case = case_in(start)
    act(login(client, agent), case, "propose", **fields)
    case.refresh_from_db()
    assert [o["label"] for o in case.proposal["options"]] == ["Monday 9:00", "Tuesday 14:00"]


def test_escalate_keeps_the_reason(client, agent):
    case = case_in(State.IN_REVIEW)
    act(login(client, agent), case, "escalate", reason="Customer asks for a manager")
    event = CaseEvent.objects.get(case=case)
    assert (event.comment, event.reason_codes) == ("Customer asks for a manager", ["escalated"])


@pytest.mark.parametrize("reason", ["", "   "])
def test_escalate_without_a_reason_shows_the_error_and_changes_nothing(client, agent, reason):
    case = case_in(State.IN_REVIEW)
    response = act(login(client, agent), case, "escalate", reason=reason)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="case-main"' in content and "<html" not in content
    assert 'class="error" role="alert">reason is required.' in content
    case.refresh_from_db()
    assert (case.state, events(case)) == (State.IN_REVIEW, [])


# Notes.


def test_a_note_is_an_event_with_its_text(client, agent):
    case = case_in(State.IN_REVIEW)
    response = login(client, agent).post(
        f"/cases/{case.reference}/note/", {"note": "  Called the customer.  "}, **HTMX
    )
    assert response.status_code == 200
    assert "Note added." in response.content.decode()
    note = CaseEvent.objects.get(case=case)
    assert (note.name, note.comment, note.actor_user, note.actor_kind) == (
        "note",
        "Called the customer.",
        agent,
        ActorKind.AGENT,
    )
    assert (note.from_state, note.to_state) == (State.IN_REVIEW, State.IN_REVIEW)
    assert "Called the customer." in page(client, case)


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "nul\x00byte"])
def test_an_empty_or_invalid_note_is_refused(client, agent, text):
    case = case_in(State.IN_REVIEW)
    response = login(client, agent).post(f"/cases/{case.reference}/note/", {"note": text}, **HTMX)
    assert response.status_code == 200
    assert "A note needs text" in response.content.decode()
    assert events(case) == []


def test_a_plain_note_goes_back_to_the_case_with_a_message(client, agent):
    case = case_in(State.IN_REVIEW)
    response = login(client, agent).post(f"/cases/{case.reference}/note/", {"note": "Hi"})
    assert response["Location"] == f"/cases/{case.reference}/"
    assert flash(response) == ["Note added."]


# Claiming a case.


def test_claim_assigns_the_case_once_and_the_second_agent_is_told_who_has_it(client, agent, agent2):
    case = case_in(State.IN_REVIEW)
    login(client, agent)
    assert f'action="/cases/{case.reference}/claim/"' in page(client, case)
    response = client.post(f"/cases/{case.reference}/claim/", **HTMX)
    assert "The case is yours." in response.content.decode()
    assert f'action="/cases/{case.reference}/claim/"' not in response.content.decode()

    second = login(Client(), agent2).post(f"/cases/{case.reference}/claim/", **HTMX)
    assert "Already assigned to Agent." in second.content.decode()
    case.refresh_from_db()
    assert case.assignee == agent
    assert events(case) == ["assigned"]
    assert CaseEvent.objects.get(case=case).data == {"assignee": "agent"}


def test_a_plain_claim_by_the_second_agent_says_who_has_it(client, agent, agent2):
    case = case_in(State.IN_REVIEW)
    login(client, agent).post(f"/cases/{case.reference}/claim/")
    response = login(Client(), agent2).post(f"/cases/{case.reference}/claim/")
    assert response.status_code == 302
    assert flash(response) == ["Already assigned to Agent."]


# The review queue.


def aged(case, minutes, priority=Priority.NORMAL):
    Case.objects.filter(pk=case.pk).update(priority=priority)
    return review_item(case, created_at=timezone.now() - timedelta(minutes=minutes))


def test_next_claims_the_riskiest_then_the_oldest_item_and_a_second_agent_gets_another(
    client, agent, agent2
):
    old = aged(case_in(State.IN_REVIEW), minutes=60)
    urgent = aged(case_in(State.IN_REVIEW), minutes=5, priority=Priority.URGENT)
    aged(case_in(State.IN_REVIEW), minutes=1)

    first = login(client, agent).post("/review/next/")
    assert first["Location"] == f"/cases/{urgent.case.reference}/?from=review"
    urgent.refresh_from_db()
    assert (urgent.status, urgent.claimed_by) == (ReviewItem.Status.CLAIMED, agent)

    second = login(Client(), agent2).post("/review/next/")
    assert second["Location"] == f"/cases/{old.case.reference}/?from=review"
    # Asking again continues with my item rather than claiming another.
    assert client.post("/review/next/")["Location"] == first["Location"]


def test_next_skips_escalated_items_for_agents_and_offers_them_to_the_supervisor(
    client, agent, supervisor
):
    item = review_item(case_in(State.ESCALATED), reasons=["escalated"])
    response = login(client, agent).post("/review/next/")
    assert response["Location"] == "/review/"
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.OPEN

    response = login(Client(), supervisor).post("/review/next/")
    assert response["Location"] == f"/cases/{item.case.reference}/?from=review"


def test_next_on_an_empty_queue_goes_back_to_the_queue_with_a_message(client, agent):
    response = login(client, agent).post("/review/next/", follow=True)
    assert response.redirect_chain == [("/review/", 302)]
    assert "The review queue is empty. Well done." in response.content.decode()


def test_claim_from_the_review_queue_opens_the_case_and_a_second_claim_is_refused(
    client, agent, agent2
):
    item = review_item(case_in(State.IN_REVIEW))
    login(client, agent)
    assert f'action="/review/{item.pk}/claim/"' in client.get("/review/").content.decode()
    response = client.post(f"/review/{item.pk}/claim/")
    assert response["Location"] == f"/cases/{item.case.reference}/?from=review"
    assert client.post(f"/review/{item.pk}/claim/")["Location"] == response["Location"]

    other = login(Client(), agent2).post(f"/review/{item.pk}/claim/")
    assert other["Location"] == "/review/"
    # One owner: claiming the item assigned the case, and the refusal names its holder.
    assert flash(other) == ["Already assigned to Agent."]
    item.refresh_from_db()
    assert item.claimed_by == agent and item.case.assignee == agent
    # The queue says it in the same words as the case page.
    row = client.get("/review/").content.decode().split(item.case.reference, 1)[1]
    row = row.split("</tr>", 1)[0]
    assert '<td data-label="Assigned to">Agent</td>' in row and "Assign to me" not in row


def test_the_review_queue_hides_escalated_items_from_agents(client, agent, supervisor):
    item = review_item(case_in(State.ESCALATED), reasons=["escalated"])
    assert item.case.reference not in login(client, agent).get("/review/").content.decode()
    supervisor_view = login(Client(), supervisor).get("/review/").content.decode()
    assert item.case.reference in supervisor_view
    assert "escalated by an agent" in supervisor_view


def test_an_agent_cannot_claim_an_escalated_item_by_its_id(client, agent):
    item = review_item(case_in(State.ESCALATED), reasons=["escalated"])
    response = login(client, agent).post(f"/review/{item.pk}/claim/")
    assert response.status_code == 404
    item.refresh_from_db()
    assert (item.status, item.claimed_by) == (ReviewItem.Status.OPEN, None)


# The queue: filters, counts, the htmx list and pages.


@pytest.fixture
def queue_cases(agent, agent2):
    cases = {
        "review": case_in(State.IN_REVIEW),
        "choice": case_in(
            State.IN_REVIEW, action=ActionKind.CHOOSE, options=[{"id": "a", "label": "Mon"}]
        ),
        "escalated": case_in(State.ESCALATED),
        "mine": case_in(State.IN_PROGRESS),
        "late": case_in(State.IN_PROGRESS),
        "waiting": case_in(State.AWAITING_CUSTOMER),
        "done": case_in(State.RESOLVED),
    }
    Case.objects.filter(pk=cases["mine"].pk).update(assignee=agent)
    Case.objects.filter(pk=cases["late"].pk).update(
        assignee=agent2, due_at=timezone.now() - timedelta(hours=1)
    )
    Case.objects.filter(pk=cases["review"].pk).update(subject="Heat pump QX7 makes noise")
    cases["choice"].customer.email = "ada.lovelace@example.org"
    cases["choice"].customer.save()
    review_item(cases["review"], ["low_confidence"])
    review_item(cases["choice"], ["missing_slot:dates"])
    review_item(cases["escalated"], ["low_confidence", "escalated"])
    return cases


def listed(response) -> list[str]:
    content = response.content.decode()
    case_list = content[content.index('<div id="case-list">') :]
    return re.findall(r"data-row-link><strong>(\w+)</strong>", case_list)


ACTIONABLE = {"review", "choice", "escalated", "mine", "late"}

# filters (a function of the cases) → the cases listed
FILTERS = [
    (lambda c: {}, ACTIONABLE),
    (lambda c: {"state": "in_review"}, {"review", "choice"}),
    (lambda c: {"state": "escalated"}, {"escalated"}),
    (lambda c: {"state": "awaiting_customer"}, {"waiting"}),
    (lambda c: {"state": "resolved"}, {"done"}),
    (lambda c: {"state": "all"}, ACTIONABLE | {"waiting", "done"}),
    (lambda c: {"q": c["done"].reference}, {"done"}),  # a search looks at every state
    (lambda c: {"state": "nonsense"}, ACTIONABLE),
    (lambda c: {"intent": "test_choose"}, {"choice"}),
    (lambda c: {"reason": "missing_slot:dates"}, {"choice"}),
    (lambda c: {"reason": "escalated"}, {"escalated"}),
    (lambda c: {"reason": "low_confidence"}, {"review", "escalated"}),
    (lambda c: {"assigned": "me"}, {"mine"}),
    (lambda c: {"assigned": "none"}, {"review", "choice", "escalated"}),
    (lambda c: {"overdue": "1"}, {"late"}),
    (lambda c: {"q": c["review"].reference}, {"review"}),
    (lambda c: {"q": "#" + c["review"].reference.lower()}, {"review"}),
    (lambda c: {"q": "ADA.Lovelace"}, {"choice"}),
    (lambda c: {"q": "pump qx7"}, {"review"}),
    (lambda c: {"q": "nothing matches this"}, set()),
    (lambda c: {"state": "in_review", "assigned": "none", "q": "QX7"}, {"review"}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("params, expected", FILTERS)
def test_the_queue_filters(client, agent, queue_cases, params, expected, htmx):
    login(client, agent)
    response = client.get("/", params(queue_cases), **(HTMX_LIST if htmx else {}))
    assert response.status_code == 200
    wanted = {queue_cases[name].reference for name in expected}
    assert sorted(listed(response)) == sorted(wanted)


def test_the_queue_shows_counts_per_state_and_per_reason(client, agent, queue_cases):
    content = login(client, agent).get("/").content.decode()
    for label, n in [
        ("New", 0),
        ("In review", 2),
        ("Escalated", 1),
        ("In progress", 2),
        ("Awaiting customer", 1),
    ]:
        assert f'>{label}</a> <span class="count">{n}</span>' in content
    for code, words, n in [
        ("low_confidence", "the AI is not confident enough", 2),
        ("missing_slot:dates", "the date is missing", 1),
        ("escalated", "escalated by an agent", 1),
    ]:
        assert f'title="{code}">{words}</a> <span class="count">{n}</span>' in content
    # In the rows too: words, with the code in the tooltip.
    assert '<span class="tag" title="missing_slot:dates">the date is missing</span>' in content


def test_the_htmx_list_request_gets_only_the_list(client, agent, queue_cases):
    response = login(client, agent).get("/", {"state": "in_review"}, **HTMX_LIST)
    content = response.content.decode().strip()
    assert content.startswith('<div id="case-list">') and content.endswith("</div>")
    assert "<html" not in content and "By state" not in content
    assert 'id="news"' not in content


def test_page_and_list_share_a_url_so_caches_must_vary_on_htmx(client, agent):
    login(client, agent)
    for headers in ({}, HTMX_LIST):
        vary = {v.strip().lower() for v in client.get("/", **headers)["Vary"].split(",")}
        assert {"hx-request", "hx-target"} <= vary


def test_the_news_partial_counts_cases_arriving_after_the_list_was_loaded(client, agent):
    since = timezone.now()
    case_in(State.IN_REVIEW)
    response = login(client, agent).get("/queue/news/", {"since": since.isoformat()})
    content = response.content.decode()
    assert "<html" not in content and 'id="news"' in content
    assert "1 new case arrived" in content
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a naive time would warn, and compare in the wrong zone
        naive = timezone.localtime(since).replace(tzinfo=None).isoformat()
        assert "1 new case arrived" in client.get("/queue/news/", {"since": naive}).content.decode()
    for since in ["not a date", "2026-13-45T25:00:00", ""]:
        response = client.get("/queue/news/", {"since": since})
        assert response.status_code == 200 and "arrived" not in response.content.decode()


def bulk_cases(n, state=State.IN_REVIEW, **fields):
    """n cases with a suggestion and an open review item each, in a handful of queries."""
    customer = CustomerFactory()
    intent = IntentFactory(slug="test_reply")
    due = timezone.now() + timedelta(hours=4)
    cases = Case.objects.bulk_create(
        Case(customer=customer, state=state, subject=f"Bulk {i}", due_at=due, **fields)
        for i in range(n)
    )
    suggestions = Suggestion.objects.bulk_create(
        Suggestion(case=case, engine="tfidf", intent=intent, confidence=0.5) for case in cases
    )
    for case, suggestion in zip(cases, suggestions, strict=True):
        case.current_suggestion = suggestion
    Case.objects.bulk_update(cases, ["current_suggestion"])
    ReviewItem.objects.bulk_create(
        ReviewItem(case=case, suggestion=case.current_suggestion, reason_codes=["low_confidence"])
        for case in cases
    )
    return cases


def test_pages_of_fifty_keep_the_filters_in_their_links(client, agent):
    bulk_cases(120)
    bulk_cases(3, assignee=agent)
    login(client, agent)
    url, seen = "/?state=in_review&assigned=none", []
    for expected_rows in (50, 50, 20):
        response = client.get(url)
        rows = listed(response)
        assert len(rows) == expected_rows
        seen += rows
        links = re.findall(r'<a href="([^"]*)"[^>]*rel="next"', response.content.decode())
        if expected_rows == 20:
            assert links == []
            break
        url = urljoin(url, html.unescape(links[0]))
        query = parse_qs(urlsplit(url).query)
        assert (query["state"], query["assigned"]) == (["in_review"], ["none"])
    assert len(set(seen)) == 120


# Query counts: the pages cost the same for a few rows and for many.


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_for_5_and_200_cases(client, agent, agent2):
    login(client, agent)
    bulk_cases(5, assignee=agent2)
    client.get("/")  # warm caches (content types, permissions)
    few = queries(client, "/"), queries(client, "/?state=in_review"), queries(client, "/?q=bulk")
    bulk_cases(195, assignee=agent2)
    many = queries(client, "/"), queries(client, "/?state=in_review"), queries(client, "/?q=bulk")
    print(f"queries, queue: {few} for 5 rows, {many} for 200")
    assert few == many
    with CaptureQueriesContext(connection) as partial:
        client.get("/", **HTMX_LIST)
    assert len(partial) <= few[0]


def test_the_case_page_costs_the_same_for_5_and_200_messages_and_events(
    client, agent, agent2, supervisor
):
    case = case_in(State.IN_REVIEW)
    review_item(case)
    authors = [agent, agent2, supervisor, None]

    def grow(n):
        Message.objects.bulk_create(
            Message(
                case=case,
                direction="out" if i % 2 else "in",
                author_kind="agent" if i % 2 else "customer",
                author_user=authors[i % 4] if i % 2 else None,
                text=f"Message {i}",
            )
            for i in range(n)
        )
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=case,
                name="note",
                from_state=case.state,
                to_state=case.state,
                actor_kind="agent" if authors[i % 4] else "system",
                actor_user=authors[i % 4],
                comment=f"Note {i}",
            )
            for i in range(n)
        )

    login(client, agent)
    grow(5)
    url = f"/cases/{case.reference}/"
    client.get(url)
    few = queries(client, url)
    grow(195)
    many = queries(client, url)
    print(f"queries, case page: {few} for 5 rows, {many} for 200")
    assert few == many


def test_the_review_queue_costs_the_same_for_5_and_200_items(client, agent, agent2):
    login(client, agent)
    bulk_cases(5)
    client.get("/review/")
    few = queries(client, "/review/")
    for case in bulk_cases(195)[::3]:
        ReviewItem.objects.filter(case=case).update(
            status=ReviewItem.Status.CLAIMED, claimed_by=agent2
        )
    many = queries(client, "/review/")
    print(f"queries, review queue: {few} for 5 rows, {many} for 200")
    assert few == many


# The language, per user.


def test_a_user_switches_to_german_for_themselves_only(client, agent, agent2):
    login(client, agent)
    assert '<html lang="en">' in client.get("/").content.decode()
    response = client.post("/settings/language/", {"language": "de", "next": "/review/"})
    assert response.status_code == 302 and response["Location"] == "/review/"
    german = client.get("/").content.decode()
    assert '<html lang="de">' in german and "Abmelden" in german
    assert '<html lang="de">' in client.get("/review/").content.decode()
    english = login(Client(), agent2).get("/").content.decode()
    assert '<html lang="en">' in english and "Log out" in english
    # and back
    client.post("/settings/language/", {"language": "en"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_german_agent_reads_refusals_and_conflicts_in_german(client, agent):
    login(client, agent)
    client.post("/settings/language/", {"language": "de"})
    refused = act(client, case_in(State.ESCALATED), "approve").content.decode()
    assert "decided by a supervisor" not in refused
    case = case_in(State.IN_REVIEW)
    act(client, case, "approve")
    assert "Already handled by" not in act(client, case, "approve").content.decode()
    assert (
        "reason is required"
        not in act(client, case_in(State.IN_REVIEW), "escalate").content.decode()
    )


@pytest.mark.parametrize("language", ["fr", "", "de-AT", "xx' OR 1=1"])
def test_an_unknown_language_is_refused(client, agent, language):
    login(client, agent)
    response = client.post("/settings/language/", {"language": language})
    assert response.status_code == 400
    assert not StaffProfile.objects.exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "https:evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "http://testserver.evil.example/",
    ],
)
def test_the_language_switch_does_not_follow_a_foreign_next(client, agent, target):
    login(client, agent)
    response = client.post("/settings/language/", {"language": "de", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


# Logging in and out.


def test_the_login_page_renders_and_logs_in(client, agent):
    response = client.get("/accounts/login/", {"next": "/review/"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in content and 'name="password"' in content
    assert 'name="next" value="/review/"' in content
    response = client.post(
        "/accounts/login/", {"username": "agent", "password": "pw", "next": "/review/"}
    )
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


def test_login_does_not_follow_a_foreign_next(client, agent):
    response = client.post(
        "/accounts/login/",
        {"username": "agent", "password": "pw", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_a_wrong_password_shows_the_error(client, agent):
    response = client.post("/accounts/login/", {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert "password didn" in response.content.decode()


def test_logout_is_a_post(client, agent):
    login(client, agent)
    content = client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', content)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200  # still logged in
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_an_inactive_or_roleless_user_cannot_work(client, db):
    outsider = UserFactory(username="outsider")
    login(client, outsider)
    assert client.get("/").status_code == 403


# One owner: the case page says who holds the case; a supervisor may act deliberately.


def test_a_held_case_says_who_decides_and_refuses_another_agents_approve(client, agent, agent2):
    case = case_in(State.IN_REVIEW)
    login(Client(), agent).post(f"/cases/{case.reference}/claim/")
    content = page(login(client, agent2), case)
    assert "Assigned to Agent: they decide this case." in content
    assert 'name="force"' not in content
    refused = act(client, case, "approve", compose="1").content.decode()
    assert 'role="alert">Assigned to Agent: they decide this case.' in refused
    assert events(case) == ["assigned"]


def test_a_supervisor_takes_over_a_held_case_deliberately_with_a_reason(client, agent, supervisor):
    case = case_in(State.IN_REVIEW)
    login(Client(), agent).post(f"/cases/{case.reference}/claim/")
    content = page(login(client, supervisor), case)
    assert 'name="force"' in content and "Act although Agent holds the case" in content
    act(client, case, "take_over", force="1", comment="Agent is off sick")
    case.refresh_from_db()
    assert case.assignee == supervisor and events(case) == ["assigned", "take_over"]
    event = case.events.get(name="take_over")
    assert (event.comment, event.data["forced_from"]) == ("Agent is off sick", "agent")


# The conversation is the whole truth: what the customer received and what they decided.


def test_the_conversation_shows_the_options_sent_and_the_option_chosen(client, agent):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = case.confirmations.get()
    EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation)
    confirmation_decide(confirmation=confirmation, decision="accept", option="a")
    content = page(login(client, agent), case)
    conversation = content.split('class="conversation"', 1)[1].split("</section>", 1)[0]
    sent = conversation.index("Email to the customer: Please decide")
    chosen = conversation.index("Chose: Monday")
    assert sent < chosen
    assert "Options offered" in conversation and "<li>Monday</li>" in conversation
    assert "Email to the customer: Decision confirmed" in conversation


def test_the_conversation_shows_a_declined_proposal_with_the_comment(client, agent):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation_decide(
        confirmation=case.confirmations.get(), decision="human", comment="Call me, please."
    )
    content = page(login(client, agent), case)
    assert "Declined the proposal · asked to talk to a person" in content
    assert "“The customer asked to talk to a person. Call me, please.”" in content


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ['title="route_to_review">Route to review</strong>', 'title="note">Note</strong>',
                'title="low_confidence">the AI is not confident enough</span>']),
        ("de", ['title="route_to_review">Zur Prüfung leiten</strong>',
                'title="note">Notiz</strong>',
                'title="low_confidence">die KI ist sich nicht sicher genug</span>']),
    ],
)  # fmt: skip
def test_the_timeline_says_what_happened_in_words(client, agent, language, expected):
    from cases.transitions import Actor, case_record, case_transition

    case = case_in(State.NEW)
    case_transition(case=case, name="route_to_review", actor=Actor.ai())
    case_record(case=case, name="note", actor=Actor.staff(agent), payload={"note": "Hm."})
    login(client, agent)
    client.post("/settings/language/", {"language": language})
    timeline = page(client, case).split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    for words in expected:
        assert words in timeline
    assert ">route_to_review<" not in timeline and ">low_confidence<" not in timeline


# Canned replies: kept by supervisors in the admin, put into the reply with the case's values.


def test_a_canned_reply_is_put_into_the_reply_with_the_cases_values(client, agent):
    from cases.models import Macro

    case = case_in(State.IN_PROGRESS, slots={"order_number": "4711-2231"})
    case.customer.name = "Petra Wagner"
    case.customer.save()
    text = "Hello {customer_name},\n\norder {order_number} ({reference}) ships today."
    text += "\n\n{agent_name}"
    macro = Macro.objects.create(name="Ships today", language="en", text=text)
    Macro.objects.create(name="Versand heute", language="de", text="Guten Tag")
    Macro.objects.create(name="Retired", language="en", text="Old", active=False)
    login(client, agent)
    content = page(client, case)
    assert f'<option value="{macro.pk}">Ships today</option>' in content
    assert "Versand heute" not in content and "Retired" not in content  # not this language

    content = page(client, case, macro=macro.pk)
    filled = f"Hello Petra Wagner,\n\norder 4711-2231 ({case.reference}) ships today.\n\nAgent"
    assert f">\n{filled}</textarea>" in content
    act(client, case, "reply", text=filled)
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert case.messages.get(direction="out").text == filled


def test_a_canned_reply_with_a_blank_is_not_sent_until_it_is_filled(client, agent):
    from cases.models import Macro

    case = case_in(State.IN_PROGRESS)
    macro = Macro.objects.create(name="Order", language="", text="Your order {order_number}.")
    login(client, agent)
    assert ">\nYour order {order_number}.</textarea>" in page(client, case, macro=macro.pk)
    refused = act(client, case, "reply", text="Your order {order_number}.").content.decode()
    assert "The text still has blanks to fill: order number." in refused
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS


def test_supervisors_keep_the_canned_replies_and_agents_may_not(client, agent, supervisor):
    login(client, agent)
    assert client.get("/admin/cases/macro/add/").status_code in (302, 403)
    login(client, supervisor)
    response = client.post(
        "/admin/cases/macro/add/",
        {"name": "Thanks", "language": "de", "text": "Vielen Dank!", "active": "on"},
    )
    assert response.status_code == 302
    from cases.models import Macro

    assert Macro.objects.get().text == "Vielen Dank!"


# Files sent with a reply: checked like inbound mail's, stored with the message, mailed.


def test_a_reply_carries_the_files_the_agent_attached(client, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in(State.IN_PROGRESS)
    login(client, agent)
    pdf = SimpleUploadedFile(
        "Rechnung 4711.pdf", b"%PDF-1.4 invoice", content_type="application/pdf"
    )
    act(client, case, "reply", text="Here is the invoice.", attachments=pdf)
    message = case.messages.get(direction="out")
    (attachment,) = message.attachments.all()
    assert (attachment.filename, attachment.content_type) == (
        "Rechnung 4711.pdf",
        "application/pdf",
    )
    assert attachment.file.read() == b"%PDF-1.4 invoice"
    assert "Rechnung 4711.pdf" in page(client, case)  # in the conversation


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "setup.exe is a program or a script: it is not sent."),
        ("empty.txt", b"", "empty.txt is empty."),
    ],
)
def test_a_file_that_must_not_go_out_is_refused_with_its_reason(client, agent, name, data, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in(State.IN_PROGRESS)
    login(client, agent)
    refused = act(client, case, "reply", text="Here.", attachments=SimpleUploadedFile(name, data))
    assert message in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and not case.messages.filter(direction="out").exists()
