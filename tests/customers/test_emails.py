"""Customer emails: sent once, cancelled when moot, one reminder, both languages, no injection."""

import email
import re
import threading
from datetime import timedelta
from email import policy

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from cases.models import Case, Message, State, WebhookDelivery, WebhookEndpoint
from cases.transitions import Actor, TransitionConflict, case_transition
from customers.models import ConfirmationRequest, EmailOutbox
from customers.services import confirmation_decide
from customers.tasks import email_send, remind_confirmations
from tests.customers.conftest import link_path, token_in
from tests.factories import CustomerFactory, MessageFactory, UserFactory, case_in

OPTIONS = [
    {"id": "2026-06-01", "label": "Monday, 1 June 2026"},
    {"id": "2026-06-02", "label": "Tuesday, 2 June 2026"},
]
INBOUND_ID = "<order-question-1@customer.example>"

TEXTS = {
    "en": {
        "request": "Please choose an option",
        "reminder": "Reminder: Please choose an option",
        "decided": "We have your answer",
        "hello": "Hello Ada,",
        "options": "Please choose one of these options:",
        "link": "Decide here (no login needed)",
        "reference": "Your reference:",
        "chose": "You chose: Tuesday, 2 June 2026.",
    },
    "de": {
        "request": "Bitte wählen Sie eine Option",
        "reminder": "Erinnerung: Bitte wählen Sie eine Option",
        "decided": "Ihre Antwort ist bei uns eingegangen",
        "hello": "Guten Tag Ada,",
        "options": "Bitte wählen Sie eine dieser Optionen:",
        "link": "Hier entscheiden (ohne Anmeldung)",
        "reference": "Ihre Vorgangsnummer:",
        "chose": "Ihre Wahl: Tuesday, 2 June 2026.",
    },
}


@pytest.fixture
def asking(db):
    """A case awaiting its customer's choice, with its pending request (no email queued yet)."""

    def make(language="en", name="Ada", inbound_id=INBOUND_ID, kind="choose"):
        customer = CustomerFactory(name=name, language=language)
        case = case_in(State.AWAITING_CUSTOMER, action="choose", options=OPTIONS)
        case.customer = customer
        case.language = language
        case.proposal_version = 1
        case.proposal = {"kind": kind, "options": OPTIONS, "text": "We can deliver on:"}
        case.save()
        if inbound_id:
            MessageFactory(case=case, message_id=inbound_id)
        Message.objects.filter(case=case).update(language=language)
        confirmation = ConfirmationRequest.issue(case=case, kind=kind, options=OPTIONS)
        return case, confirmation

    return make


def parsed(sent) -> email.message.EmailMessage:
    """The message as the SMTP server receives it."""
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


def bodies(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def send(kind, confirmation) -> EmailOutbox:
    row, created = EmailOutbox.queue(kind=kind, confirmation=confirmation)
    assert created
    assert email_send(row.pk) is True
    return row


def test_a_retried_email_task_sends_one_email(asking):
    _case, confirmation = asking()
    row, created = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation)
    again, created_again = EmailOutbox.queue(
        kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation
    )
    assert (created, created_again) == (True, False)
    assert again.pk == row.pk and EmailOutbox.objects.count() == 1

    assert email_send(row.pk) is True
    assert email_send(row.pk) is False  # the broker redelivered the task
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.SENT and row.sent_at is not None


def test_an_approval_queues_and_sends_the_request_once_after_commit(
    db, django_capture_on_commit_callbacks
):
    agent = UserFactory(username="mailing-agent", role="agent")
    case = case_in(State.IN_REVIEW, action="choose", options=OPTIONS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) >= 1
    assert len(mail.outbox) == 1
    row = EmailOutbox.objects.get(case=case)
    assert (row.kind, row.status) == ("request", "sent")
    assert email_send(row.pk) is False
    assert len(mail.outbox) == 1


def test_an_email_for_a_superseded_request_is_cancelled_not_sent(asking):
    case, old = asking()
    row, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=old)
    ConfirmationRequest.issue(case=case, kind="choose", options=OPTIONS[:1])
    assert email_send(row.pk) is False
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.CANCELLED and row.sent_at is None
    assert mail.outbox == []
    assert email_send(row.pk) is False  # and a retry does not revive it


def test_a_reminder_queued_before_the_customer_decided_is_cancelled(
    asking, django_capture_on_commit_callbacks
):
    _case, confirmation = asking()
    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
        expires_at=timezone.now() + timedelta(hours=2)
    )
    reminder, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REMINDER, confirmation=confirmation)
    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
        status=ConfirmationRequest.Status.ACCEPTED
    )
    assert email_send(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == EmailOutbox.Status.CANCELLED
    assert mail.outbox == []


# Reminders.


def due_in(confirmation, delta):
    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(expires_at=timezone.now() + delta)


def test_one_reminder_goes_out_near_the_deadline_and_a_second_run_sends_none(
    asking, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_HOURS_BEFORE = 24
    near_case, near = asking()
    _far_case, far = asking(name="Bo")
    _feedback_case, feedback = asking(name="Cy", kind="feedback")
    _gone_case, gone = asking(name="Di")
    due_in(near, timedelta(hours=5))
    due_in(far, timedelta(days=3))
    due_in(feedback, timedelta(hours=5))  # "did it help?" is never chased
    due_in(gone, -timedelta(minutes=1))  # too late: the expiry job handles it

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_confirmations() == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [near_case.customer.email]
    assert sent.subject == f"Reminder: Please choose an option [#{near_case.reference}]"
    assert link_path(near.link_token()) in sent.body
    near.refresh_from_db()
    assert near.reminded_at is not None
    row = EmailOutbox.objects.get(kind="reminder")
    assert parsed(sent)["Message-ID"] == row.message_id

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_confirmations() == 0
        assert remind_confirmations(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    assert EmailOutbox.objects.filter(kind="reminder").count() == 1
    for other in (far, feedback, gone):
        other.refresh_from_db()
        assert other.reminded_at is None


# Content, languages and headers.


@pytest.mark.parametrize("language", ["en", "de"])
def test_emails_speak_the_customers_language(asking, language, django_capture_on_commit_callbacks):
    texts = TEXTS[language]
    case, confirmation = asking(language=language)
    send(EmailOutbox.Kind.REQUEST, confirmation)
    request = parsed(mail.outbox[0])
    # (A long encoded subject is folded onto the next line; unfolding leaves a leading space.)
    assert request["Subject"].strip() == f"{texts['request']} [#{case.reference}]"
    text, html = bodies(request)
    for key in ("hello", "options", "link", "reference"):
        assert texts[key] in text, key
        assert texts[key] in html, key
    assert "Monday, 1 June 2026" in text and "Monday, 1 June 2026" in html
    assert "a.m.." not in text  # the deadline's time ends the sentence cleanly

    ConfirmationRequest.objects.filter(pk=confirmation.pk).update(
        expires_at=timezone.now() + timedelta(hours=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_confirmations() == 1
    reminder = parsed(mail.outbox[1])["Subject"].strip()
    assert reminder == f"{texts['reminder']} [#{case.reference}]"

    with django_capture_on_commit_callbacks(execute=True):
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[1]["id"])
    decided = parsed(mail.outbox[2])
    assert decided["Subject"].strip() == f"{texts['decided']} [#{case.reference}]"
    text, html = bodies(decided)
    assert texts["chose"] in text and texts["chose"] in html
    assert "/c/" not in text and "/c/" not in html  # nothing left to decide: no link


@pytest.mark.parametrize(("language", "greeting"), [("en", "Hello Ada,"), ("de", "Guten Tag Ada,")])
def test_a_proposal_that_greets_the_customer_is_not_greeted_twice(asking, language, greeting):
    case, confirmation = asking(language=language)
    text = f"{greeting}\n\nwe can deliver on these days."
    Case.objects.filter(pk=case.pk).update(proposal=case.proposal | {"text": text})
    send(EmailOutbox.Kind.REQUEST, confirmation)
    plain, html = bodies(parsed(mail.outbox[0]))
    assert plain.startswith(f"{greeting}\n\nwe can deliver on these days.\n")
    assert plain.count("Ada,") == 1 and html.count("Ada,") == 1
    assert TEXTS[language]["hello"] not in plain.replace(greeting, "", 1)


def test_the_request_email_carries_threading_and_auto_submitted_headers(asking, settings):
    settings.DEFAULT_FROM_EMAIL = "Service <service@shop.example>"
    case, confirmation = asking()
    row = send(EmailOutbox.Kind.REQUEST, confirmation)
    message = parsed(mail.outbox[0])
    assert message["Message-ID"] == row.message_id
    assert message["Message-ID"] == f"<{case.reference}.c{confirmation.pk}.request@shop.example>"
    assert message["In-Reply-To"] == INBOUND_ID
    assert INBOUND_ID in message["References"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert f"[#{case.reference}]" in message["Subject"]
    assert message["To"] == case.customer.email
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = bodies(message)
    token = confirmation.link_token()
    assert token_in(text) == token and token_in(html) == token


def test_without_an_inbound_message_id_there_is_no_in_reply_to(asking):
    _case, confirmation = asking(inbound_id="")
    send(EmailOutbox.Kind.REQUEST, confirmation)
    message = parsed(mail.outbox[0])
    assert message["In-Reply-To"] is None and message["References"] is None
    assert message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"


def header_block(sent) -> str:
    raw = sent.message().as_bytes().decode("utf-8", "replace")
    return raw.split("\n\n", 1)[0].replace("\r\n", "\n").split("\n\n", 1)[0]


@pytest.mark.parametrize("kind", ["request", "decided"])
def test_a_name_with_cr_lf_injects_no_header(asking, kind, django_capture_on_commit_callbacks):
    case, confirmation = asking(name="Eve\r\nBcc: x@example.com")
    if kind == "request":
        send(EmailOutbox.Kind.REQUEST, confirmation)
    else:
        with django_capture_on_commit_callbacks(execute=True):
            confirmation_decide(
                confirmation=confirmation, decision="accept", option=OPTIONS[0]["id"]
            )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.recipients() == [case.customer.email]
    message = parsed(sent)
    assert message["Bcc"] is None and message["Cc"] is None
    assert "x@example.com" not in header_block(sent)
    assert [
        line for line in header_block(sent).splitlines() if line.lower().startswith("bcc")
    ] == []


def test_a_subject_with_cr_lf_still_gets_a_one_line_reply_with_its_feedback_link(
    db, django_capture_on_commit_callbacks
):
    agent = UserFactory(username="replying-agent", role="agent")
    case = case_in(State.IN_REVIEW, draft_reply="Your parcel arrives on Friday.")
    case.subject = "Parcel\r\nBcc: x@example.com"
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.recipients() == [case.customer.email]
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert parsed(sent)["Bcc"] is None


def test_the_reply_has_a_well_formed_message_id_with_a_display_name_sender(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Service <service@shop.example>"
    agent = UserFactory(username="replying-agent", role="agent")
    case = case_in(State.IN_REVIEW, draft_reply="Your parcel arrives on Friday.")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    message_id = mail.outbox[0].extra_headers["Message-ID"]  # as sent, not as parsed back
    assert re.fullmatch(r"<[^<>@\s]+@shop\.example>", message_id), message_id


def test_a_reply_carries_the_did_it_help_link_in_the_customers_language(
    db, django_capture_on_commit_callbacks
):
    agent = UserFactory(username="replying-agent", role="agent")
    case = case_in(State.IN_REVIEW, draft_reply="Ihr Paket kommt am Freitag.")
    case.language = "de"
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, name="approve", actor=Actor.staff(agent))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith("Ihr Paket kommt am Freitag.")
    assert "Hat Ihnen diese Antwort geholfen?" in body
    feedback = case.confirmations.get(kind="feedback")
    assert token_in(body) == feedback.link_token()
    client = Client()
    client.get(link_path(feedback.link_token()))
    page = client.get("/c/").content.decode()
    assert '<html lang="de">' in page and "Hat Ihnen unsere Antwort geholfen?" in page


# What downstream systems hear of a decision: the webhook `customer.decided`, an outbox row
# written in the decision's own transaction (it replaced a signal that only tests received).


@pytest.fixture
def recorded(db):
    """The customer.decided events queued for a subscribed endpoint, as their `data`."""
    WebhookEndpoint.objects.create(
        url="https://erp.example/hooks", event_types=["customer.decided"]
    )

    def decided():
        deliveries = WebhookDelivery.objects.filter(event_type="customer.decided").order_by("pk")
        return [delivery.payload["data"] for delivery in deliveries]

    return decided


def test_a_decision_is_announced_once_in_its_transaction_with_the_outcome(
    asking, recorded, django_capture_on_commit_callbacks
):
    case, confirmation = asking()
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[1]["id"])
        assert len(recorded()) == 1  # written with the decision, before the commit
    assert callbacks  # and delivered after it
    call = recorded()[0]
    assert call["reference"] == case.reference and call["kind"] == confirmation.kind
    assert call["outcome"] == {"decision": "accepted", "comment": "", "option": OPTIONS[1]}

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionConflict):
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[0]["id"])
    assert len(recorded()) == 1


def test_a_decline_is_announced_with_its_comment(
    asking, recorded, django_capture_on_commit_callbacks
):
    _case, confirmation = asking()
    with django_capture_on_commit_callbacks(execute=True):
        confirmation_decide(confirmation=confirmation, decision="decline", comment="Too late")
    assert [call["outcome"] for call in recorded()] == [
        {"decision": "declined", "wants_human": False, "comment": "Too late"}
    ]


class Boom(Exception):
    pass


def test_nothing_is_announced_when_the_decision_rolls_back(
    asking, recorded, django_capture_on_commit_callbacks
):
    case, confirmation = asking()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        confirmation_decide(confirmation=confirmation, decision="accept", option=OPTIONS[0]["id"])
        raise Boom
    assert callbacks == []
    assert recorded() == []
    assert mail.outbox == []
    confirmation.refresh_from_db()
    case.refresh_from_db()
    assert confirmation.status == "pending" and case.state == State.AWAITING_CUSTOMER
    assert not EmailOutbox.objects.filter(kind="decided").exists()


# Sending while someone else works on the case (PostgreSQL: real row locks).


def holding_the_case_lock(case_pk, work):
    """Run `work()` while another connection holds the case's row lock (as a transition does)."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case_pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        return work()
    finally:
        release.set()
        holder.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_while_a_transition_holds_the_case_lock(postgres):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = case.confirmations.get()
    row, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation)
    # Only the outbox row is the claim: a lock on the case (an agent's transition, the expiry
    # job) must not make the send skip the row and lose the email.
    assert holding_the_case_lock(case.pk, lambda: email_send(row.pk)) is True
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_reply_is_sent_while_a_transition_holds_the_case_lock(postgres):
    from cases.tasks import message_send

    case = case_in(State.RESOLVED)
    message = MessageFactory(
        case=case, direction=Message.Direction.OUTBOUND, author_kind="agent", text="Done."
    )
    assert holding_the_case_lock(case.pk, lambda: message_send(message.pk)) is True
    assert len(mail.outbox) == 1


# The change the customer confirms, in their words and formats.

ADJUSTMENT = {
    "change": "Tariff Basis 50",
    "effective": "2027-01-01",
    "contract_number": "V-2022-118",
    "amount": "1289.95 EUR",
}


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "  Change: Tariff Basis 50",
                "  Amount: €1,289.95",
                "  Effective from: Friday 1 January 2027",
                "  Contract number: V-2022-118",
            ],
        ),
        (
            "de",
            [
                "  Änderung: Tariff Basis 50",
                "  Betrag: 1.289,95 €",
                "  Gültig ab: Freitag, 1. Januar 2027",
                "  Vertragsnummer: V-2022-118",
            ],
        ),
    ],
)
def test_the_change_to_confirm_is_written_in_the_customers_words(asking, language, lines):
    case, _ = asking(language=language, kind="confirm")
    confirmation = ConfirmationRequest.issue(case=case, kind="confirm", adjustment=ADJUSTMENT)
    send(EmailOutbox.Kind.REQUEST, confirmation)
    plain, html = bodies(parsed(mail.outbox[0]))
    assert "\n".join(lines) in plain.replace("\r\n", "\n")
    assert "Contract_number" not in plain and "2027-01-01" not in plain
    assert f"<li>{lines[2].strip()}</li>" in html


MOVE = {
    "change": "Address change",
    "address": "Kornblumenweg 14, 30159 Hannover",
    "effective": "2027-01-01",
}
MOVE_TEXTS = {
    "en": (
        "Hello Ada,\n\nplease check your new address.\n\nReference: {ref}\n\n"
        "Please accept or decline this change:\n"
        "  Change: Address change\n"
        "  New address: Kornblumenweg 14, 30159 Hannover\n"
        "  Effective from: Friday 1 January 2027\n",
        "Hello Ada,\n\nthank you, we have recorded your answer. You accepted this change:\n"
        "  Change: Address change\n"
        "  New address: Kornblumenweg 14, 30159 Hannover\n"
        "  Effective from: Friday 1 January 2027\n\n"
        "Your reference: {ref}\nYour customer service\n",
    ),
    "de": (
        "Guten Tag Ada,\n\nbitte prüfen Sie Ihre neue Anschrift.\n\nVorgangsnummer: {ref}\n\n"
        "Bitte nehmen Sie diese Änderung an oder lehnen Sie sie ab:\n"
        "  Änderung: Address change\n"
        "  Neue Anschrift: Kornblumenweg 14, 30159 Hannover\n"
        "  Gültig ab: Freitag, 1. Januar 2027\n",
        "Guten Tag Ada,\n\nvielen Dank, wir haben Ihre Antwort erhalten. "
        "Sie haben diese Änderung angenommen:\n"
        "  Änderung: Address change\n"
        "  Neue Anschrift: Kornblumenweg 14, 30159 Hannover\n"
        "  Gültig ab: Freitag, 1. Januar 2027\n\n"
        "Ihre Vorgangsnummer: {ref}\nIhr Kundenservice\n",
    ),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_change_is_stated_when_asked_and_again_when_accepted(
    asking, language, django_capture_on_commit_callbacks
):
    case, _ = asking(language=language, kind="confirm")
    ConfirmationRequest.objects.filter(case=case).delete()
    greeting = TEXTS[language]["hello"]
    check = (
        "please check your new address."
        if language == "en"
        else ("bitte prüfen Sie Ihre neue Anschrift.")
    )
    label = "Reference" if language == "en" else "Vorgangsnummer"
    text = f"{greeting}\n\n{check}\n\n{label}: {case.reference}"
    Case.objects.filter(pk=case.pk).update(proposal=case.proposal | {"text": text})
    confirmation = ConfirmationRequest.issue(case=case, kind="confirm", adjustment=MOVE)
    send(EmailOutbox.Kind.REQUEST, confirmation)
    asked, accepted = (t.format(ref=case.reference) for t in MOVE_TEXTS[language])
    plain, html = bodies(parsed(mail.outbox[0]))
    plain = plain.replace("\r\n", "\n")
    assert plain.startswith(asked), plain
    assert plain.count(case.reference) == 1  # the proposal names it: not again below
    assert "<li>" + asked.splitlines()[-2].strip() + "</li>" in html

    with django_capture_on_commit_callbacks(execute=True):
        confirmation_decide(confirmation=confirmation, decision="accept")
    plain, html = bodies(parsed(mail.outbox[1]))
    assert plain.replace("\r\n", "\n") == accepted
    assert "<li>" + accepted.splitlines()[-5].strip() + "</li>" in html
