"""What supervisors read but never edit in the admin; and the link secrets they never see."""

import uuid

import pytest
from django.urls import reverse

from cases.models import State, WebhookDelivery, WebhookEndpoint
from customers.models import ConfirmationRequest
from review.models import ReviewItem, TrainingExample
from tests.factories import IntentFactory, case_in


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def test_a_confirmation_request_shows_neither_its_token_nor_its_salt(logged_in):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = ConfirmationRequest.objects.get(case=case)
    for url in (
        reverse("admin:customers_confirmationrequest_changelist"),
        reverse("admin:customers_confirmationrequest_change", args=[confirmation.pk]),
    ):
        page = logged_in.get(url).content.decode()
        assert str(case) in page
        for secret in (confirmation.salt, confirmation.token_hash, confirmation.link_token()):
            assert secret not in page


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (
            "customers_confirmationrequest",
            lambda: ConfirmationRequest.objects.get(case=case_in(State.AWAITING_CUSTOMER)),
        ),
        (
            "review_reviewitem",
            lambda: ReviewItem.objects.create(
                case=case_in(State.IN_REVIEW), reason_codes=["low_confidence"]
            ),
        ),
        ("review_suggestion", lambda: case_in(State.IN_REVIEW).current_suggestion),
        (
            "cases_webhookdelivery",
            lambda: WebhookDelivery.objects.create(
                endpoint=WebhookEndpoint.objects.create(url="https://hooks.example.com/"),
                event_id=uuid.uuid4(),
                event_type="case.transitioned",
                case=case_in(State.RESOLVED),
                payload={"type": "case.transitioned"},
            ),
        ),
    ],
)
def test_links_review_items_suggestions_and_webhook_deliveries_are_read_only(
    logged_in, model, make
):
    obj = make()
    assert logged_in.get(reverse(f"admin:{model}_add")).status_code == 403
    change = logged_in.get(reverse(f"admin:{model}_change", args=[obj.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    delete = reverse(f"admin:{model}_delete", args=[obj.pk])
    assert logged_in.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_supervisor_corrects_a_training_examples_label_but_not_its_text(logged_in):
    wrong, right = IntentFactory(slug="order_status"), IntentFactory(slug="refund_request")
    example = TrainingExample.objects.create(text="Money back please", intent=wrong, source="seed")
    url = reverse("admin:review_trainingexample_change", args=[example.pk])
    response = logged_in.post(
        url, {"intent": right.pk, "verdict": "corrected", "text": "Something else"}
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert (example.intent, example.verdict, example.text) == (
        right,
        "corrected",
        "Money back please",
    )
