"""Webhooks: events as outbox rows in the transaction that caused them, delivered by the worker.

`record_case_event` is called by the transition path (`cases.transitions.path`) right after
it wrote the `CaseEvent`, inside the same transaction: a rolled-back transition leaves no
delivery, a committed one always has its deliveries. The worker (`deliver_due`, every minute,
and a task enqueued after the commit) claims due rows with `FOR UPDATE SKIP LOCKED`, POSTs
them signed, and marks them sent; failures are retried with exponential backoff, then marked failed.

Signature: `X-Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` under the
endpoint's secret. Receivers check it with `verify_signature` (or its few lines in their
language, see docs/api.md) and drop events whose `id` they have seen: delivery is at least
once (a worker that dies between the receiver's 2xx and the commit sends again).
"""

import functools
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.background import enqueue
from cases.models import (
    CaseEvent,
    State,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

# Deterministic event ids: the same event recorded twice is the same delivery (unique key).
EVENT_NAMESPACE = uuid.UUID("6f1d3c1e-4b1a-4d61-9a57-0c2f4f1f7a10")
SIGNATURE_HEADER = "X-Webhook-Signature"
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept between `t` and its clock
USER_AGENT = "backoffice-webhooks/1"
ERROR_LIMIT = 500


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def backoff_base() -> int:
    return int(getattr(settings, "WEBHOOK_BACKOFF_SECONDS", 60))


# Recording: events become outbox rows in the caller's transaction.


def event_id(kind: str, case_event: CaseEvent) -> uuid.UUID:
    """The same for every endpoint and retry of this event; unique across installations and
    restores: the database id alone repeats (another installation, a restored backup), so the
    installation (a digest of its secret key) and the event's time go into it too."""
    when = case_event.created_at.isoformat() if case_event.created_at else ""
    return uuid.uuid5(
        EVENT_NAMESPACE, f"{installation(settings.SECRET_KEY)}:{kind}:{case_event.pk}:{when}"
    )


@functools.lru_cache(maxsize=4)
def installation(secret_key: str) -> str:
    """This installation, by a digest of its secret key (computed once per process)."""
    return hashlib.sha256(secret_key.encode()).hexdigest()[:16]


# Which event types any active endpoint subscribes to, remembered per process for
# ENDPOINT_CACHE_SECONDS: most transitions then read no endpoint at all (no subscriptions, or
# none for their events). Saving or deleting an endpoint forgets it in this process at once
# (`forget_endpoints`, connected in cases.apps); other processes (each gunicorn worker, the
# django-q2 cluster) notice a new subscription within ENDPOINT_CACHE_SECONDS (docs/api.md).
# Only "nobody wants these events" is answered from memory: the endpoints that do want them are
# read in the transaction, so a deleted or switched-off endpoint never gets a delivery. (A
# remembered row of an endpoint deleted by another process would make the delivery's foreign
# key fail the transition's commit.)
ENDPOINT_CACHE_SECONDS = 30.0
_subscribed: tuple[float, frozenset[str]] | None = None  # (when read, event types)


def forget_endpoints(**kwargs) -> None:
    """Receiver of WebhookEndpoint's post_save and post_delete: read them again next time."""
    global _subscribed
    _subscribed = None


def endpoints_for(kinds: set[str]) -> list[WebhookEndpoint]:
    """The active endpoints, or none when none wants any of `kinds` as far as we know."""
    global _subscribed
    known = _subscribed
    fresh = known is not None and time.monotonic() - known[0] < ENDPOINT_CACHE_SECONDS
    if fresh and not known[1] & kinds:
        return []
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    wanted = {t for e in endpoints if isinstance(e.event_types, list) for t in e.event_types}
    _subscribed = (time.monotonic(), frozenset(wanted))
    return endpoints


def record_case_event(case_event: CaseEvent) -> list[WebhookDelivery]:
    """Queue the webhook events a transition's `CaseEvent` stands for; call inside its atomic."""
    if not case_event.is_transition:
        return []  # a first approval of four eyes, a message on an open case: no state change
    kinds = {WebhookEvent.CASE_TRANSITIONED}
    if case_event.name in ("customer_accept", "customer_decline"):
        kinds.add(WebhookEvent.CUSTOMER_DECIDED)
    if case_event.to_state in (State.IN_REVIEW, State.ESCALATED):
        kinds.add(WebhookEvent.REVIEW_NEEDED)
    endpoints = endpoints_for({str(kind) for kind in kinds})
    if not endpoints:
        return []
    case = case_event.case
    when = case_event.created_at.isoformat()
    events = [
        (
            WebhookEvent.CASE_TRANSITIONED,
            {
                "reference": case.reference,
                "transition": case_event.name,
                "from": case_event.from_state,
                "to": case_event.to_state,
                "actor_kind": case_event.actor_kind,
                "reason_codes": list(case_event.reason_codes or []),
                "time": when,
            },
        )
    ]
    if case_event.name in ("customer_accept", "customer_decline"):
        events.append((WebhookEvent.CUSTOMER_DECIDED, decision_data(case_event, when)))
    if case_event.to_state in (State.IN_REVIEW, State.ESCALATED):
        events.append(
            (
                WebhookEvent.REVIEW_NEEDED,
                {
                    "reference": case.reference,
                    "state": case_event.to_state,
                    "transition": case_event.name,
                    "reason_codes": list(case_event.reason_codes or []),
                    "time": when,
                },
            )
        )
    created = []
    for kind, data in events:
        wanted = [e for e in endpoints if e.wants(kind)]
        if not wanted:
            continue
        ident = event_id(kind, case_event)
        payload = {"id": str(ident), "type": str(kind), "created_at": when, "data": data}
        created.extend(
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(
                        endpoint=endpoint,
                        event_id=ident,
                        event_type=kind,
                        case=case,
                        payload=payload,
                    )
                    for endpoint in wanted
                ],
                ignore_conflicts=True,
            )
        )
    if created:
        transaction.on_commit(enqueue_delivery, robust=True)
    return created


def decision_data(case_event: CaseEvent, when: str) -> dict:
    """What the customer decided: the chosen option, the accepted adjustment, or a decline."""
    outcome = case_event.data or {}
    confirmation = case_event.confirmation
    if case_event.name == "customer_accept":
        decision = {"decision": "accepted"}
        if "option" in outcome:
            decision["option"] = outcome["option"]
        if "adjustment" in outcome:
            decision["adjustment"] = outcome["adjustment"]
    else:
        decision = {"decision": "declined", "wants_human": bool(outcome.get("wants_human"))}
    decision["comment"] = outcome.get("comment", "")
    return {
        "reference": case_event.case.reference,
        "kind": confirmation.kind if confirmation else "",
        "proposal_version": confirmation.proposal_version if confirmation else None,
        "outcome": decision,
        "time": when,
    }


def enqueue_delivery() -> None:
    enqueue("cases.tasks.deliver_webhooks")


# Signing.


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance: int = SIGNATURE_TOLERANCE, now=None
) -> bool:
    """What a receiver does: parse `t` and `v1`, recompute, compare in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError, AttributeError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).partition(",v1=")[2]
    return hmac.compare_digest(expected, given)


# Delivering.


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed delivery: a POST must not silently become a GET elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def post(delivery: WebhookDelivery) -> int:
    """POST one delivery; return the HTTP status, raise on network errors."""
    url = delivery.endpoint.url
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("only http:// and https:// endpoints are delivered to")
    body = body_of(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Event": delivery.event_type,
        "X-Webhook-Attempt": str(delivery.attempts + 1),
        SIGNATURE_HEADER: signature(delivery.endpoint.secret, int(time.time()), body),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with OPENER.open(request, timeout=timeout()) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def attempt(delivery: WebhookDelivery, now=None) -> bool:
    """Send a claimed (locked) delivery once and record the result; True when it was sent."""
    error = ""
    status = None
    try:
        status = post(delivery)
    except Exception as exc:  # network errors, timeouts, bad URLs: all a failed attempt
        error = f"{type(exc).__name__}: {exc}"
    now = now or timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = status
    if status is not None and 200 <= status < 300:
        delivery.status = WebhookDelivery.Status.SENT
        delivery.sent_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = (error or f"HTTP {status}")[:ERROR_LIMIT]
        if delivery.attempts >= max_attempts():
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "sent_at",
            "next_attempt_at",
        ]
    )
    log = logger.info if delivery.status == WebhookDelivery.Status.SENT else logger.warning
    log(
        "webhook %s %s to endpoint %s: attempt %s, %s",
        delivery.event_type,
        delivery.event_id,
        delivery.endpoint_id,
        delivery.attempts,
        delivery.status if not delivery.last_error else delivery.last_error,
    )
    return delivery.status == WebhookDelivery.Status.SENT


def retry_delay(attempts: int) -> timedelta:
    """The base delay after the first failure, then twice, four times it, … (exponential)."""
    return timedelta(seconds=backoff_base() * 2 ** (attempts - 1))


def claim_next(now) -> WebhookDelivery | None:
    """Lock one due pending delivery that no other worker holds (call inside atomic)."""
    # An endpoint switched off keeps its pending deliveries until it is switched on again.
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
    )
    return (
        due.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .order_by("next_attempt_at", "pk")
        .first()
    )


def deliver_due(*, now=None, limit: int = 100, budget: float | None = None) -> dict:
    """Deliver due webhooks one by one until none is due, `limit` is reached or time runs out.

    Each delivery is claimed, sent and recorded in its own transaction, so the row stays
    locked while its POST is in flight: a second worker skips it, and once it is committed as
    sent no query finds it pending again.
    """
    if budget is None:
        budget = settings.Q_CLUSTER.get("timeout", 120) / 2
    started = time.monotonic()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _ in range(limit):
        if time.monotonic() - started > budget:
            break
        with transaction.atomic():
            current = now or timezone.now()
            delivery = claim_next(current)
            if delivery is None:
                break
            attempt(delivery, now=current)
        if delivery.status == WebhookDelivery.Status.SENT:
            counts["sent"] += 1
        elif delivery.status == WebhookDelivery.Status.FAILED:
            counts["failed"] += 1
        else:
            counts["retry"] += 1
    return counts
