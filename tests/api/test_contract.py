"""REST API v1, the contract: every endpoint and role, filters that cannot be abused, pagination,
the case's messages, suggestions and events, customers, and the permission of each transition.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, Message, State, WebhookDelivery, WebhookEndpoint
from review.models import ReviewItem, Suggestion
from tests.factories import (
    CustomerFactory,
    IntentFactory,
    MessageFactory,
    SuggestionFactory,
    UserFactory,
    case_in,
)

CASES = "/api/v1/cases/"
CUSTOMERS = "/api/v1/customers/"
MESSAGES = "/api/v1/messages/"
MESSAGE = {"from_email": "alice@example.com", "body": "Where is my order 123456?"}


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def user_with(role: str | None):
    if role is None:
        return None
    return UserFactory(username=role, role=None if role == "nobody" else role)


def error_format(response) -> bool:
    body = response.json()
    return set(body) == {"detail", "code", "errors"} and isinstance(body["errors"], dict)


# Every endpoint and role: the status, and errors always in the one format.

READS = [
    "/api/v1/cases/",
    "/api/v1/cases/{ref}/",
    "/api/v1/cases/{ref}/messages/",
    "/api/v1/cases/{ref}/suggestions/",
    "/api/v1/cases/{ref}/events/",
    "/api/v1/customers/",
    "/api/v1/customers/{customer}/",
]
READ_STATUS = {None: 401, "nobody": 403, "agent": 200, "supervisor": 200, "integrator": 200}


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("role", list(READ_STATUS))
def test_reading_each_endpoint_as_each_role(db, path, role):
    case = case_in(State.IN_REVIEW)
    url = path.format(ref=case.reference, customer=case.customer_id)
    response = api(user_with(role)).get(url)
    assert response.status_code == READ_STATUS[role]
    if response.status_code != 200:
        assert error_format(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/ZZZZZZZZ/",
        "/api/v1/cases/ZZZZZZZZ/messages/",
        "/api/v1/cases/ZZZZZZZZ/suggestions/",
        "/api/v1/cases/ZZZZZZZZ/events/",
        "/api/v1/cases/ZZZZZZZZ/transitions/approve/",
        "/api/v1/cases/not-a-ref!/",
        "/api/v1/customers/999999/",
        "/api/v1/customers/abc/",
        "/api/v1/customers/99999999999999999999999/",
        "/api/v1/nothing-here/",
        "/api/v1/cases/ABCDEFGH/transitions/Not-A-Name/",
    ],
)
def test_unknown_resources_are_a_404_in_the_error_format(supervisor, url):
    method = "post" if "transitions" in url else "get"
    response = getattr(api(supervisor), method)(url, {}, format="json")
    assert response.status_code == 404
    assert error_format(response) and response.json()["code"] == "not_found"


# The contract's status codes, one request each.

CONTRACT = [
    # (what, role, state of the case, transition or None for intake, payload, status)
    ("a new message", "integrator", None, None, MESSAGE, 201),
    ("an invalid message", "integrator", None, None, {"from_email": "x"}, 400),
    ("a message from an agent", "agent", None, None, MESSAGE, 403),
    ("approve", "agent", State.IN_REVIEW, "approve", {}, 200),
    ("escalate without a reason", "agent", State.IN_REVIEW, "escalate", {}, 400),
    ("approve an escalated case as agent", "agent", State.ESCALATED, "approve", {}, 403),
    ("approve a resolved case", "agent", State.RESOLVED, "approve", {}, 409),
    ("an unknown transition", "agent", State.IN_REVIEW, "resolve", {}, 404),
]


@pytest.mark.parametrize(
    ("role", "state", "name", "payload", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in CONTRACT],
)
def test_the_contracts_status_codes(db, role, state, name, payload, expected):
    client = api(user_with(role))
    if name is None:
        response = client.post(MESSAGES, payload, format="json")
    else:
        case = case_in(state)
        response = client.post(f"{CASES}{case.reference}/transitions/{name}/", payload, "json")
    assert response.status_code == expected
    if expected >= 400:
        assert error_format(response)


def test_the_same_idempotency_key_with_another_body_is_a_422(integrator):
    client = api(integrator)
    headers = {"Idempotency-Key": "contract-422"}
    assert client.post(MESSAGES, MESSAGE, format="json", headers=headers).status_code == 201
    other = {**MESSAGE, "body": "Something else."}
    response = client.post(MESSAGES, other, format="json", headers=headers)
    assert response.status_code == 422
    assert error_format(response) and response.json()["code"] == "idempotency_key_reused"


def test_only_json_is_accepted_by_posts(integrator):
    response = api(integrator).post(MESSAGES, MESSAGE, format="multipart")
    assert response.status_code == 415
    assert error_format(response)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
    ids=["deep list", "deep object"],
)
@pytest.mark.parametrize("target", ["messages", "transition"])
def test_json_nested_too_deeply_is_a_400_not_a_500(integrator, supervisor, body, target):
    if target == "messages":
        client, url = api(integrator), MESSAGES
    else:
        case = case_in(State.IN_REVIEW)
        client, url = api(supervisor), f"{CASES}{case.reference}/transitions/approve/"
    for headers in ({}, {"Idempotency-Key": "deep"}):
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
    assert Case.objects.filter(state=State.RESOLVED).count() == 0


# Permissions per transition: (name, state, payload, role) → status; then the state after.

TRANSITIONS = [
    ("approve", State.IN_REVIEW, {}, "agent", 200),
    ("approve", State.IN_REVIEW, {}, "supervisor", 200),
    ("approve", State.IN_REVIEW, {}, "integrator", 403),
    ("approve", State.IN_REVIEW, {}, "nobody", 403),
    ("approve", State.ESCALATED, {}, "agent", 403),
    ("approve", State.ESCALATED, {}, "supervisor", 200),
    ("amend", State.IN_REVIEW, {"reply": "Better words."}, "agent", 200),
    ("amend", State.IN_REVIEW, {"reply": "Better words."}, "integrator", 403),
    ("amend", State.ESCALATED, {"reply": "Better words."}, "agent", 403),
    ("amend", State.ESCALATED, {"reply": "Better words."}, "supervisor", 200),
    ("take_over", State.IN_REVIEW, {}, "agent", 200),
    ("take_over", State.IN_REVIEW, {}, "integrator", 403),
    ("take_over", State.ESCALATED, {}, "agent", 403),
    ("take_over", State.ESCALATED, {}, "supervisor", 200),
    ("escalate", State.IN_REVIEW, {"reason": "VIP"}, "agent", 200),
    ("escalate", State.IN_PROGRESS, {"reason": "VIP"}, "agent", 200),
    ("escalate", State.IN_REVIEW, {"reason": "VIP"}, "integrator", 403),
    ("reply", State.IN_PROGRESS, {"text": "Done."}, "agent", 200),
    ("reply", State.IN_PROGRESS, {"text": "Done."}, "integrator", 403),
    ("propose", State.IN_PROGRESS, {"options": ["Mon", "Tue"]}, "agent", 200),
    ("propose", State.IN_PROGRESS, {"options": ["Mon", "Tue"]}, "nobody", 403),
    ("close", State.RESOLVED, {}, "agent", 200),
    ("close", State.RESOLVED, {}, "integrator", 403),
    # Not possible from this state: a conflict, whoever asks.
    ("reply", State.IN_REVIEW, {"text": "Done."}, "agent", 409),
    ("close", State.IN_REVIEW, {}, "supervisor", 409),
    ("take_over", State.RESOLVED, {}, "supervisor", 409),
    # Customer and system transitions are never the staff's.
    ("customer_accept", State.AWAITING_CUSTOMER, {"option": "a"}, "supervisor", 403),
    ("automate", State.NEW, {}, "supervisor", 403),
    ("expire", State.AWAITING_CUSTOMER, {}, "supervisor", 403),
    ("reopen", State.RESOLVED, {}, "supervisor", 403),
]


@pytest.mark.parametrize(("name", "state", "payload", "role", "expected"), TRANSITIONS)
def test_each_transition_checks_the_callers_permission(db, name, state, payload, role, expected):
    case = case_in(state)
    response = api(user_with(role)).post(
        f"{CASES}{case.reference}/transitions/{name}/", payload, format="json"
    )
    assert response.status_code == expected, response.json()
    case.refresh_from_db()
    if expected == 200:
        assert response.json()["state"] == case.state != state
        assert case.events.filter(name=name).count() == 1
    else:
        assert error_format(response)
        assert case.state == state
        assert not case.events.exists()


def test_legal_risk_needs_a_supervisor(agent, supervisor):
    case = case_in(State.IN_REVIEW, risk_class="legal")
    url = f"{CASES}{case.reference}/transitions/approve/"
    refused = api(agent).post(url, {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "A suggestion with legal risk needs a supervisor."
    assert api(supervisor).post(url, {}, format="json").status_code == 200


def test_a_case_in_progress_belongs_to_its_assignee(agent, agent2, supervisor):
    case = case_in(State.IN_PROGRESS)
    case.assignee = agent
    case.save()
    url = f"{CASES}{case.reference}/transitions/reply/"
    assert api(agent2).post(url, {"text": "Mine now"}, format="json").status_code == 403
    assert api(supervisor).post(url, {"text": "Done."}, format="json").status_code == 200


def test_a_refused_transition_writes_no_event_and_no_webhook(agent):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook")
    case = case_in(State.ESCALATED)
    response = api(agent).post(f"{CASES}{case.reference}/transitions/approve/", {}, "json")
    assert response.status_code == 403
    assert not CaseEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


# The case list: filters on an allowlist, ordering on an allowlist, pagination.


def references(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def board(agent):
    """Cases that differ in each filtered field."""
    review = case_in(State.IN_REVIEW)
    escalated = case_in(State.ESCALATED)
    Suggestion.objects.filter(pk=escalated.current_suggestion_id).update(
        reason_codes=["risk_class:financial"]
    )
    progress = case_in(State.IN_PROGRESS)
    progress.assignee = agent
    progress.save()
    resolved = case_in(State.RESOLVED)
    Suggestion.objects.filter(pk=resolved.current_suggestion_id).update(
        intent=IntentFactory(slug="invoice_copy")
    )
    old = timezone.now() - timedelta(days=10)
    Case.objects.filter(pk=resolved.pk).update(created_at=old, updated_at=old)
    ReviewItem.objects.create(case=review, reason_codes=["customer_declined"])
    ReviewItem.objects.create(case=escalated, reason_codes=["risk_class:financial"])
    return {"review": review, "escalated": escalated, "progress": progress, "resolved": resolved}


FILTERS = [
    ({"state": "in_review"}, ["review"]),
    ({"state": "in_review,escalated"}, ["review", "escalated"]),
    ({"state": ""}, ["review", "escalated", "progress", "resolved"]),
    ({"intent": "invoice_copy"}, ["resolved"]),
    # A reason code of the open review item, as the workspace queue filters and counts it.
    ({"reason_code": "risk_class:financial"}, ["escalated"]),
    ({"reason_code": "customer_declined"}, ["review"]),  # from the open review, not the AI
    ({"reason_code": "low_confidence"}, []),  # every suggestion's code, but no open review's
    ({"assignee": "agent"}, ["progress"]),
    ({"assignee": "nobody-of-that-name"}, []),
    ({"created_before": "{recent}"}, ["resolved"]),
    ({"created_after": "{recent}"}, ["review", "escalated", "progress"]),
    ({"updated_before": "{recent}"}, ["resolved"]),
    ({"updated_after": "{recent}", "state": "resolved"}, []),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_the_case_list_filters(agent, board, params, expected):
    recent = (timezone.now() - timedelta(days=1)).isoformat()
    query = {k: v.format(recent=recent) for k, v in params.items()}
    found = references(api(agent).get(CASES, query))
    assert sorted(found) == sorted(board[name].reference for name in expected)


@pytest.mark.parametrize(
    ("ordering", "first"),
    [
        ("created_at", "resolved"),
        ("-created_at", "progress"),
        ("updated_at", "resolved"),
    ],
)
def test_the_case_list_orders_by_an_allowed_field(agent, board, ordering, first):
    found = references(api(agent).get(CASES, {"ordering": ordering}))
    assert found[0] == board[first].reference


INVALID_FILTERS = [
    {"state": "in_review,deleted"},
    {"state": "x" * 201},
    {"intent": "not a slug"},
    {"intent": "order\x00"},
    {"reason_code": '"low_confidence" OR 1=1'},
    {"reason_code": "%_%"},
    {"assignee": "agent\x00"},
    {"created_after": "yesterday"},
    {"updated_before": "2026-13-45T00:00:00Z"},
    {"ordering": "customer__email"},
    {"ordering": "assignee__password"},
    {"ordering": "-customer__name"},
    {"ordering": "?"},
]


@pytest.mark.parametrize("params", INVALID_FILTERS, ids=repr)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(agent, board, params):
    response = api(agent).get(CASES, params)
    assert response.status_code == 400
    assert error_format(response)
    assert list(response.json()["errors"]) == list(params)
    assert "results" not in response.json()


# Parameter names are never lookups. An unknown parameter changes nothing.
INJECTIONS = [
    {"assignee__password": "x"},
    {"assignee__password__startswith": "pbkdf2"},
    {"customer__email__startswith": "a"},
    {"customer__email": "nobody@example.com"},
    {"state__in": "closed"},
    {"reference__gt": "ZZZZZZZZ"},
    {"current_suggestion__reason_codes__contains": "x"},
    {"o": "customer__email"},
    {"sort": "assignee__password"},
    {"order_by": "customer__email"},
    {"search": "alice"},
    {"filter": '{"assignee__password__startswith": "m"}'},
]


@pytest.mark.parametrize("params", INJECTIONS, ids=repr)
def test_filter_and_sort_injection_changes_nothing(agent, board, params):
    client = api(agent)
    plain = client.get(CASES).json()
    response = client.get(CASES, params)
    assert response.status_code == 200
    assert response.json() == plain


def test_injected_orderings_leak_nothing_whatever_the_password(agent, board):
    """A boolean oracle would order differently for different secrets: it stays the same."""
    client = api(agent)
    before = client.get(CASES, {"ordering": "assignee__password"}).json()
    agent.set_password("zzzz-different")
    agent.save()
    after = client.get(CASES, {"ordering": "assignee__password"}).json()
    assert before == after and before["code"] == "invalid"


def test_the_case_list_is_paginated_with_a_capped_page_size(agent):
    for _ in range(5):
        case_in(State.IN_REVIEW)
    client = api(agent)
    page = client.get(CASES, {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (5, 2)
    assert "page=2" in page["next"] and page["previous"] is None
    last = client.get(CASES, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = set()
    for number in (1, 2, 3):
        seen |= set(references(client.get(CASES, {"page_size": 2, "page": number})))
    assert len(seen) == 5
    assert len(client.get(CASES, {"page_size": 10_000}).json()["results"]) == 5  # capped at 200


# (Not called `page`: pytest-playwright parametrizes every test with an argument of that name.)
@pytest.mark.parametrize("number", ["99", "0", "abc", "-1"])
def test_a_page_out_of_range_is_a_404_in_the_error_format(agent, number):
    case_in(State.IN_REVIEW)
    response = api(agent).get(CASES, {"page": number})
    assert response.status_code == 404
    assert error_format(response)


# The case's messages, suggestions and events.


def test_a_cases_messages_oldest_first(agent):
    case = case_in(State.IN_PROGRESS)
    MessageFactory(
        case=case,
        direction=Message.Direction.OUTBOUND,
        author_kind=Message.AuthorKind.AGENT,
        text="We are on it.",
    )
    body = api(agent).get(f"{CASES}{case.reference}/messages/").json()
    assert [(m["direction"], m["text"]) for m in body] == [
        ("in", "Where is my order 123456?"),
        ("out", "We are on it."),
    ]
    assert set(body[0]) == {
        "id",
        "direction",
        "author_kind",
        "subject",
        "text",
        "created_at",
        "sent_at",
        "attachments",
    }


def test_a_cases_suggestions_newest_first_with_the_current_one_marked(agent):
    case = case_in(State.IN_REVIEW)
    older = case.current_suggestion
    newer = SuggestionFactory(case=case, intent=IntentFactory(slug="refund"), confidence=0.5)
    case.current_suggestion = newer
    case.save()
    body = api(agent).get(f"{CASES}{case.reference}/suggestions/").json()
    assert [(s["id"], s["intent"], s["current"]) for s in body] == [
        (newer.pk, "refund", True),
        (older.pk, "test_reply", False),
    ]
    assert body[0]["model_version"] == "test-model" and body[0]["engine"] == "tfidf"


def test_a_cases_events_are_its_audit_trail(agent):
    case = case_in(State.IN_REVIEW)
    client = api(agent)
    client.post(f"{CASES}{case.reference}/transitions/take_over/", {}, format="json")
    client.post(f"{CASES}{case.reference}/transitions/reply/", {"text": "Sorted."}, format="json")
    body = client.get(f"{CASES}{case.reference}/events/").json()
    assert [(e["transition"], e["from_state"], e["to_state"], e["actor"]) for e in body] == [
        ("take_over", "in_review", "in_progress", "Agent"),
        ("reply", "in_progress", "resolved", "Agent"),
    ]


def test_sub_resources_of_another_case_are_not_mixed_in(agent):
    mine, other = case_in(State.IN_REVIEW), case_in(State.IN_REVIEW)
    client = api(agent)
    messages = client.get(f"{CASES}{mine.reference}/messages/").json()
    assert {m["id"] for m in messages} == set(mine.messages.values_list("pk", flat=True))
    suggestions = client.get(f"{CASES}{mine.reference}/suggestions/").json()
    assert [s["id"] for s in suggestions] == [mine.current_suggestion_id]
    assert other.current_suggestion_id not in [s["id"] for s in suggestions]


# Customers.


def test_customers_list_and_filter_by_email(integrator):
    alice = CustomerFactory(email="alice@example.com", name="Alice")
    CustomerFactory(email="bob@example.com")
    client = api(integrator)
    everyone = client.get(CUSTOMERS).json()
    assert everyone["count"] == 2
    assert [c["email"] for c in everyone["results"]] == ["alice@example.com", "bob@example.com"]
    found = client.get(CUSTOMERS, {"email": " Alice@Example.com "}).json()
    assert [c["id"] for c in found["results"]] == [alice.pk]
    assert set(found["results"][0]) == {
        "id",
        "email",
        "name",
        "language",
        "created_at",
        "updated_at",
    }


def test_a_customer_shows_their_cases(agent):
    case = case_in(State.IN_REVIEW)
    later = case_in(State.RESOLVED)
    Case.objects.filter(pk=later.pk).update(customer=case.customer)
    body = api(agent).get(f"{CUSTOMERS}{case.customer_id}/").json()
    assert body["email"] == case.customer.email
    assert {c["reference"] for c in body["cases"]} == {case.reference, later.reference}


def test_an_email_filter_with_a_nul_is_a_400(agent):
    response = api(agent).get(CUSTOMERS, {"email": "a\x00@example.com"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_customers_are_read_only_through_the_api(supervisor, method):
    customer = CustomerFactory()
    url = CUSTOMERS if method == "post" else f"{CUSTOMERS}{customer.pk}/"
    response = getattr(api(supervisor), method)(url, {"email": "x@example.com"}, format="json")
    assert response.status_code == 405
    assert error_format(response)
    customer.refresh_from_db()
    assert customer.email != "x@example.com"


# The docs page and the schema.


def test_the_docs_page_uses_our_own_static_files(supervisor):
    client = APIClient()
    client.force_login(supervisor)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_the_schema_documents_every_status_the_api_answers_with(supervisor):
    schema = api(supervisor).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    transition = paths["/api/v1/cases/{reference}/transitions/{name}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(transition["responses"])
    intake = paths["/api/v1/messages/"]["post"]
    assert {"200", "201", "400", "401", "403", "409", "422", "429"} <= set(intake["responses"])
    for post in (transition, intake):
        assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    listing = paths["/api/v1/cases/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"state", "intent", "reason_code", "assignee", "ordering", "page"} <= names
    assert {
        "/api/v1/cases/{reference}/messages/",
        "/api/v1/cases/{reference}/suggestions/",
        "/api/v1/cases/{reference}/events/",
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
    } <= set(paths)
