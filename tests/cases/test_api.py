"""The REST API as an integrator and the staff see it: intake, threading, cases, transitions."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from cases.models import ActionKind, Case, CaseEvent, Message, State
from cases.transitions import Actor, case_transition
from customers.models import Customer
from tests.factories import MessageFactory, UserFactory, case_in

BASE_DIR = Path(__file__).resolve().parents[2]
MESSAGES = "/api/v1/messages/"
CASES = "/api/v1/cases/"


def case_url(reference: str) -> str:
    return f"{CASES}{reference}/"


def transition_url(reference: str, name: str) -> str:
    return f"{CASES}{reference}/transitions/{name}/"


@pytest.fixture(autouse=True)
def no_throttle_history():
    """The intake throttle counts in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def integrator_api(integrator):
    return api(integrator)


@pytest.fixture
def agent_api(agent):
    return api(agent)


@pytest.fixture
def supervisor_api(supervisor):
    return api(supervisor)


MESSAGE = {
    "from_email": "alice@example.com",
    "from_name": "Alice",
    "subject": "Where is my parcel?",
    "body": "Hello, my order 123456 has not arrived yet.",
}


def submit(client: APIClient, **fields):
    return client.post(MESSAGES, {**MESSAGE, **fields}, format="json")


def rows() -> tuple[int, int, int]:
    """What intake may create: cases, messages, customers."""
    return Case.objects.count(), Message.objects.count(), Customer.objects.count()


# Intake: POST /api/v1/messages/


def test_a_message_is_accepted_with_the_reference_of_its_new_case(integrator_api):
    response = submit(integrator_api)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "state", "message", "created"}
    case = Case.objects.get(reference=body["reference"])
    assert (body["state"], body["created"]) == (State.NEW, True)
    message = case.messages.get()
    assert body["message"] == message.pk
    assert (message.direction, message.author_kind, message.text) == (
        Message.Direction.INBOUND,
        Message.AuthorKind.CUSTOMER,
        MESSAGE["body"],
    )
    assert (case.customer.email, case.customer.name, case.subject) == (
        "alice@example.com",
        "Alice",
        MESSAGE["subject"],
    )


def test_a_real_token_in_the_authorization_header_is_accepted(integrator):
    token = Token.objects.create(user=integrator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert submit(client).status_code == 201
    assert client.get(CASES).status_code == 200


def test_a_wrong_token_is_refused_and_nothing_is_stored(integrator):
    Token.objects.create(user=integrator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = submit(client)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert rows() == (0, 0, 0)


def test_a_session_login_works_too(integrator):
    client = APIClient()
    response = client.post("/accounts/login/", {"username": "integrator", "password": "pw"})
    assert response.status_code == 302  # logged in through the login page (and its lockout)
    assert submit(client).status_code == 201


ANONYMOUS_REQUESTS = [
    ("post", MESSAGES),
    ("get", CASES),
    ("get", case_url("ABCDEFGH")),
    ("post", transition_url("ABCDEFGH", "approve")),
]


@pytest.mark.parametrize(("method", "url"), ANONYMOUS_REQUESTS)
def test_anonymous_callers_are_asked_for_a_token(db, method, url):
    response = getattr(APIClient(), method)(url, MESSAGE, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
    assert rows() == (0, 0, 0)


def test_agents_may_not_submit_messages(agent_api):
    response = submit(agent_api)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You may not submit messages.",
        "code": "permission_denied",
        "errors": {},
    }
    assert rows() == (0, 0, 0)


def test_the_same_external_id_again_returns_the_same_case_and_creates_nothing(integrator_api):
    first = submit(integrator_api, external_id="crm-4711")
    assert first.status_code == 201
    stored = rows()
    again = submit(integrator_api, external_id="crm-4711", body="A retry, or a replay.")
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert rows() == stored == (1, 1, 1)


def test_the_same_external_id_on_another_channel_is_another_message(integrator_api):
    first = submit(integrator_api, external_id="42", channel="api").json()
    second = submit(integrator_api, external_id="42", channel="web").json()
    assert second["created"] is True and second["message"] != first["message"]


INVALID_MESSAGES = [
    # (what is wrong, the fields sent, the field named in `errors`)
    ("no sender", {"from_email": None}, "from_email"),
    ("a sender that is not an address", {"from_email": "alice at example"}, "from_email"),
    ("a sender with a newline", {"from_email": "a@example.com\nBcc: b@x.com"}, "from_email"),
    ("no body", {"body": None}, "body"),
    ("an empty body", {"body": ""}, "body"),
    ("a body of whitespace", {"body": " \n\t "}, "body"),
    ("a body with a NUL byte", {"body": "Hello\x00world"}, "body"),
    ("a subject with a NUL byte", {"subject": "Hi\x00"}, "subject"),
    ("a body that is not text", {"body": {"text": "Hi"}}, "body"),
    ("an unknown channel", {"channel": "fax"}, "channel"),
    ("an unknown language", {"language": "xx"}, "language"),
    ("an overlong subject", {"subject": "x" * 999}, "subject"),
]


@pytest.mark.parametrize(
    ("fields", "field"),
    [pytest.param(fields, field, id=why) for why, fields, field in INVALID_MESSAGES],
)
def test_an_invalid_message_is_a_400_naming_the_field_and_stores_nothing(
    integrator_api, fields, field
):
    payload = {k: v for k, v in {**MESSAGE, **fields}.items() if v is not None}
    response = integrator_api.post(MESSAGES, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["errors"])) == ("invalid", [field])
    assert rows() == (0, 0, 0)


def test_an_empty_request_names_both_required_fields(integrator_api):
    response = integrator_api.post(MESSAGES, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from_email", "body"}
    assert rows() == (0, 0, 0)


def test_a_megabyte_of_text_is_refused_with_the_limit_and_nothing_is_stored(integrator_api):
    response = submit(integrator_api, body="x" * 1_000_000)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["body"] == [
        f"Ensure this field has no more than {settings.MAX_MESSAGE_CHARS} characters."
    ]
    assert rows() == (0, 0, 0)


def test_a_long_body_under_the_limit_is_stored_intact(integrator_api):
    line = "Grüße aus Köln — order 123456 \r\n"
    body = (line * (150_000 // len(line) + 1))[:150_000]
    assert len(body) == 150_000
    response = submit(integrator_api, body=body)
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["message"]).text == body


def test_a_body_over_the_upload_limit_is_a_413_in_the_api_format(integrator_api):
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = submit(integrator_api, body="x" * too_big)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in response.json()["detail"]
    assert rows() == (0, 0, 0)


@pytest.mark.parametrize("field", ["from_name", "subject", "body", "external_id", "in_reply_to"])
def test_a_lone_surrogate_in_any_field_is_a_400(integrator_api, field):
    # json.loads turns "\ud800" into a str no database can store; it must never reach one.
    fields = {**MESSAGE, field: "x"}
    raw = json.dumps(fields).replace('"x"', '"x \\ud800"').encode()
    response = integrator_api.post(MESSAGES, raw, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert rows() == (0, 0, 0)


def test_intake_is_rate_limited_per_caller(integrator_api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"intake": "3/min"})
    statuses = [submit(integrator_api, external_id=str(n)).status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert rows()[1] == 3


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"\xff\xfe\x00", b'{"from_email": "a@example.com", "body": "x"'],
    ids=["garbage", "binary", "truncated"],
)
def test_a_body_that_is_not_json_is_a_400(integrator_api, raw):
    response = integrator_api.post(MESSAGES, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert rows() == (0, 0, 0)


@pytest.mark.parametrize("payload", [[MESSAGE], "hello", 42, None], ids=repr)
def test_json_that_is_not_an_object_is_a_400(integrator_api, payload):
    response = integrator_api.post(MESSAGES, payload, format="json")
    assert response.status_code == 400
    assert rows() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_same_external_id_sent_concurrently_is_stored_once(postgres, integrator, monkeypatch):
    # Every caller passes the look-up for the external_id before any has stored it: all but
    # one then lose on the unique constraint and must answer with the winner's case.
    callers = 6
    barrier = threading.Barrier(callers)
    for_email = Customer.objects.for_email

    def slow_for_email(*args, **kwargs):
        time.sleep(0.3)
        return for_email(*args, **kwargs)

    monkeypatch.setattr(Customer.objects, "for_email", slow_for_email)
    answers = []

    def deliver():
        try:
            barrier.wait()
            response = submit(api(integrator), external_id="race-1")
            answers.append((response.status_code, response.json()["reference"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200] * (callers - 1) + [201]
    assert len({reference for _, reference in answers}) == 1
    assert rows() == (1, 1, 1)


def test_the_sender_address_is_lower_cased_and_the_customer_reused(integrator_api):
    submit(integrator_api, from_email="  Alice@Example.COM ", external_id="1")
    submit(integrator_api, from_email="alice@example.com", external_id="2")
    assert list(Customer.objects.values_list("email", flat=True)) == ["alice@example.com"]


def test_the_suggestion_job_routes_an_unknown_request_to_review(
    integrator_api, agent_api, django_capture_on_commit_callbacks
):
    # No trained model: every message is out of scope, so a human decides.
    with django_capture_on_commit_callbacks(execute=True):
        reference = submit(integrator_api).json()["reference"]
    case = agent_api.get(case_url(reference)).json()
    assert case["state"] == State.IN_REVIEW
    assert case["suggestion"]["reason_codes"] == ["out_of_scope"]
    assert [(e["transition"], e["actor_kind"]) for e in case["events"]] == [
        ("message_received", "customer"),
        ("route_to_review", "ai"),
    ]


# Threading through the API: which case does a message continue?


def reply_to(case: Case, **fields):
    return {"from_email": case.customer.email, "subject": "Re: parcel", **fields}


# The state of the customer's case → the state after their message arrives.
FOLLOW_UP = {
    State.NEW: State.NEW,
    State.IN_REVIEW: State.IN_REVIEW,
    State.ESCALATED: State.ESCALATED,
    State.IN_PROGRESS: State.IN_PROGRESS,
    State.AWAITING_CUSTOMER: State.IN_REVIEW,  # writing instead of clicking: back to review
    State.RESOLVED: State.IN_REVIEW,  # reopened
}


@pytest.mark.parametrize(("state", "after"), FOLLOW_UP.items())
def test_the_reference_in_the_subject_continues_the_customers_case(integrator_api, state, after):
    case = case_in(state)
    response = submit(integrator_api, **reply_to(case, subject=f"Re: parcel [#{case.reference}]"))
    assert response.status_code == 201
    assert response.json()["reference"] == case.reference
    assert Case.objects.get().state == after
    assert case.messages.filter(direction="in").count() == 2


@pytest.mark.parametrize("state", [State.AWAITING_CUSTOMER, State.RESOLVED])
def test_the_intake_answer_shows_the_state_after_the_message(integrator_api, state):
    case = case_in(state)
    response = submit(integrator_api, **reply_to(case, subject=f"Re: [#{case.reference}]"))
    assert Case.objects.get().state == State.IN_REVIEW
    assert response.json()["state"] == State.IN_REVIEW


def test_a_forged_reference_from_another_sender_starts_a_new_case(integrator_api):
    victim = case_in(State.IN_REVIEW)
    response = submit(
        integrator_api,
        from_email="mallory@example.com",
        subject=f"Re: [#{victim.reference}] refund me",
        external_id="forged",
    )
    assert response.status_code == 201
    assert response.json()["reference"] != victim.reference
    assert victim.messages.count() == 1  # only the suggestion's own message
    assert Case.objects.get(reference=response.json()["reference"]).customer.email == (
        "mallory@example.com"
    )


@pytest.mark.parametrize("header", ["in_reply_to", "references"])
def test_a_reply_to_our_outbound_message_continues_the_case(integrator_api, header):
    case = case_in(State.IN_PROGRESS)
    ours = MessageFactory(
        case=case,
        direction=Message.Direction.OUTBOUND,
        author_kind=Message.AuthorKind.AGENT,
        message_id=f"<{case.reference}.abc123@example.com>",
    )
    value = ours.message_id if header == "in_reply_to" else f"<x@mail> {ours.message_id}"
    response = submit(integrator_api, **reply_to(case, **{header: value}))
    assert response.json()["reference"] == case.reference
    assert Case.objects.count() == 1


def test_a_reply_to_our_message_id_from_another_sender_starts_a_new_case(integrator_api):
    case = case_in(State.IN_PROGRESS)
    ours = MessageFactory(
        case=case, direction=Message.Direction.OUTBOUND, message_id="<known@example.com>"
    )
    response = submit(integrator_api, from_email="mallory@example.com", in_reply_to=ours.message_id)
    assert response.json()["reference"] != case.reference


def test_a_message_for_a_resolved_case_reopens_it(integrator_api):
    case = case_in(State.RESOLVED)
    response = submit(integrator_api, **reply_to(case, subject=f"Re: [#{case.reference}]"))
    assert response.json()["reference"] == case.reference
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW and case.resolved_at is None
    event = case.events.last()
    assert (event.name, event.from_state, event.to_state, event.actor_kind) == (
        "reopen",
        State.RESOLVED,
        State.IN_REVIEW,
        "customer",
    )
    assert event.reason_codes == ["customer_replied"]


def test_a_message_for_a_closed_case_opens_a_follow_up(integrator_api):
    closed = case_in(State.CLOSED)
    response = submit(integrator_api, **reply_to(closed, subject=f"Re: [#{closed.reference}]"))
    assert response.status_code == 201
    follow_up = Case.objects.get(reference=response.json()["reference"])
    assert follow_up != closed
    assert (follow_up.previous_case, follow_up.customer, follow_up.state) == (
        closed,
        closed.customer,
        State.NEW,
    )
    closed.refresh_from_db()
    assert closed.state == State.CLOSED and closed.messages.count() == 1
    assert follow_up.events.get().data["previous_case"] == closed.reference


# Reading cases: GET /api/v1/cases/ and /api/v1/cases/{reference}/


def test_the_case_list_is_paginated_and_filters_by_state(agent_api):
    in_review = {case_in(State.IN_REVIEW).reference for _ in range(2)}
    escalated = case_in(State.ESCALATED).reference
    case_in(State.RESOLVED)

    everything = agent_api.get(CASES).json()
    assert (everything["count"], len(everything["results"])) == (4, 4)
    assert {"next", "previous"} <= set(everything)

    filtered = agent_api.get(CASES, {"state": "in_review"}).json()
    assert filtered["count"] == 2
    assert {case["reference"] for case in filtered["results"]} == in_review
    assert {case["state"] for case in filtered["results"]} == {State.IN_REVIEW}

    several = agent_api.get(CASES, {"state": "in_review,escalated"}).json()
    assert {case["reference"] for case in several["results"]} == {*in_review, escalated}


def test_the_case_list_shows_what_a_queue_needs(agent_api):
    case = case_in(State.IN_REVIEW)
    [row] = agent_api.get(CASES).json()["results"]
    assert row["reference"] == case.reference
    assert row["customer"] == case.customer.email
    assert row["intent"] == "test_reply"
    assert row["reason_codes"] == ["low_confidence"]


def test_a_case_shows_state_customer_suggestion_transitions_and_events(agent, agent_api):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "VIP"})
    response = agent_api.get(case_url(case.reference))
    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["state"]) == (case.reference, State.ESCALATED)
    assert body["customer"] == {
        "email": case.customer.email,
        "name": case.customer.name,
        "language": "en",
    }
    suggestion = body["suggestion"]
    assert {k: suggestion[k] for k in ("intent", "action", "reason_codes", "model_version")} == {
        "intent": "test_reply",
        "action": ActionKind.REPLY,
        "reason_codes": ["low_confidence"],
        "model_version": "test-model",
    }
    assert suggestion["confidence"] == pytest.approx(0.95)
    assert body["available_transitions"] == []  # escalated: the supervisor decides
    [event] = body["events"]
    assert {
        k: event[k] for k in ("transition", "from_state", "to_state", "actor_kind", "reason_codes")
    } == {
        "transition": "escalate",
        "from_state": State.IN_REVIEW,
        "to_state": State.ESCALATED,
        "actor_kind": "agent",
        "reason_codes": ["escalated"],
    }
    assert event["actor"] == "Agent" and event["comment"] == "VIP" and event["created_at"]


def test_a_case_without_a_suggestion_shows_none(agent_api):
    case = case_in(State.NEW)
    case.current_suggestion = None
    case.save()
    body = agent_api.get(case_url(case.reference)).json()
    assert (body["suggestion"], body["intent"], body["reason_codes"]) == (None, None, [])


# (state, role) → the transitions the caller may run; customer and system ones never appear.
AVAILABLE = [
    (State.NEW, "agent", []),
    (State.IN_REVIEW, "agent", ["amend", "approve", "escalate", "take_over"]),
    (State.IN_REVIEW, "supervisor", ["amend", "approve", "escalate", "take_over"]),
    (State.IN_REVIEW, "integrator", []),
    (State.ESCALATED, "agent", []),
    (State.ESCALATED, "supervisor", ["amend", "approve", "take_over"]),
    (State.IN_PROGRESS, "agent", ["escalate", "propose", "reply", "reply_and_wait"]),
    (State.AWAITING_CUSTOMER, "agent", []),
    (State.AWAITING_CUSTOMER, "supervisor", []),
    (State.RESOLVED, "agent", ["close"]),
    (State.CLOSED, "supervisor", []),
]


@pytest.mark.parametrize(("state", "role", "expected"), AVAILABLE)
def test_available_transitions_depend_on_the_caller(db, state, role, expected):
    case = case_in(state)
    user = UserFactory(username=role, role=role)
    body = api(user).get(case_url(case.reference)).json()
    assert body["available_transitions"] == expected


def test_an_unknown_reference_is_a_404(agent_api):
    response = agent_api.get(case_url("ZZZZZZZZ"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("which", ["list", "detail"])
def test_a_user_without_a_role_may_not_read_cases(db, which):
    case = case_in(State.IN_REVIEW)
    nobody = UserFactory(username="nobody")
    response = api(nobody).get(CASES if which == "list" else case_url(case.reference))
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not read cases."


def test_a_user_without_a_role_may_not_submit_messages(db):
    response = submit(api(UserFactory(username="nobody")))
    assert response.status_code == 403
    assert rows() == (0, 0, 0)


def queries_for(user, url) -> int:
    """Queries of one request, as in production: a fresh user with cold permission caches."""
    client = api(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_list_needs_the_same_queries_for_3_and_for_12_cases(agent):
    for _ in range(3):
        case_in(State.IN_REVIEW)
    with_3 = queries_for(agent, CASES)
    for _ in range(9):
        case_in(State.ESCALATED)
    assert queries_for(agent, CASES) == with_3


def test_a_case_needs_the_same_queries_for_1_and_for_8_events(agent):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "x"})
    with_1 = queries_for(agent, case_url(case.reference))
    supervisor = UserFactory(username="boss", role="supervisor")
    for _ in range(3):
        case_transition(case=case, name="take_over", actor=Actor.staff(supervisor))
        case_transition(
            case=case, name="escalate", actor=Actor.staff(supervisor), payload={"reason": "y"}
        )
    case_transition(case=case, name="take_over", actor=Actor.staff(supervisor))
    assert case.events.count() == 8
    assert queries_for(agent, case_url(case.reference)) == with_1


# Transitions: POST /api/v1/cases/{reference}/transitions/{name}/


def test_approve_answers_with_the_resolved_case(agent_api):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(transition_url(case.reference, "approve"), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["state"]) == (case.reference, State.RESOLVED)
    assert body["events"][-1]["transition"] == "approve"
    assert body["available_transitions"] == ["close"]
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED


def test_a_transition_without_a_body_is_fine(agent_api):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(transition_url(case.reference, "take_over"))
    assert response.status_code == 200
    assert response.json()["assignee"] == "agent"


def test_the_second_of_two_agents_hears_who_was_first(agent_api, agent2):
    case = case_in(State.IN_REVIEW)
    assert agent_api.post(transition_url(case.reference, "take_over")).status_code == 200
    response = api(agent2).post(transition_url(case.reference, "approve"), {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["detail"].startswith("Already handled by Agent at ")
    assert body["errors"] == {"state": State.IN_PROGRESS, "handled_by": "Agent"}
    case.refresh_from_db()
    assert (case.state, case.assignee.username) == (State.IN_PROGRESS, "agent")


def test_a_stale_expected_state_is_a_conflict(agent_api):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(
        transition_url(case.reference, "take_over"), {"expected_state": "escalated"}, format="json"
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


@pytest.mark.parametrize("name", ["approve", "amend", "take_over"])
def test_agents_may_not_decide_escalated_cases(agent_api, supervisor_api, name):
    case = case_in(State.ESCALATED)
    payload = {"reply": "Better."} if name == "amend" else {}
    response = agent_api.post(transition_url(case.reference, name), payload, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Escalated cases are decided by a supervisor.",
        "code": "forbidden",
        "errors": {},
    }
    assert Case.objects.get(pk=case.pk).state == State.ESCALATED
    response = supervisor_api.post(transition_url(case.reference, name), payload, format="json")
    assert response.status_code == 200


# Customer and system transitions, from a state where they would run.
NOT_FOR_STAFF = [
    ("customer_accept", State.AWAITING_CUSTOMER),
    ("customer_decline", State.AWAITING_CUSTOMER),
    ("automate", State.NEW),
    ("route_to_review", State.NEW),
    ("expire", State.AWAITING_CUSTOMER),
    ("reopen", State.RESOLVED),
]


@pytest.mark.parametrize(("name", "state"), NOT_FOR_STAFF)
def test_customer_and_system_transitions_are_forbidden_through_the_staff_api(
    supervisor_api, name, state
):
    case = case_in(state, automatable=(name == "automate"))
    response = supervisor_api.post(
        transition_url(case.reference, name), {"option": "a"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Case.objects.get(pk=case.pk).state == state
    assert not CaseEvent.objects.filter(case=case).exists()


def test_an_integrator_may_read_but_not_work_cases(integrator_api):
    case = case_in(State.IN_REVIEW)
    assert integrator_api.get(case_url(case.reference)).status_code == 200
    response = integrator_api.post(transition_url(case.reference, "approve"))
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_escalate_without_a_reason_names_the_field(agent_api):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(transition_url(case.reference, "escalate"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "reason" in body["errors"]
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_a_reply_with_a_nul_byte_is_a_400(agent_api):
    case = case_in(State.IN_PROGRESS)
    response = agent_api.post(
        transition_url(case.reference, "reply"), {"text": "Done\x00"}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


SURROGATE_PAYLOADS = [
    ("reply", State.IN_PROGRESS, "text"),
    ("escalate", State.IN_REVIEW, "reason"),
    ("take_over", State.IN_REVIEW, "comment"),
    ("amend", State.IN_REVIEW, "reply"),
    ("propose", State.IN_PROGRESS, "options"),
]


@pytest.mark.parametrize(("name", "state", "field"), SURROGATE_PAYLOADS)
def test_a_lone_surrogate_in_a_transition_payload_is_a_400(supervisor_api, name, state, field):
    case = case_in(state)
    value = '["x \\ud800"]' if field == "options" else '"x \\ud800"'
    raw = f'{{"{field}": {value}}}'.encode()
    response = supervisor_api.post(
        transition_url(case.reference, name), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    case.refresh_from_db()
    assert (case.state, case.events.count()) == (state, 0)


@pytest.mark.parametrize("name", ["delete", "resolve", "save", "get_state_display"])
def test_an_unknown_transition_is_a_404(agent_api, name):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(transition_url(case.reference, name), {}, format="json")
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_a_transition_on_an_unknown_case_is_a_404(agent_api):
    response = agent_api.post(transition_url("ZZZZZZZZ", "approve"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_case_cannot_be_changed_except_by_transitions(supervisor_api, method):
    case = case_in(State.IN_REVIEW)
    response = getattr(supervisor_api, method)(
        case_url(case.reference), {"state": State.RESOLVED, "subject": "x"}, format="json"
    )
    assert response.status_code == 405
    case.refresh_from_db()
    assert (case.state, case.events.count()) == (State.IN_REVIEW, 0)


def test_cases_cannot_be_created_through_the_case_list(supervisor_api):
    response = supervisor_api.post(CASES, {"state": State.RESOLVED}, format="json")
    assert response.status_code == 405
    assert Case.objects.count() == 0


@pytest.mark.parametrize("payload", [["approve"], "approve", 42], ids=repr)
def test_a_transition_payload_that_is_not_an_object_is_a_400(agent_api, payload):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(transition_url(case.reference, "approve"), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_a_transition_payload_that_is_not_json_is_a_400(agent_api):
    case = case_in(State.IN_REVIEW)
    response = agent_api.post(
        transition_url(case.reference, "approve"), b"{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


# The OpenAPI schema.


def test_the_schema_is_served_to_staff(supervisor_api):
    response = supervisor_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/messages/",
        "/api/v1/cases/",
        "/api/v1/cases/{reference}/",
        "/api/v1/cases/{reference}/transitions/{name}/",
    } <= set(schema["paths"])


def test_the_schema_validates_without_warnings(tmp_path):
    # A subprocess: drf-spectacular keeps its warnings in a process-wide cache.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings_test"}
    result = subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


# Approve sends the suggestion as it is: never a text other than the one approved.


def test_an_approve_that_carries_another_reply_is_refused_and_sends_nothing(supervisor_api):
    case = case_in(State.IN_REVIEW, draft_reply="Hello, your order is on its way.")
    response = supervisor_api.post(
        transition_url(case.reference, "approve"), {"reply": "Something else."}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == (
        "An approve sends the suggestion as it is, but this one changes reply: send it as an amend."
    )
    assert list(body["errors"]) == ["reply"]
    case.refresh_from_db()
    sent = case.messages.filter(direction="out").count()
    assert (case.state, case.events.count(), sent) == (State.IN_REVIEW, 0, 0)


def test_an_approve_that_carries_the_same_reply_approves(supervisor_api):
    case = case_in(State.IN_REVIEW, draft_reply="Hello, your order is on its way.")
    response = supervisor_api.post(
        transition_url(case.reference, "approve"),
        {"reply": "Hello, your order is on its way."},
        format="json",
    )
    assert response.status_code == 200
    assert [e.name for e in case.events.all()] == ["approve"]
    assert case.messages.get(direction="out").text == "Hello, your order is on its way."


def test_the_api_lists_the_emails_the_customer_got_and_the_events_their_decision(
    supervisor_api,
):
    from customers.models import EmailOutbox
    from customers.services import confirmation_decide

    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = case.confirmations.get()
    confirmation.text = "Hello Ada,\n\nwhich day suits you?"
    confirmation.save(update_fields=["text"])
    EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation)
    confirmation_decide(confirmation=confirmation, decision="accept", option="a")
    emails = supervisor_api.get(f"/api/v1/cases/{case.reference}/emails/").json()
    assert emails[0]["question"]["text"] == "Hello Ada,\n\nwhich day suits you?"
    assert [(e["kind"], e["question"]["kind"]) for e in emails] == [
        ("request", "choose"),
        ("decided", "choose"),
    ]
    assert emails[0]["question"]["options"] == [{"id": "a", "label": "Monday"}]
    assert emails[0]["question"]["outcome"]["option"] == {"id": "a", "label": "Monday"}
    events = supervisor_api.get(f"/api/v1/cases/{case.reference}/events/").json()
    assert events[-1]["transition"] == "customer_accept"


def test_a_reply_with_a_file_through_the_api_reaches_the_customer_with_it(supervisor_api):
    import base64

    from django.core import mail

    from cases.tasks import message_send

    case = case_in(State.IN_PROGRESS)
    pdf = b"%PDF-1.4 the invoice"
    response = supervisor_api.post(
        transition_url(case.reference, "reply"),
        {
            "text": "Here is the invoice.",
            "attachments": [
                {"filename": "invoice.pdf", "content_base64": base64.b64encode(pdf).decode()}
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    message = case.messages.get(direction="out")
    assert message_send(message.pk) is True
    (sent,) = mail.outbox
    assert sent.attachments == [("invoice.pdf", pdf, "application/pdf")]
    detail = supervisor_api.get(f"/api/v1/cases/{case.reference}/messages/").json()
    assert [a["filename"] for a in detail[-1]["attachments"]] == ["invoice.pdf"]


@pytest.mark.parametrize(
    ("attachments", "message"),
    [
        ("nope", "Attachments must be a list of files."),
        ([{"filename": "a.txt", "content_base64": "%%%"}], "content_base64 is not valid base64."),
        ([{"filename": "run.sh", "content_base64": "IyEvYmluL3No"}], "run.sh is a program"),
    ],
)
def test_a_reply_with_a_bad_file_is_a_400_that_says_why(supervisor_api, attachments, message):
    case = case_in(State.IN_PROGRESS)
    response = supervisor_api.post(
        transition_url(case.reference, "reply"),
        {"text": "Here.", "attachments": attachments},
        format="json",
    )
    assert response.status_code == 400
    assert message in str(response.json())
