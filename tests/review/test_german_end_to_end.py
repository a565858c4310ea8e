"""A German customer is answered in German, end to end (issue 15): the mail arrives, the engine
suggests, a person approves, and the email the customer receives is German throughout, also
when the customer mixes English into the German."""

import pytest
from django.core import mail

from cases.intake import message_receive
from cases.models import ActionKind, State
from cases.transitions import Actor, case_transition
from customers.emails import link_for
from customers.models import ConfirmationRequest
from review.models import Intent, TrainingExample
from review.suggest import suggestion_create
from review.training import model_train
from tests.factories import IntentFactory

EXAMPLES = {
    "order_status": [
        "Where is my order 123456?",
        "My parcel has not arrived yet, order 778899",
        "Can you tell me the status of order 445566",
        "When will my order 112233 be delivered?",
        "Wo ist meine Bestellung 123123?",
        "Meine Bestellung 456456 ist noch nicht da",
        "Status meiner Bestellung 789789 bitte",
        "Wann kommt mein Paket 246810 an?",
    ],
    "refund_request": [
        "I want my money back for the broken kettle",
        "Please refund the 79.90 EUR for my return",
        "I returned the shoes, where is my refund?",
        "I need a reimbursement of 45 EUR",
        "Ich möchte mein Geld zurück",
        "Bitte erstatten Sie mir 79,90 €",
        "Erstattung für die Rücksendung fehlt",
        "Wann bekomme ich mein Geld für die Retoure?",
    ],
}
TEMPLATES = {
    "en": "Hello {customer_name},\n\nyour order {order_number} is on its way.\n\nKind regards",
    "de": "Guten Tag {customer_name},\n\nIhre Bestellung {order_number} ist unterwegs."
    "\n\nFreundliche Grüße",
}
# The customer greets, asks and signs in German, and writes the rest in English as the shop's
# tracking page does (the old word count called this English, and the customer got English).
MIXED = (
    "Hallo,\n\nmy order 4711223 has still not arrived, the tracking says "
    '"Your parcel is on its way". Können Sie bitte nachsehen?\n\nViele Grüße\nJana Krüger'
)


@pytest.fixture
def trained(db, settings):
    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    for slug, texts in EXAMPLES.items():
        # Assist: a person decides every case, so the reply goes out on approval.
        intent = IntentFactory(
            slug=slug,
            mode=Intent.Mode.ASSIST,
            action=ActionKind.REPLY,
            required_slots=["order_number"] if slug == "order_status" else [],
            reply_templates=TEMPLATES,
        )
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    return model_train()


def test_a_german_customer_mixing_in_english_gets_a_german_email(
    trained, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake = message_receive(
            from_email="jana@example.de",
            from_name="Jana Krüger",
            subject="Bestellung 4711223",
            body=MIXED,
        )
        suggestion_create(case_id=intake.case.pk)
    case = intake.case
    case.refresh_from_db()
    assert case.customer.language == "en"  # the first mail of a new customer: nothing known
    assert case.state == State.IN_REVIEW
    suggestion = case.current_suggestion
    assert (suggestion.language, suggestion.intent.slug) == ("de", "order_status")
    assert case.language == "de"

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["jana@example.de"]
    assert sent.subject == f"Re: Bestellung 4711223 [#{case.reference}]"
    feedback = case.confirmations.get(kind=ConfirmationRequest.Kind.FEEDBACK)
    assert sent.body == (
        "Guten Tag Jana Krüger,\n\nIhre Bestellung 4711223 ist unterwegs.\n\nFreundliche Grüße"
        "\n\n--\nHat Ihnen diese Antwort geholfen? Sagen Sie es uns mit einem Klick:\n"
        f"{link_for(feedback)}\n\n"
    )


def test_a_body_without_words_of_either_language_leaves_it_to_the_subject(trained):
    intake = message_receive(
        from_email="ole@example.de", subject="Wo bleibt meine Bestellung?", body="4711223 ???"
    )
    suggestion_create(case_id=intake.case.pk)
    intake.case.refresh_from_db()
    assert intake.case.current_suggestion.language == "de"
    assert intake.case.language == "de"
