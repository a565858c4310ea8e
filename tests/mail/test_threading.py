"""Replies to the emails we sent land on the right case with the right transition; machine-made
mail never moves a case; the same mail twice is one message."""

from email import message_from_bytes, policy

import pytest
from django.core import mail

from cases.mail.intake import IngestResult, email_ingest
from cases.models import Case, CaseEvent, Message, State
from cases.transitions import Actor, case_transition
from customers.models import ConfirmationRequest, Customer
from tests.factories import UserFactory, case_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_in_progress(db):
    case = case_in(State.IN_PROGRESS)
    ada = Customer.objects.for_email("ada@example.com", name="Ada Lovelace")
    Case.objects.filter(pk=case.pk).update(customer=ada, subject="Where is my order 123456?")
    case.refresh_from_db()
    return case


@pytest.fixture
def agent_user(db):
    return UserFactory(username="agent", role="agent")


def sent(capture, case, name, payload, user):
    """Drive a transition as the agent and return the email that went out after the commit."""
    before = len(mail.outbox)
    with capture(execute=True):
        case_transition(case=case, name=name, actor=Actor.staff(user), payload=payload)
    assert len(mail.outbox) == before + 1
    return message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)


def reply_to(original, body: str, *, sender="Ada Lovelace <ada@example.com>", headers=()) -> bytes:
    """What a mail client makes of "Reply": Re: subject, In-Reply-To, References, a quote."""
    quoted = "\r\n".join(
        "> " + line for line in original.get_body(("plain",)).get_content().splitlines()
    )
    references = " ".join(filter(None, [original.get("References", ""), original["Message-ID"]]))
    lines = [
        f"From: {sender}",
        f"To: {original['From']}",
        f"Subject: Re: {original['Subject']}",
        f"Message-ID: <reply.{abs(hash(body))}@example.com>",
        f"In-Reply-To: {original['Message-ID']}",
        f"References: {references}",
        "Content-Type: text/plain; charset=utf-8",
        *headers,
    ]
    text = f"{body}\r\n\r\nOn Sat, 28 Nov 2026, Support wrote:\r\n{quoted}\r\n"
    return ("\r\n".join(lines) + "\r\n\r\n" + text).encode()


def ingest(raw: bytes, capture) -> IngestResult:
    with capture(execute=True):
        return email_ingest(raw, source="test")


def test_a_reply_to_our_reply_reopens_the_resolved_case(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks
):
    case = ada_in_progress
    ours = sent(
        django_capture_on_commit_callbacks,
        case,
        "reply",
        {"text": "Your parcel arrives on Monday."},
        agent_user,
    )
    assert ours["Message-ID"].startswith(f"<{case.reference}.")
    case.refresh_from_db()
    assert case.state == State.RESOLVED

    raw = reply_to(ours, "It did not arrive. Please send a new one.")
    result = ingest(raw, django_capture_on_commit_callbacks)

    assert (result.status, result.case) == (IngestResult.STORED, case)
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    event = case.events.get(name="reopen")
    assert (event.from_state, event.to_state, event.actor_kind) == (
        "resolved",
        "in_review",
        "customer",
    )
    assert event.reason_codes == ["customer_replied"]
    message = result.message
    assert message.in_reply_to == ours["Message-ID"]
    assert "> Your parcel arrives on Monday." in message.text  # the stored message keeps it all
    assert message.text_for_engine == "It did not arrive. Please send a new one."


def test_a_reply_to_our_confirmation_email_routes_the_case_back_to_review(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks
):
    case = ada_in_progress
    ours = sent(
        django_capture_on_commit_callbacks,
        case,
        "propose",
        {"options": ["Monday", "Tuesday"]},
        agent_user,
    )
    assert ours["Auto-Submitted"] == "auto-generated"
    confirmation = case.confirmations.pending().get()

    # A client that drops the [#REFERENCE] from the subject: the Message-ID still threads it.
    raw = reply_to(ours, "Neither day works, I am away.").replace(
        f" [#{case.reference}]".encode(), b""
    )
    result = ingest(raw, django_capture_on_commit_callbacks)

    assert result.case == case
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert case.events.last().reason_codes == ["customer_replied"]
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationRequest.Status.SUPERSEDED  # the link cannot decide


def test_an_out_of_office_reply_to_our_reply_does_not_reopen(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks
):
    case = ada_in_progress
    ours = sent(django_capture_on_commit_callbacks, case, "reply", {"text": "Done."}, agent_user)
    raw = reply_to(ours, "I am out of the office.", headers=("Auto-Submitted: auto-replied",))

    result = ingest(raw, django_capture_on_commit_callbacks)

    assert result.case == case and result.message.automatic == "auto_replied"
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert not case.events.filter(name="reopen").exists()
    assert case.events.get(name="message_received").data["automatic"] == "auto_replied"
    assert len(mail.outbox) == 1  # nothing answered it


def test_a_reply_to_a_closed_case_opens_a_linked_case(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks
):
    case = ada_in_progress
    ours = sent(django_capture_on_commit_callbacks, case, "reply", {"text": "Done."}, agent_user)
    case_transition(case=case, name="close", actor=Actor.system())

    result = ingest(reply_to(ours, "The problem is back."), django_capture_on_commit_callbacks)

    assert result.case != case and result.case.previous_case == case
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert result.case.events.first().data["previous_case"] == case.reference


def test_our_own_outgoing_mail_coming_back_is_never_answered(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks, settings
):
    case = ada_in_progress
    ours = sent(django_capture_on_commit_callbacks, case, "reply", {"text": "Done."}, agent_user)

    result = ingest(ours.as_bytes(), django_capture_on_commit_callbacks)

    assert result.message.automatic == "own_address"
    assert len(mail.outbox) == 1


def test_a_stranger_replying_to_our_mail_gets_a_case_of_their_own(
    ada_in_progress, agent_user, django_capture_on_commit_callbacks
):
    case = ada_in_progress
    ours = sent(django_capture_on_commit_callbacks, case, "reply", {"text": "Done."}, agent_user)
    raw = reply_to(ours, "Send it to me instead.", sender="mallory@evil.example")

    result = ingest(raw, django_capture_on_commit_callbacks)

    assert result.case != case and result.case.customer.email == "mallory@evil.example"
    case.refresh_from_db()
    assert case.state == State.RESOLVED and not case.events.filter(name="reopen").exists()


def test_the_same_mail_twice_is_one_message(ada_in_progress, django_capture_on_commit_callbacks):
    raw = (
        b"From: ada@example.com\r\nSubject: Hello\r\nMessage-ID: <twice@example.com>\r\n\r\n"
        b"Where is my order?\r\n"
    )
    first = ingest(raw, django_capture_on_commit_callbacks)
    second = ingest(raw, django_capture_on_commit_callbacks)
    # Redelivered with other transport headers on top: still the same Message-ID.
    third = ingest(b"Received: from mx2\r\n" + raw, django_capture_on_commit_callbacks)

    assert first.status == IngestResult.STORED
    assert second.status == third.status == IngestResult.DUPLICATE
    assert first.message == second.message == third.message
    assert Message.objects.filter(external_id="<twice@example.com>").count() == 1
    assert CaseEvent.objects.filter(case=first.case, name="message_received").count() == 1


def test_a_mail_without_message_id_delivered_twice_is_one_message(db):
    raw = b"From: ada@example.com\r\nSubject: No id\r\n\r\nHello\r\n"
    first = email_ingest(raw, source="test")
    second = email_ingest(raw, source="test")
    assert second.status == IngestResult.DUPLICATE and first.message == second.message
    assert first.message.external_id.startswith("sha256:")


def test_a_broken_mail_delivered_twice_is_one_quarantined_mail(db):
    first = email_ingest(b"no headers at all", source="test")
    second = email_ingest(b"no headers at all", source="test")
    assert first.quarantine == second.quarantine


def test_a_different_mail_reusing_a_message_id_is_not_dropped(db):
    """Some devices send every mail with the same Message-ID; forgers may copy one."""
    first = email_ingest(
        b"From: scanner@ada.example\r\nSubject: Scan\r\nMessage-ID: <1@scanner>\r\n\r\nPage 1\r\n",
        source="test",
    )
    second = email_ingest(
        b"From: scanner@ada.example\r\nSubject: Scan\r\nMessage-ID: <1@scanner>\r\n\r\nPage 2\r\n",
        source="test",
    )
    forged = email_ingest(
        b"From: mallory@evil.example\r\nSubject: Scan\r\nMessage-ID: <1@scanner>\r\n\r\nPage 1\r\n",
        source="test",
    )

    assert first.status == second.status == forged.status == IngestResult.STORED
    assert len({first.message.pk, second.message.pk, forged.message.pk}) == 3
    assert first.message.external_id == "<1@scanner>"
    assert second.message.external_id.startswith("sha256:")
    assert forged.case.customer.email == "mallory@evil.example"
