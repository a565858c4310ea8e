"""The customer's link: scanners change nothing, every refusal has its page, no token leaks.

A link is GET-safe (mail scanners and link previews fetch it), its token leaves the URL at
once, and only an explicit POST with CSRF decides.
"""

import logging
import re
import secrets
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.jobs import expire_confirmations
from cases.models import Case, CaseEvent, State
from cases.transitions import Actor, TransitionConflict, case_transition
from customers.models import ConfirmationRequest, EmailOutbox
from customers.services import confirmation_decide
from customers.views import SESSION_TOKEN
from tests.customers.conftest import (
    CHOOSE_TEXT,
    REPLY_TEXT,
    link_path,
    receive,
    snapshot,
    token_in,
)
from tests.factories import UserFactory, case_in
from tests.threads import in_threads

PAGE = "/c/"
OPTIONS = [
    {"id": "2026-06-01", "label": "Monday, 1 June 2026"},
    {"id": "2026-06-02", "label": "Tuesday, 2 June 2026"},
]
ADJUSTMENT = {"change": "Address change", "new_address": "Gartenweg 12, Hamburg"}
SCANNERS = [
    # Microsoft Safe Links / Defender fetching for the new Outlook.
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0 OneOutlook/1.2024.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "curl/8.5.0",
]


@pytest.fixture
def ask(db, django_capture_on_commit_callbacks):
    """Put a case in front of its customer the real way: an agent approves the suggestion.

    Returns (case, confirmation, token); the request email went out after the commit.
    """
    agent = UserFactory(username="asking-agent", role="agent")

    def make(action="choose", **suggestion):
        if action == "choose":
            suggestion.setdefault("options", OPTIONS)
        elif action == "confirm":
            suggestion.setdefault("adjustment", ADJUSTMENT)
        case = case_in(State.IN_REVIEW, action=action, **suggestion)
        with django_capture_on_commit_callbacks(execute=True):
            case_transition(case=case, name="approve", actor=Actor.staff(agent))
        case.refresh_from_db()
        confirmation = case.confirmations.get(status=ConfirmationRequest.Status.PENDING)
        return case, confirmation, confirmation.link_token()

    return make


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """POST a decision as the customer's browser does; side effects run after the commit."""

    def post(client, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PAGE, data)

    return post


def open_link(client: Client, token: str, **extra):
    response = client.get(link_path(token), **extra)
    if response.status_code == 404:
        return response  # no link of ours: answered at once, without a session
    assert response.status_code == 302
    assert response["Location"] == PAGE  # the token is gone from the address bar
    return client.get(PAGE, **extra)


def decided_mails(case) -> int:
    return sum(
        1 for m in mail.outbox if case.reference in m.subject and "We have your answer" in m.subject
    )


# B9, B10: scanners and previews.


def test_scanners_fetching_a_link_five_times_change_nothing_and_it_still_works(ask, decide):
    case, _confirmation, token = ask()
    before = snapshot(case)
    for agent in SCANNERS:
        scanner = Client(HTTP_USER_AGENT=agent)
        for _ in range(5):
            assert scanner.get(link_path(token), follow=True).status_code == 200
            assert scanner.head(link_path(token)).status_code == 302
            assert scanner.head(PAGE).status_code == 200
            assert scanner.options(link_path(token)).status_code == 405
            assert scanner.get(PAGE).status_code == 200
    assert snapshot(case) == before

    customer = Client()
    page = open_link(customer, token)
    assert page.status_code == 200 and case.reference in page.content.decode()
    response = decide(customer, decision="accept", option=OPTIONS[1]["id"])
    assert response.status_code == 302 and response["Location"] == PAGE
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert case.outcome["option"] == OPTIONS[1]


def test_the_first_get_moves_the_token_out_of_the_url_and_the_session(ask):
    _case, confirmation, token = ask()
    client = Client()
    response = client.get(link_path(token))
    assert response.status_code == 302 and response["Location"] == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # not no-referrer: CSRF needs the Origin
    # The session keeps the hash, which the database has anyway, never the token itself.
    assert client.session[SESSION_TOKEN] == confirmation.token_hash


# B11-B13, B18: each refusal with its page and status, and nothing changes.


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.swapcase(),  # compared case-sensitively
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: t + "x" * 200,
        lambda t: "x",
    ],
    ids=["last-char", "swapcase", "truncated", "appended", "overlong", "short"],
)
def test_a_tampered_token_opens_nothing(ask, decide, tamper):
    case, _confirmation, token = ask()
    before = snapshot(case)
    client = Client()
    page = open_link(client, tamper(token))
    assert page.status_code == 404
    assert "This link is not valid" in page.content.decode()
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 404
    assert snapshot(case) == before


def test_a_link_opens_only_its_own_case_and_cannot_decide_another(ask, decide):
    case_a, confirmation_a, token_a = ask()
    case_b, confirmation_b, _token_b = ask()
    case_b.customer.name = "Bob Other"
    case_b.customer.save()
    before_b = snapshot(case_b)

    # At the service level too: A's confirmation is no actor for B.
    with pytest.raises(TransitionConflict):
        case_transition(
            case=case_b,
            name="customer_accept",
            actor=Actor.customer(confirmation_a),
            payload={"option": OPTIONS[0]["id"]},
        )
    assert snapshot(case_b) == before_b

    client = Client()
    page = open_link(client, token_a).content.decode()
    assert case_a.reference in page
    assert case_b.reference not in page and "Bob Other" not in page
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == State.RESOLVED
    assert snapshot(case_b)["cases"] == before_b["cases"]
    confirmation_b.refresh_from_db()
    assert confirmation_b.status == ConfirmationRequest.Status.PENDING
    assert not CaseEvent.objects.filter(case=case_b, name="customer_accept").exists()


def test_a_choose_link_cannot_answer_as_feedback_nor_a_feedback_link_as_a_choice(ask, decide):
    case, _, token = ask()
    resolved, _, feedback_token = ask(action="reply")
    before = snapshot(case, resolved)
    client = Client()
    open_link(client, token)
    assert decide(client, decision="yes").status_code == 400
    open_link(client, feedback_token)
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 400
    assert snapshot(case, resolved) == before


def test_an_expired_link_is_refused_with_410(ask, decide):
    case, confirmation, token = ask()
    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = snapshot(case)
    client = Client()
    page = open_link(client, token)
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 410
    assert snapshot(case) == before

    assert expire_confirmations() == 1  # the job routes the case back to review
    assert client.get(PAGE).status_code == 410
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 410
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not CaseEvent.objects.filter(case=case, name="customer_accept").exists()


def test_a_superseded_link_is_refused_with_410_and_the_new_one_works(ask, decide):
    case, old, old_token = ask()
    new = ConfirmationRequest.issue(case=case, kind="choose", options=OPTIONS[:1])
    before = snapshot(case)
    client = Client()
    page = open_link(client, old_token)
    assert page.status_code == 410
    assert "There is a newer proposal" in page.content.decode()
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 410
    assert snapshot(case) == before

    assert open_link(client, new.link_token()).status_code == 200
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == ("accepted", "superseded")


def test_a_second_post_after_the_decision_is_409_with_no_second_event_or_email(ask, decide):
    case, _confirmation, token = ask()
    client = Client()
    open_link(client, token)
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 302
    assert decided_mails(case) == 1
    after_first = snapshot(case)

    # A double click, the back button, a second tab: each one posts again.
    for option in (OPTIONS[0]["id"], OPTIONS[1]["id"]):
        again = decide(client, decision="accept", option=option)
        assert again.status_code == 409
        assert "Thank you, we have your answer" in again.content.decode()
    assert decide(client, decision="decline").status_code == 409
    assert snapshot(case) == after_first
    assert CaseEvent.objects.filter(case=case, name="customer_accept").count() == 1
    assert EmailOutbox.objects.filter(case=case, kind="decided").count() == 1
    assert decided_mails(case) == 1
    assert client.get(PAGE).status_code == 200  # the decided page, for a reload


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "accept", "option": "2099-01-01"},
        {"decision": "accept", "option": ""},
        {"decision": "accept"},
        {"option": OPTIONS[0]["id"]},
        {"decision": "maybe", "option": OPTIONS[0]["id"]},
        {"decision": "accept", "option": OPTIONS[0]["id"] + "\x00"},
    ],
    ids=["not-offered", "empty-option", "no-option", "no-decision", "bad-decision", "nul"],
)
def test_a_post_without_a_valid_choice_is_400_and_changes_nothing(ask, decide, data):
    case, _confirmation, token = ask()
    client = Client()
    open_link(client, token)
    before = snapshot(case)
    response = decide(client, **data)
    assert response.status_code == 400
    body = response.content.decode()
    if any("\x00" in value for value in data.values()):  # the one guard answers first
        assert "The request holds a NUL character or invalid Unicode" in body
    else:
        assert 'role="alert"' in body and "Please choose one option" in body  # still open
    assert snapshot(case) == before


def test_a_post_without_csrf_is_403_and_changes_nothing(ask, decide):
    case, _confirmation, token = ask()
    client = Client(enforce_csrf_checks=True)
    open_link(client, token)
    before = snapshot(case)
    assert decide(client, decision="accept", option=OPTIONS[0]["id"]).status_code == 403
    assert snapshot(case) == before
    # With the form's token the same browser decides: it was only the missing token.
    csrf = client.cookies["csrftoken"].value
    response = decide(client, decision="accept", option=OPTIONS[0]["id"], csrfmiddlewaretoken=csrf)
    assert response.status_code == 302


# Answers.


@pytest.mark.parametrize("action", ["choose", "confirm"])
def test_the_customer_can_decline(ask, decide, action):
    case, confirmation, token = ask(action=action)
    client = Client()
    open_link(client, token)
    response = decide(client, decision="decline", comment="Only evenings work for me")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    event = CaseEvent.objects.get(case=case, name="customer_decline")
    assert (event.actor_kind, event.confirmation_id) == ("customer", confirmation.pk)
    assert event.reason_codes == ["customer_declined"]
    assert event.comment == "Only evenings work for me"
    assert case.review_items.filter(status="open").get().reason_codes == ["customer_declined"]
    assert decided_mails(case) == 1


def test_accepting_an_adjustment_resolves_the_case_with_it(ask, decide):
    case, confirmation, token = ask(action="confirm")
    client = Client()
    assert "Gartenweg 12, Hamburg" in open_link(client, token).content.decode()
    assert decide(client, decision="accept").status_code == 302
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert case.outcome == {"accepted": True, "comment": "", "adjustment": ADJUSTMENT}
    event = CaseEvent.objects.get(case=case, name="customer_accept")
    assert (event.actor_kind, event.confirmation_id) == ("customer", confirmation.pk)


@pytest.mark.parametrize("action", ["choose", "confirm"])
def test_talking_to_a_person_routes_the_case_to_review(ask, decide, action):
    case, _confirmation, token = ask(action=action)
    client = Client()
    assert "rather talk to a person" in open_link(client, token).content.decode()
    assert decide(client, decision="human").status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    event = CaseEvent.objects.get(case=case, name="customer_decline")
    assert "customer_asked_for_human" in event.reason_codes
    review = case.review_items.get(status="open")
    assert "customer_asked_for_human" in review.reason_codes
    assert event.data["wants_human"] is True


def test_after_asking_for_a_person_the_page_says_a_colleague_will_call(ask, decide):
    _case, confirmation, token = ask()
    client = Client()
    open_link(client, token)
    assert decide(client, decision="human").status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.outcome.get("wants_human") is True
    assert "A colleague will get back to you personally." in client.get(PAGE).content.decode()


def test_talking_to_a_person_from_the_feedback_page_routes_the_case_to_review(ask, decide):
    case, _confirmation, token = ask(action="reply")
    client = Client()
    open_link(client, token)
    assert decide(client, decision="human").status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    event = CaseEvent.objects.get(case=case, name="reopen")
    assert "customer_feedback_negative" in event.reason_codes
    assert "customer_asked_for_human" in event.reason_codes


@pytest.mark.parametrize("helped", [True, False])
def test_feedback_yes_keeps_the_case_resolved_and_no_reopens_it(ask, decide, helped):
    case, confirmation, token = ask(action="reply")
    assert confirmation.kind == "feedback"
    client = Client()
    assert "Did our answer help you?" in open_link(client, token).content.decode()
    response = decide(client, decision="yes" if helped else "no", comment="Thanks")
    assert response.status_code == 302
    case.refresh_from_db()
    confirmation.refresh_from_db()
    if helped:
        assert case.state == State.RESOLVED
        event = CaseEvent.objects.get(case=case, name="customer_feedback")
        assert event.data == {"helped": True, "comment": "Thanks"}
    else:
        assert case.state == State.IN_REVIEW
        event = CaseEvent.objects.get(case=case, name="reopen")
        assert event.reason_codes == ["customer_feedback_negative"]
    assert (event.actor_kind, event.confirmation_id) == ("customer", confirmation.pk)
    assert decide(client, decision="yes").status_code == 409


# B15: caching, third-party assets, no case data on refusals.


def every_page_kind(ask, decide) -> dict:
    """One response of each kind of page, keyed by kind (with its expected status)."""
    responses = {}
    _, _, token = ask()
    client = Client()
    responses["link"] = client.get(link_path(token))
    responses["open"] = client.get(PAGE)
    responses["bad-choice"] = decide(client, decision="accept", option="nope")
    decide(client, decision="accept", option=OPTIONS[0]["id"])
    responses["decided"] = client.get(PAGE)
    responses["decided-again"] = decide(client, decision="accept", option=OPTIONS[0]["id"])
    case, confirmation, token = ask()
    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    responses["expired"] = open_link(client, token)
    case, confirmation, token = ask()
    ConfirmationRequest.issue(case=case, kind="choose", options=OPTIONS)
    responses["superseded"] = open_link(client, token)
    responses["unknown"] = open_link(Client(), secrets.token_urlsafe(32))
    responses["feedback"] = open_link(client, ask(action="reply")[2])
    responses["confirm"] = open_link(client, ask(action="confirm")[2])
    return responses


def test_every_customer_response_forbids_caching(ask, decide):
    statuses = {}
    for kind, response in every_page_kind(ask, decide).items():
        statuses[kind] = response.status_code
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control and "no-cache" in cache_control, kind
        assert "private" in cache_control, kind
    assert statuses == {
        "link": 302,
        "open": 200,
        "bad-choice": 400,
        "decided": 200,
        "decided-again": 409,
        "expired": 410,
        "superseded": 410,
        "unknown": 404,
        "feedback": 200,
        "confirm": 200,
    }


ATTRIBUTE = re.compile(r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", re.I)


def test_customer_pages_load_nothing_from_another_origin(ask, decide):
    for kind, response in every_page_kind(ask, decide).items():
        if kind == "link":
            continue
        html = response.content.decode()
        urls = ATTRIBUTE.findall(html)
        assert any(url.startswith("/static/") for url in urls), kind  # the stylesheet
        for url in urls:
            parts = urlsplit(url)
            assert not parts.netloc or parts.netloc == "testserver", (kind, url)
            assert parts.scheme in ("", "http", "https"), (kind, url)
        assert "@import" not in html and "url(" not in html, kind


def test_refusals_show_no_case_data(ask, decide):
    responses = every_page_kind(ask, decide)
    cases = Case.objects.select_related("customer")
    private = [value for c in cases for value in (c.reference, c.customer.name, c.customer.email)]
    for kind in ("unknown", "expired", "superseded"):
        html = responses[kind].content.decode()
        for secret in private:
            assert secret and secret not in html, (kind, secret)


# B14, B15: the raw token is nowhere at rest and in no log line.


def the_whole_flow(client: Client, capture) -> list[str]:
    """Intake to decision through the real pipeline, plus a reply with its feedback link.

    Returns the raw tokens of every link the flow created.
    """
    with capture(execute=True):
        case = receive(CHOOSE_TEXT, message_id="<choose-1@customer.example>")
    assert case.state == State.AWAITING_CUSTOMER
    token = token_in(mail.outbox[-1].body)
    page = open_link(client, token)
    assert page.status_code == 200
    option = case.confirmations.get().options[0]["id"]
    with capture(execute=True):
        assert client.post(PAGE, {"decision": "accept", "option": option}).status_code == 302
    with capture(execute=True):
        assert client.post(PAGE, {"decision": "accept", "option": option}).status_code == 409
    assert "We have your answer" in mail.outbox[-1].subject

    with capture(execute=True):
        replied = receive(REPLY_TEXT, from_email="bo@example.com", from_name="Bo")
    assert replied.state == State.RESOLVED
    feedback_token = token_in(mail.outbox[-1].body)
    open_link(client, feedback_token)
    with capture(execute=True):
        assert client.post(PAGE, {"decision": "no", "comment": "Still missing"}).status_code == 302

    # What scanners and typos do to a link: other methods, no CSRF, a wrong token.
    assert Client().options(link_path(token)).status_code == 405
    assert Client(enforce_csrf_checks=True).post(link_path(token)).status_code == 405
    assert Client().put(link_path(token)).status_code == 405
    assert open_link(Client(), secrets.token_urlsafe(32)).status_code == 404
    tokens = [c.link_token() for c in ConfirmationRequest.objects.all()]
    assert token in tokens and feedback_token in tokens
    return tokens


def database_values():
    """(table, column, text) for every value of every column of every table, sessions decoded."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608
            )
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("latin-1")
                    yield table, column, str(value)
                    if table == "django_session" and column == "session_data":
                        yield table, "decoded", str(SessionStore().decode(value))


def test_no_database_column_holds_a_raw_token(trained, django_capture_on_commit_callbacks):
    tokens = the_whole_flow(Client(), django_capture_on_commit_callbacks)
    values = list(database_values())
    assert any(table == "django_session" for table, *_ in values)  # the dump saw the sessions
    assert any(table == "customers_confirmationrequest" for table, *_ in values)
    for table, column, text in values:
        for token in tokens:
            assert token not in text, f"a raw link token in {table}.{column}"


def test_no_log_line_holds_a_raw_token(trained, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.db.backends", "django.security.csrf"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        tokens = the_whole_flow(Client(), django_capture_on_commit_callbacks)
    finally:
        connection.force_debug_cursor = False
    assert any("SELECT" in r.getMessage() for r in caplog.records)  # SQL was logged
    assert any(r.getMessage().startswith("Not Found: /c/") for r in caplog.records)
    assert any("Method Not Allowed" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        logged = " ".join(
            [record.getMessage(), repr(record.args), repr(getattr(record, "request", ""))]
        )
        for token in tokens:
            assert token not in logged, f"{record.name}: {record.getMessage()[:200]}"
    for token in tokens:
        assert token not in caplog.text


# The expiry job and the customer's accept at once.


@pytest.mark.django_db(transaction=True)
def test_expiry_and_the_customers_accept_racing_have_one_winner(postgres, monkeypatch):
    """The worker's clock says the deadline passed; the web server's says the customer is in time.

    Each alone would win: the case's row lock decides, and the other finds the case moved.
    """
    real_now = timezone.now
    skew = threading.local()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + getattr(skew, "ahead", timedelta()))
    agent = UserFactory(username="race-agent", role="agent")
    for _ in range(4):
        case = case_in(State.IN_REVIEW, action="choose", options=OPTIONS)
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
        confirmation = case.confirmations.get()
        ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
            expires_at=real_now() + timedelta(hours=1)
        )
        customer = Client()
        assert open_link(customer, confirmation.link_token()).status_code == 200
        mail.outbox.clear()

        def accept(customer=customer):
            return customer.post(PAGE, {"decision": "accept", "option": OPTIONS[0]["id"]})

        def expire():
            skew.ahead = timedelta(hours=2)
            return expire_confirmations()

        response, expired = in_threads(accept, expire)
        assert not isinstance(response, Exception) and not isinstance(expired, Exception)
        customer_won = response.status_code == 302
        assert customer_won != (expired == 1), (response.status_code, expired)
        if not customer_won:
            assert response.status_code in (409, 410)
        case.refresh_from_db()
        confirmation.refresh_from_db()
        names = list(
            CaseEvent.objects.filter(case=case, name__in=["customer_accept", "expire"]).values_list(
                "name", flat=True
            )
        )
        if customer_won:
            assert (case.state, confirmation.status) == (State.RESOLVED, "accepted")
            assert names == ["customer_accept"]
            assert len(mail.outbox) == 1  # the "decided" email
        else:
            assert (case.state, confirmation.status) == (State.IN_REVIEW, "expired")
            assert names == ["expire"]
            assert mail.outbox == []


def test_a_decision_is_recorded_once_through_the_service_too(
    ask, django_capture_on_commit_callbacks
):
    case, confirmation, _token = ask()
    with django_capture_on_commit_callbacks(execute=True):
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[0]["id"])
    confirmation.refresh_from_db()
    with pytest.raises(TransitionConflict):
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[0]["id"])
    assert CaseEvent.objects.filter(case=case, name="customer_accept").count() == 1


# Probes, staff sessions and the demo's outbox (issue 14).


def test_probing_random_links_creates_no_session(db, client):
    from django.contrib.sessions.models import Session

    for number in range(50):
        response = client.get(link_path(f"probe-{number:02d}-{'x' * 30}"))
        assert response.status_code == 404
        assert "<h1>This link is not valid</h1>" in response.content.decode()
    assert Session.objects.count() == 0 and "sessionid" not in client.cookies


def test_a_decision_from_a_staff_session_is_refused_and_changes_nothing(ask, decide, agent):
    case, _confirmation, token = ask()
    client = Client()
    client.force_login(agent)
    open_link(client, token)
    before = snapshot(case)
    response = decide(client, decision="accept", option=OPTIONS[0]["id"])
    assert response.status_code == 403
    assert (
        "You are logged in as staff. Customers decide on their own link; decide on the case page."
        in response.content.decode()
    )
    assert snapshot(case) == before


def test_the_demo_outbox_with_its_live_links_is_for_supervisors(db, client, agent, supervisor):
    client.force_login(agent)
    assert client.get("/outbox/").status_code == 403
    client.force_login(supervisor)
    assert client.get("/outbox/").status_code == 200
