"""From message to routed case: the engine suggests, the policy decides, the case moves."""

import pytest
from django.core import mail
from django.core.management import call_command

from cases.intake import message_receive
from cases.models import ActionKind, CaseEvent, State
from review.models import Intent, ModelVersion, Suggestion, TrainingExample
from review.suggest import active_classifier, suggestion_create
from review.training import model_train
from tests.factories import IntentFactory

EXAMPLES = {
    "order_status": [
        "Where is my order 123456?",
        "My parcel has not arrived yet, order 778899",
        "Can you tell me the status of order 445566",
        "Tracking for my order 998877 shows nothing",
        "When will my order 112233 be delivered?",
        "Wo ist meine Bestellung 123123?",
        "Meine Bestellung 456456 ist noch nicht da",
        "Status meiner Bestellung 789789 bitte",
    ],
    "refund_request": [
        "I want my money back for the broken kettle",
        "Please refund the 79.90 EUR for my return",
        "Refund my order, the item was damaged",
        "I returned the shoes, where is my refund?",
        "I need a reimbursement of 45 EUR",
        "Ich möchte mein Geld zurück",
        "Bitte erstatten Sie mir 79,90 €",
        "Erstattung für die Rücksendung fehlt",
    ],
    "delivery_date_change": [
        "Can you deliver order 123456 on another day?",
        "Please change the delivery date of order 334455",
        "I am not home on Friday, deliver order 556677 later",
        "Move my delivery for order 667788 to next week",
        "Different delivery day for order 223344 please",
        "Bitte liefern Sie Bestellung 111222 an einem anderen Tag",
        "Liefertermin für Bestellung 333444 ändern",
        "Kann die Lieferung 555666 verschoben werden?",
    ],
}

POLICY = {
    "order_status": {"action": ActionKind.REPLY, "required_slots": ["order_number"]},
    "refund_request": {"action": ActionKind.CONFIRM, "risk_class": "financial"},
    "delivery_date_change": {"action": ActionKind.CHOOSE, "required_slots": ["order_number"]},
}


@pytest.fixture
def trained(db, settings):
    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, threshold=0.3, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    return model_train()


def receive(body, subject="", **kwargs):
    intake = message_receive(
        from_email="ada@example.com", from_name="Ada", subject=subject, body=body, **kwargs
    )
    suggestion_create(case_id=intake.case.pk)
    intake.case.refresh_from_db()
    return intake.case


def test_training_stores_an_active_model_version_with_its_figures(trained):
    assert trained.is_active
    gate = trained.metrics["gate"]
    assert trained.n_examples == gate["n_train"] == 24 - gate["n_holdout"]
    assert gate["n_holdout"] > 0 and gate["champion"] is None
    assert set(trained.labels) == set(EXAMPLES)
    assert "accuracy" in trained.metrics and trained.metrics["temperature"] > 0
    assert trained.sha256 == ModelVersion.checksum(bytes(trained.blob))


def test_a_confident_order_status_question_is_answered_without_a_human(trained):
    case = receive("Hello, where is my order 654321? It has not arrived.")
    suggestion = case.current_suggestion
    assert (suggestion.intent.slug, suggestion.automatable) == ("order_status", True)
    assert case.state == State.RESOLVED
    reply = case.messages.get(direction="out")
    assert reply.author_kind == "ai" and "Ada" in reply.text
    event = case.events.get(name="automate")
    assert (event.actor_kind, event.model_version) == ("ai", trained.label)
    assert event.policy_version == suggestion.intent.policy_version


def test_a_refund_goes_to_a_human_because_it_is_financial(trained):
    case = receive("I returned the jacket, please refund my money")
    assert case.state == State.IN_REVIEW
    assert "risk_class:financial" in case.current_suggestion.reason_codes
    assert case.review_items.get().reason_codes == case.current_suggestion.reason_codes


def test_a_missing_order_number_goes_to_a_human(trained):
    case = receive("Where is my order? It has not arrived.")
    assert case.state == State.IN_REVIEW
    assert "missing_slot:order_number" in case.current_suggestion.reason_codes


def test_a_draft_with_a_blank_goes_to_a_human_who_fills_it(trained):
    intent = Intent.objects.get(slug="order_status")
    intent.required_slots = []  # only the template's blank keeps it from going out
    intent.reply_templates = {"en": "Hello {customer_name}, order {order_number} ships today."}
    intent.save()
    case = receive("Hello, where is my order? It has not arrived.")
    suggestion = case.current_suggestion
    assert (suggestion.intent.slug, suggestion.automatable) == ("order_status", False)
    assert "missing_slot:order_number" in suggestion.reason_codes
    assert case.state == State.IN_REVIEW
    assert not case.messages.filter(direction="out").exists()


def test_without_a_name_the_draft_greets_neutrally_not_by_address(trained):
    intake = message_receive(
        from_email="ada@example.com", subject="", body="Where is my order 654321? Not here."
    )
    suggestion_create(case_id=intake.case.pk)
    draft = Suggestion.objects.get(case=intake.case).draft_reply
    assert "ada@example.com" not in draft
    assert draft.startswith("Hello,")


def test_a_delivery_change_offers_dates_to_the_customer(trained):
    case = receive("Please deliver order 123456 on another day, I am away.")
    assert case.state == State.AWAITING_CUSTOMER
    options = case.current_suggestion.options
    assert len(options) == 3 and all(option["label"] for option in options)
    assert case.confirmations.get().options == options


def test_a_legal_threat_in_a_routine_message_goes_to_a_human(trained):
    case = receive("Where is my order 123456? Otherwise my lawyer will contact you.")
    assert case.state == State.IN_REVIEW
    assert "risk_class:legal" in case.current_suggestion.reason_codes
    assert case.current_suggestion.risk_class == "legal"


def test_without_a_model_every_message_goes_to_a_human(db):
    case = receive("Where is my order 123456?")
    assert case.state == State.IN_REVIEW
    assert case.current_suggestion.reason_codes == ["out_of_scope"]


def test_the_suggestion_job_is_idempotent(trained):
    case = receive("Where is my order 123456?")
    assert suggestion_create(case_id=case.pk) is None
    assert Suggestion.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, name="automate").count() == 1


def test_the_automated_reply_is_sent_once_after_commit(trained, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intake = message_receive(from_email="bo@example.com", body="Where is my order 123456?")
    intake.case.refresh_from_db()
    assert intake.case.state == State.RESOLVED
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["bo@example.com"] and intake.case.reference in sent.subject
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    from cases.tasks import message_send

    assert message_send(intake.case.messages.get(direction="out").pk) is False  # a redelivery
    assert len(mail.outbox) == 1


def test_a_tampered_model_blob_is_refused(trained):
    ModelVersion.objects.filter(pk=trained.pk).update(blob=b"not the model")
    from review import suggest

    suggest._classifiers.clear()
    with pytest.raises(ValueError, match="checksum"):
        active_classifier()


def test_train_engine_command_trains_from_the_examples(trained, capsys):
    call_command("train_engine")
    assert ModelVersion.objects.count() == 2
    assert "accuracy" in capsys.readouterr().out


def test_every_policy_change_is_a_new_version(db):
    intent = IntentFactory(slug="invoice_copy")
    assert intent.policy_version == 1
    intent.name = "Invoice copy"
    intent.save()
    assert intent.policy_version == 1
    intent.threshold = 0.9
    intent.save()
    assert intent.policy_version == 2
    assert Intent.objects.get(pk=intent.pk).policy_versions.first().snapshot["threshold"] == 0.9
