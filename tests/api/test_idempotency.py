"""`Idempotency-Key` on the API's POSTs: replay, 422 on another request, 409 while in flight."""

import threading
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule
from rest_framework.test import APIClient

from cases import tasks
from cases.api import views as api_module
from cases.idempotency import purge_expired
from cases.models import Case, CaseEvent, IdempotencyKey, Message, State
from customers.models import Customer
from tests.factories import UserFactory, case_in

MESSAGES = "/api/v1/messages/"
MESSAGE = {"from_email": "alice@example.com", "subject": "Parcel", "body": "Where is it?"}


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, url, payload, key, **kwargs):
    return client.post(url, payload, format="json", headers={"Idempotency-Key": key}, **kwargs)


def rows() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Message.objects.count(),
        Customer.objects.count(),
        CaseEvent.objects.count(),
    )


def transition_url(case, name) -> str:
    return f"/api/v1/cases/{case.reference}/transitions/{name}/"


def test_a_replayed_message_returns_the_stored_answer_and_stores_nothing(integrator):
    client = api(integrator)
    first = post(client, MESSAGES, MESSAGE, "msg-1")
    assert first.status_code == 201
    stored = rows()
    again = post(client, MESSAGES, MESSAGE, "msg-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert rows() == stored == (1, 1, 1, 1)


def test_a_replayed_transition_returns_the_stored_case_not_a_conflict(agent):
    case = case_in(State.IN_REVIEW)
    client = api(agent)
    first = post(client, transition_url(case, "approve"), {"comment": "ok"}, "approve-1")
    assert first.status_code == 200 and first.json()["state"] == State.RESOLVED
    # Without the key, a retry of the same approve would be a 409: the case moved on.
    again = post(client, transition_url(case, "approve"), {"comment": "ok"}, "approve-1")
    assert (again.status_code, again.json()) == (200, first.json())
    assert case.events.filter(name="approve").count() == 1
    plain = client.post(transition_url(case, "approve"), {"comment": "ok"}, format="json")
    assert plain.status_code == 409


def test_the_replay_is_the_stored_answer_even_after_the_case_moved_on(agent):
    case = case_in(State.IN_REVIEW)
    client = api(agent)
    first = post(client, transition_url(case, "take_over"), {}, "take-1")
    client.post(transition_url(case, "reply"), {"text": "Done."}, format="json")
    again = post(client, transition_url(case, "take_over"), {}, "take-1")
    assert again.json() == first.json() and again.json()["state"] == State.IN_PROGRESS
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED


def test_the_same_json_in_another_key_order_or_spacing_is_the_same_request(integrator):
    client = api(integrator)
    first = post(client, MESSAGES, MESSAGE, "order-1")
    reordered = (
        b'{ "body": "Where is it?",\n "subject": "Parcel", "from_email": "alice@example.com" }'
    )
    again = client.post(
        MESSAGES,
        reordered,
        content_type="application/json",
        headers={"Idempotency-Key": "order-1"},
    )
    assert (again.status_code, again.json()) == (201, first.json())
    assert rows()[0] == 1


@pytest.mark.parametrize(
    ("second_url", "second_payload"),
    [
        (MESSAGES, {**MESSAGE, "body": "Another text."}),
        (MESSAGES, {**MESSAGE, "external_id": "x-1"}),
        ("transition", {}),
    ],
    ids=["another body", "another field", "another endpoint"],
)
def test_the_same_key_for_another_request_is_a_422_and_changes_nothing(
    integrator, second_url, second_payload
):
    client = api(integrator)
    assert post(client, MESSAGES, MESSAGE, "reused").status_code == 201
    stored = rows()
    if second_url == "transition":
        second_url = transition_url(Case.objects.get(), "approve")
    response = post(client, second_url, second_payload, "reused")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was used for a different request; use a new key.",
        "code": "idempotency_key_reused",
        "errors": {"Idempotency-Key": ["Used for a different request."]},
    }
    assert rows() == stored


def test_keys_belong_to_their_user(integrator):
    other = UserFactory(username="integrator2", role="integrator")
    first = post(api(integrator), MESSAGES, MESSAGE, "shared")
    second = post(api(other), MESSAGES, {**MESSAGE, "body": "Different."}, "shared")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["message"] != first.json()["message"]


@pytest.mark.parametrize("key", ["", "x" * 256, "schlüssel", "tab\tkey"], ids=repr)
def test_a_malformed_key_is_a_400(integrator, key):
    response = post(api(integrator), MESSAGES, MESSAGE, key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert rows() == (0, 0, 0, 0) and not IdempotencyKey.objects.exists()


def test_an_error_is_not_stored_so_the_corrected_request_may_reuse_the_key(integrator):
    client = api(integrator)
    refused = post(client, MESSAGES, {**MESSAGE, "body": ""}, "fix-me")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    fixed = post(client, MESSAGES, {**MESSAGE, "body": ""}, "fix-me")
    assert fixed.status_code == 400  # the same mistake again is evaluated again, not replayed
    assert "Idempotent-Replayed" not in fixed
    assert post(client, MESSAGES, MESSAGE, "fix-me").status_code == 201


def test_a_conflict_is_not_stored(agent, agent2):
    case = case_in(State.IN_REVIEW)
    api(agent2).post(transition_url(case, "take_over"), {}, format="json")
    response = post(api(agent), transition_url(case, "approve"), {}, "late")
    assert response.status_code == 409
    assert not IdempotencyKey.objects.exists()


def test_a_failure_after_the_effect_rolls_back_the_effect_and_frees_the_key(agent, monkeypatch):
    case = case_in(State.IN_REVIEW)

    class Broken(api_module.CaseSerializer):
        @property
        def data(self):
            raise RuntimeError("the answer could not be written")

    monkeypatch.setattr(api_module, "CaseSerializer", Broken)
    with pytest.raises(RuntimeError):
        post(api(agent), transition_url(case, "approve"), {}, "boom")
    case.refresh_from_db()
    assert (case.state, case.events.count()) == (State.IN_REVIEW, 0)
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert post(api(agent), transition_url(case, "approve"), {}, "boom").status_code == 200


def test_without_a_key_nothing_is_kept(integrator):
    api(integrator).post(MESSAGES, MESSAGE, format="json")
    assert not IdempotencyKey.objects.exists()


def test_a_request_still_in_flight_is_a_409(integrator):
    client = api(integrator)
    post(client, MESSAGES, MESSAGE, "probe")  # to learn the request's fingerprint
    digest = IdempotencyKey.objects.get(key="probe").request_hash
    IdempotencyKey.objects.create(
        user=integrator, key="busy", method="POST", path=MESSAGES, request_hash=digest
    )
    stored = rows()
    in_flight = post(client, MESSAGES, MESSAGE, "busy")
    assert in_flight.status_code == 409
    assert in_flight.json()["code"] == "idempotency_key_in_use"
    assert rows() == stored


def test_a_claim_abandoned_by_a_dead_process_is_taken_over(integrator):
    client = api(integrator)
    post(client, MESSAGES, {**MESSAGE, "external_id": "probe"}, "probe")
    digest = IdempotencyKey.objects.get(key="probe").request_hash
    IdempotencyKey.objects.create(
        user=integrator,
        key="orphan",
        method="POST",
        path=MESSAGES,
        request_hash=digest,
        created_at=timezone.now() - timedelta(minutes=10),
    )
    response = post(client, MESSAGES, {**MESSAGE, "external_id": "probe"}, "orphan")
    assert response.status_code == 200  # ran: the external_id was known, so the same case
    assert IdempotencyKey.objects.get(key="orphan").status_code == 200


def test_keys_expire_after_24_hours(integrator):
    client = api(integrator)
    first = post(client, MESSAGES, MESSAGE, "old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # Expired: the same key is a new request, and another body is no longer a 422.
    again = post(client, MESSAGES, {**MESSAGE, "body": "New question."}, "old")
    assert again.status_code == 201 and again.json()["message"] != first.json()["message"]


def test_the_purge_job_forgets_only_expired_keys(integrator):
    client = api(integrator)
    post(client, MESSAGES, MESSAGE, "keep")
    post(client, MESSAGES, {**MESSAGE, "body": "Second."}, "drop")
    IdempotencyKey.objects.filter(key="drop").update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    assert tasks.purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["keep"]
    assert purge_expired(now=timezone.now() + timedelta(days=2)) == 1


@pytest.mark.django_db
def test_the_purge_and_the_webhook_jobs_are_scheduled():
    # Run the data migration again (it is idempotent): a transactional test that ran earlier
    # may have flushed the rows the migrations created.
    migration = import_module("cases.migrations.0008_api_idempotency_webhooks")
    migration.forwards(django_apps, None)
    migration.forwards(django_apps, None)
    schedules = {s.func: s for s in Schedule.objects.filter(func__startswith="cases.tasks.")}
    assert (
        schedules["cases.tasks.deliver_webhooks"].schedule_type,
        schedules["cases.tasks.deliver_webhooks"].minutes,
    ) == (Schedule.MINUTES, 1)
    assert schedules["cases.tasks.purge_idempotency_keys"].schedule_type == Schedule.HOURLY
    assert Schedule.objects.filter(func="cases.tasks.deliver_webhooks").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_run_once(postgres, integrator, monkeypatch):
    """Three callers with the same key at once: one runs, the others hear it is in flight."""
    callers = 3
    barrier = threading.Barrier(callers)
    receive = api_module.message_receive

    def slow_receive(**kwargs):
        time.sleep(0.5)
        return receive(**kwargs)

    monkeypatch.setattr(api_module, "message_receive", slow_receive)
    answers = []

    def call():
        try:
            barrier.wait()
            response = post(api(integrator), MESSAGES, MESSAGE, "race")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (callers - 1), answers
    assert {body["code"] for status, body in answers if status == 409} == {"idempotency_key_in_use"}
    assert rows()[:2] == (1, 1)
    # Once the first has finished, a retry gets its answer.
    winner = next(body for status, body in answers if status == 201)
    retry = post(api(integrator), MESSAGES, MESSAGE, "race")
    assert (retry.status_code, retry.json()) == (201, winner)


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_with_one_key_transition_once(postgres, agent, monkeypatch):
    case = case_in(State.IN_REVIEW)
    barrier = threading.Barrier(2)
    transition = api_module.case_transition

    def slow_transition(**kwargs):
        time.sleep(0.5)
        return transition(**kwargs)

    monkeypatch.setattr(api_module, "case_transition", slow_transition)
    answers = []

    def call():
        try:
            barrier.wait()
            answers.append(post(api(agent), transition_url(case, "approve"), {}, "twice"))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in answers) == [200, 409]
    assert CaseEvent.objects.filter(case=case, name="approve").count() == 1
