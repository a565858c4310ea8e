"""No customer mail is lost: a reply or a customer email stays in its outbox until a real SMTP
server accepts it. A server that is away is tried again with growing pauses; one that refuses
(5xx) makes the mail undelivered, and the case goes back to a person with `delivery_failed`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.delivery import due_messages, message_send, retry_due
from cases.models import CaseEvent, Message, State
from customers.models import EmailOutbox
from customers.tasks import email_retry, email_send
from review.models import ReviewItem
from tests.customers.conftest import free_port
from tests.factories import MessageFactory, case_in


def reply_on(case) -> Message:
    return MessageFactory(
        case=case, direction=Message.Direction.OUTBOUND, author_kind="agent", text="Done."
    )


def test_a_reply_waits_while_the_server_is_away_and_goes_out_when_it_is_back(
    smtp, settings, django_capture_on_commit_callbacks
):
    case = case_in(State.RESOLVED)
    message = reply_on(case)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    assert message_send(message.pk) is False
    message.refresh_from_db()
    assert (message.attempts, message.sent_at, message.undelivered_at) == (1, None, None)
    assert message.delivery_state == "retrying"
    assert "ConnectionRefusedError" in message.delivery_error
    assert timedelta(seconds=59) < message.next_attempt_at - timezone.now() <= timedelta(60)
    assert due_messages() == []  # not before its pause

    later = timezone.now() + timedelta(seconds=61)
    assert retry_due(later) == 0  # still away: the second pause is longer
    message.refresh_from_db()
    assert message.attempts == 2
    # (the pause counts from the attempt itself)
    assert timedelta(minutes=4) < message.next_attempt_at - timezone.now() <= timedelta(minutes=5)

    settings.EMAIL_PORT = port
    assert retry_due(later + timedelta(minutes=6)) == 1
    (sent,) = smtp.wait_for(1)
    assert sent["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.delivery_state == "sent" and message.next_attempt_at is None
    assert retry_due(later + timedelta(hours=1)) == 0  # sent once
    case.refresh_from_db()
    assert case.state == State.RESOLVED


def test_a_temporary_refusal_is_tried_again(smtp):
    smtp.refuse = "451 4.3.0 Try again later"
    message = reply_on(case_in(State.RESOLVED))
    assert message_send(message.pk) is False
    message.refresh_from_db()
    assert message.delivery_error == "451 4.3.0 Try again later"
    assert message.undelivered_at is None and message.next_attempt_at is not None


def test_a_refused_reply_is_undelivered_and_the_case_goes_back_to_review(
    smtp, django_capture_on_commit_callbacks
):
    smtp.refuse = "550 5.1.1 No such user"
    case = case_in(State.RESOLVED)
    message = reply_on(case)
    with django_capture_on_commit_callbacks(execute=True):
        assert message_send(message.pk) is False
    message.refresh_from_db()
    assert message.delivery_state == "undelivered" and message.attempts == 1
    assert message.delivery_error == "550 5.1.1 No such user"
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert ReviewItem.objects.open().get(case=case).reason_codes == ["delivery_failed"]
    failed = CaseEvent.objects.get(case=case, name="delivery_failed")
    assert failed.data == {"message": message.pk, "error": "550 5.1.1 No such user"}
    assert due_messages(timezone.now() + timedelta(days=3)) == []  # never again on its own
    assert smtp.received == []


def test_after_the_last_attempt_the_reply_is_undelivered(smtp, settings):
    settings.MAIL_MAX_ATTEMPTS = 2
    settings.EMAIL_PORT = free_port()
    message = reply_on(case_in(State.RESOLVED))
    assert message_send(message.pk) is False
    assert retry_due(timezone.now() + timedelta(minutes=2)) == 0
    message.refresh_from_db()
    assert message.delivery_state == "undelivered" and message.attempts == 2


def test_a_reply_whose_task_was_lost_is_sent_by_the_schedule(smtp):
    message = reply_on(case_in(State.RESOLVED))
    assert due_messages() == []  # its task may still come
    assert retry_due(timezone.now() + timedelta(minutes=3)) == 1
    (sent,) = smtp.wait_for(1)
    assert sent["Message-ID"] == message.message_id


def test_a_customer_email_the_server_refuses_reopens_the_case(
    smtp, django_capture_on_commit_callbacks
):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = case.confirmations.get()
    row, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=confirmation)
    smtp.refuse = "550 5.1.1 No such user"
    with django_capture_on_commit_callbacks(execute=True):
        assert email_send(row.pk) is False
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.UNDELIVERED and row.attempts == 1
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW  # the customer never got the question
    confirmation.refresh_from_db()
    assert confirmation.status == "superseded"


@pytest.mark.parametrize("seeded", [True, False], ids=["queued-without-task", "server-away"])
def test_a_pending_customer_email_is_sent_by_the_schedule(smtp, settings, seeded):
    case = case_in(State.AWAITING_CUSTOMER)
    row, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=case.confirmations.get())
    if not seeded:
        port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()
        assert email_send(row.pk) is False
        settings.EMAIL_PORT = port
    assert email_retry(timezone.now() + timedelta(minutes=3)) == 1
    smtp.wait_for(1)
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.SENT


def test_the_case_page_and_the_dashboard_say_what_was_not_delivered(
    smtp, client, supervisor, django_capture_on_commit_callbacks
):
    smtp.refuse = "550 5.1.1 No such user"
    case = case_in(State.RESOLVED)
    refused = reply_on(case)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(refused.pk)
    smtp.refuse = "451 4.3.0 Try again later"
    waiting = reply_on(case_in(State.RESOLVED))
    message_send(waiting.pk)
    client.force_login(supervisor)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert (
        '<span class="tag risk delivery" title="550 5.1.1 No such user">not delivered</span>'
        in page
    )
    assert "our mail to the customer was not delivered" in page  # why a human is needed
    dashboard = client.get("/dashboard/").content.decode()
    kpi = dashboard.split('id="kpi-undelivered"', 1)[1].split("</div>", 1)[0]
    assert '<span class="value">1</span>' in kpi and "1 waiting for another try" in kpi
