"""Webhooks: outbox rows in the event's transaction, delivered to a real local HTTP server.

The receiver is `http.server` in a thread. It checks each request's signature the way an
integrator would (recomputing the HMAC itself), and answers with the statuses a test asks for.
"""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cases import webhooks
from cases.models import CaseEvent, State, WebhookDelivery, WebhookEndpoint
from cases.transitions import Actor, case_transition
from customers.models import ConfirmationRequest
from tests.factories import case_in

SECRET = "whsec-test-0123456789"


class Receiver:
    """A local webhook endpoint: records requests, verifies signatures, answers as told."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = [204]
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append(
                        {"headers": dict(self.headers), "body": body, "path": self.path}
                    )
                    status = (
                        receiver.statuses.pop(0)
                        if len(receiver.statuses) > 1
                        else receiver.statuses[0]
                    )
                time.sleep(receiver.delay)
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", f"{receiver.url}elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(db, receiver):
    return WebhookEndpoint.objects.create(name="erp", url=receiver.url + "hooks", secret=SECRET)


def signature_ok(request: dict, secret: str = SECRET) -> bool:
    """What an integrator writes: parse t and v1, HMAC-SHA256 of "t.body", compare."""
    parts = dict(
        item.split("=", 1) for item in request["headers"]["X-Webhook-Signature"].split(",")
    )
    signed = parts["t"].encode() + b"." + request["body"]
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(expected, parts["v1"])


def approve(case, user):
    return case_transition(case=case, name="approve", actor=Actor.staff(user))


# Recording: outbox rows in the same transaction as the event.


def test_a_transition_queues_one_delivery_per_subscribed_event(endpoint, agent):
    case = case_in(State.IN_REVIEW)
    event = approve(case, agent)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.case, delivery.status) == (endpoint, case, "pending")
    assert delivery.event_type == "case.transitioned"
    assert delivery.payload == {
        "id": str(delivery.event_id),
        "type": "case.transitioned",
        "created_at": event.created_at.isoformat(),
        "data": {
            "reference": case.reference,
            "transition": "approve",
            "from": "in_review",
            "to": "resolved",
            "actor_kind": "agent",
            "reason_codes": [],
            "time": event.created_at.isoformat(),
        },
    }


def test_a_rolled_back_transition_leaves_no_delivery(endpoint, agent):
    case = case_in(State.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        approve(case, agent)
        assert WebhookDelivery.objects.count() == 1  # written with the event …
        raise RuntimeError("the request failed after the transition")
    assert not WebhookDelivery.objects.exists()  # … and gone with it
    assert not CaseEvent.objects.exists()


def test_a_refused_transition_queues_nothing(endpoint, agent):
    case = case_in(State.RESOLVED)
    response = APIClient()
    response.force_authenticate(agent)
    answer = response.post(f"/api/v1/cases/{case.reference}/transitions/approve/", {}, "json")
    assert answer.status_code == 409
    assert not WebhookDelivery.objects.exists()


def test_the_same_event_recorded_twice_is_one_delivery(endpoint, agent):
    event = approve(case_in(State.IN_REVIEW), agent)
    webhooks.record_case_event(event)
    assert WebhookDelivery.objects.count() == 1


def test_endpoints_get_only_the_event_types_they_subscribed_to(db, receiver, agent):
    decisions = WebhookEndpoint.objects.create(
        url=receiver.url + "decisions", event_types=["customer.decided"]
    )
    reviews = WebhookEndpoint.objects.create(
        url=receiver.url + "reviews", event_types=["review.needed"]
    )
    WebhookEndpoint.objects.create(url=receiver.url + "off", is_active=False)
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "x"})
    assert list(WebhookDelivery.objects.values_list("endpoint", "event_type")) == [
        (reviews.pk, "review.needed")
    ]
    assert not decisions.deliveries.exists()


def test_one_event_has_one_id_for_every_endpoint(db, receiver, agent):
    for name in ("a", "b"):
        WebhookEndpoint.objects.create(url=receiver.url + name)
    approve(case_in(State.IN_REVIEW), agent)
    assert WebhookDelivery.objects.count() == 2
    assert WebhookDelivery.objects.values("event_id").distinct().count() == 1


def test_a_case_needing_review_is_announced_with_its_reasons(endpoint, db):
    case = case_in(State.NEW)
    case_transition(case=case, name="route_to_review", actor=Actor.ai())
    by_type = {d.event_type: d.payload["data"] for d in WebhookDelivery.objects.all()}
    assert set(by_type) == {"case.transitioned", "review.needed"}
    assert by_type["review.needed"] == {
        "reference": case.reference,
        "state": "in_review",
        "transition": "route_to_review",
        "reason_codes": ["low_confidence"],
        "time": by_type["case.transitioned"]["time"],
    }
    assert by_type["case.transitioned"]["actor_kind"] == "ai"


def decide(name: str, payload: dict):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = case.confirmations.get()
    case_transition(case=case, name=name, actor=Actor.customer(confirmation), payload=payload)
    return case, WebhookDelivery.objects.get(event_type="customer.decided").payload["data"]


def test_a_customers_choice_is_announced(endpoint):
    case, data = decide("customer_accept", {"option": "a", "comment": "Monday suits me"})
    assert data == {
        "reference": case.reference,
        "kind": "choose",
        "proposal_version": 1,
        "outcome": {
            "decision": "accepted",
            "option": {"id": "a", "label": "Monday"},
            "comment": "Monday suits me",
        },
        "time": data["time"],
    }


def test_an_accepted_adjustment_is_announced(endpoint):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = ConfirmationRequest.issue(
        case=case, kind="confirm", adjustment={"refund": "12.50 EUR"}
    )
    case_transition(case=case, name="customer_accept", actor=Actor.customer(confirmation))
    data = WebhookDelivery.objects.get(event_type="customer.decided").payload["data"]
    assert (data["kind"], data["outcome"]) == (
        "confirm",
        {"decision": "accepted", "adjustment": {"refund": "12.50 EUR"}, "comment": ""},
    )


def test_a_decline_is_announced_with_the_comment_and_the_review_it_needs(endpoint):
    _, data = decide("customer_decline", {"comment": "None of these days", "wants_human": 1})
    assert data["outcome"] == {
        "decision": "declined",
        "wants_human": True,
        "comment": "None of these days",
    }
    review = WebhookDelivery.objects.get(event_type="review.needed").payload["data"]
    assert review["reason_codes"] == ["customer_declined", "customer_asked_for_human"]


def test_endpoint_urls_and_event_types_are_validated(db):
    for url in ("ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            WebhookEndpoint(url=url).full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint(url="https://example.com/", event_types=["case.deleted"]).full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint(url="https://example.com/", event_types=[]).full_clean()
    WebhookEndpoint(url="https://example.com/hook").full_clean()
    assert len(WebhookEndpoint().secret) >= 40  # a random secret by default


# Delivering to the local server.


def test_a_delivery_is_signed_and_sent_once(endpoint, receiver, agent):
    approve(case_in(State.IN_REVIEW), agent)
    assert webhooks.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    [request] = receiver.requests
    assert signature_ok(request)
    assert webhooks.verify_signature(
        SECRET, request["headers"]["X-Webhook-Signature"], request["body"]
    )
    assert not signature_ok(request, secret="another-secret")
    delivery = WebhookDelivery.objects.get()
    assert json.loads(request["body"]) == delivery.payload
    assert request["path"] == "/hooks"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Webhook-Id"] == str(delivery.event_id)
    assert request["headers"]["X-Webhook-Event"] == "case.transitioned"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 1, 204)
    assert delivery.sent_at is not None and delivery.last_error == ""


def test_a_sent_delivery_is_never_sent_again(endpoint, receiver, agent):
    approve(case_in(State.IN_REVIEW), agent)
    webhooks.deliver_due()
    for days in (1, 30, 365):
        later = timezone.now() + timedelta(days=days)
        assert webhooks.deliver_due(now=later) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(receiver.requests) == 1


def test_a_failing_endpoint_is_retried_with_backoff_then_marked_failed(
    endpoint, receiver, agent, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    settings.WEBHOOK_BACKOFF_SECONDS = 60
    receiver.statuses = [500]
    approve(case_in(State.IN_REVIEW), agent)
    now = timezone.now()
    waits = []
    for attempt in range(1, 5):
        assert webhooks.deliver_due(now=now)["sent"] == 0
        delivery = WebhookDelivery.objects.get()
        assert (delivery.attempts, delivery.last_status_code) == (attempt, 500)
        assert delivery.last_error == "HTTP 500"
        if attempt < 4:
            assert delivery.status == "pending"
            waits.append((delivery.next_attempt_at - now).total_seconds())
            # Not due before its time: a run a second early sends nothing.
            early = delivery.next_attempt_at - timedelta(seconds=1)
            assert webhooks.deliver_due(now=early) == {"sent": 0, "retry": 0, "failed": 0}
            now = delivery.next_attempt_at
    assert waits == [60, 120, 240]  # exponential backoff
    assert delivery.status == "failed"
    assert len(receiver.requests) == 4
    assert all(signature_ok(r) for r in receiver.requests)
    assert [r["headers"]["X-Webhook-Attempt"] for r in receiver.requests] == ["1", "2", "3", "4"]
    # Failed is final: no more attempts, whenever the job runs.
    webhooks.deliver_due(now=now + timedelta(days=7))
    assert len(receiver.requests) == 4


def test_a_flaky_endpoint_gets_the_event_on_the_retry_and_only_then(endpoint, receiver, agent):
    receiver.statuses = [503, 200]
    approve(case_in(State.IN_REVIEW), agent)
    assert webhooks.deliver_due()["retry"] == 1
    later = timezone.now() + timedelta(minutes=2)
    assert webhooks.deliver_due(now=later)["sent"] == 1
    webhooks.deliver_due(now=later + timedelta(days=1))
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]  # the same event
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


@pytest.mark.parametrize("status", [302, 307, 400, 404, 410])
def test_a_redirect_or_client_error_is_a_failed_attempt(endpoint, receiver, agent, status):
    receiver.statuses = [status]
    approve(case_in(State.IN_REVIEW), agent)
    assert webhooks.deliver_due()["retry"] == 1
    assert len(receiver.requests) == 1  # a redirect is not followed
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("pending", status)


def test_a_slow_endpoint_times_out(endpoint, receiver, agent, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.0
    approve(case_in(State.IN_REVIEW), agent)
    assert webhooks.deliver_due()["retry"] == 1
    delivery = WebhookDelivery.objects.get()
    assert "timed out" in delivery.last_error
    assert delivery.last_status_code is None


def test_an_unreachable_endpoint_is_a_failed_attempt(db, agent):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/closed-port")
    approve(case_in(State.IN_REVIEW), agent)
    assert webhooks.deliver_due()["retry"] == 1
    assert "URLError" in WebhookDelivery.objects.get().last_error


def test_a_non_http_url_saved_past_validation_is_never_opened(db, agent):
    WebhookEndpoint.objects.create(url="file:///etc/passwd")
    approve(case_in(State.IN_REVIEW), agent)
    webhooks.deliver_due()
    assert "only http:// and https://" in WebhookDelivery.objects.get().last_error


def test_a_switched_off_endpoint_keeps_its_deliveries_until_switched_on(endpoint, receiver, agent):
    approve(case_in(State.IN_REVIEW), agent)
    WebhookEndpoint.objects.update(is_active=False)
    assert webhooks.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    WebhookEndpoint.objects.update(is_active=True)
    assert webhooks.deliver_due()["sent"] == 1
    assert len(receiver.requests) == 1


def test_the_event_is_delivered_right_after_the_commit(
    endpoint, receiver, agent, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(agent)
    case = case_in(State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/cases/{case.reference}/transitions/approve/", {}, "json")
    assert response.status_code == 200
    assert [e["data"]["transition"] for e in receiver.events()] == ["approve"]
    assert WebhookDelivery.objects.get().status == "sent"


def test_signatures_are_checked_strictly():
    body = b'{"id":"x"}'
    now = int(time.time())
    header = webhooks.signature(SECRET, now, body)
    assert webhooks.verify_signature(SECRET, header, body)
    assert not webhooks.verify_signature(SECRET, header, body + b" ")
    assert not webhooks.verify_signature("other", header, body)
    assert not webhooks.verify_signature(SECRET, header, body, now=now + 301)
    assert not webhooks.verify_signature(SECRET, "garbage", body)
    assert not webhooks.verify_signature(SECRET, header.replace("v1=", "v0="), body)


@pytest.mark.django_db(transaction=True)
def test_two_delivery_runs_at_once_send_each_event_once(postgres, receiver, agent, monkeypatch):
    """Two workers run the job together: rows are claimed FOR UPDATE SKIP LOCKED."""
    monkeypatch.setattr(webhooks, "enqueue_delivery", lambda: None)  # only the two runs send
    WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET)
    for _ in range(6):
        approve(case_in(State.IN_REVIEW), agent)
    receiver.delay = 0.2  # a slow receiver keeps each row locked while its POST is in flight
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(webhooks.deliver_due())
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == len(set(ids)) == 6
    assert sum(r["sent"] for r in results) == 6
    assert all(r["sent"] > 0 for r in results)  # both worked, on different rows
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert all(signature_ok(r) for r in receiver.requests)


def test_a_webhook_id_is_not_repeated_by_another_installation_or_a_restore(settings, db):
    from types import SimpleNamespace

    from django.utils import timezone

    from cases.webhooks import event_id

    now = timezone.now()
    event = SimpleNamespace(pk=7, created_at=now)
    first = event_id("case.transitioned", event)
    assert event_id("case.transitioned", event) == first  # the same on every retry
    restored = SimpleNamespace(pk=7, created_at=now + timezone.timedelta(days=1))
    assert event_id("case.transitioned", restored) != first  # a restore reuses the id 7
    settings.SECRET_KEY = "another installation " + "x" * 40
    assert event_id("case.transitioned", event) != first
