"""Delivery reports on our own mail: what they say, and that they count once."""

import pytest

from cases.mail.bounces import report_of
from cases.mail.intake import email_ingest
from cases.models import State
from customers.models import EmailOutbox
from tests.factories import case_in


@pytest.mark.parametrize(
    ("report", "final", "said"),
    [
        (b"Action: failed\r\nStatus: 5.1.1\r\n", True, "5.1.1"),
        (
            b"Action: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n",
            True,
            "5.2.2 552 5.2.2 Mailbox full",
        ),
        (b"Action: delayed\r\nStatus: 4.4.1\r\n", False, "4.4.1"),
        (b"Status: 4.7.0\r\n", False, "4.7.0"),
        (b"I could not deliver your mail.\r\n", True, "bounced"),
    ],
)
def test_a_report_says_whether_it_is_final_and_why(report, final, said):
    assert report_of(report) == (final, said)


def dsn(message_id: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    return (
        (
            "From: MAILER-DAEMON@mx.example.com\r\nTo: support@shop.example\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Message-ID: <dsn-{n}@mx.example.com>\r\n"
            "Content-Type: text/plain\r\n\r\n"
            f"Action: {action}\r\nStatus: {status}\r\n\r\nMessage-ID: {message_id}\r\n"
        )
        .replace("{n}", status + action)
        .encode()
    )


def test_a_bounced_customer_email_is_undelivered_once_and_the_case_reviewed(
    db, django_capture_on_commit_callbacks
):
    case = case_in(State.AWAITING_CUSTOMER)
    row, _ = EmailOutbox.queue(kind=EmailOutbox.Kind.REQUEST, confirmation=case.confirmations.get())
    EmailOutbox.objects.filter(pk=row.pk).update(status=EmailOutbox.Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        delayed = email_ingest(dsn(row.message_id, "delayed", "4.4.1"), envelope_from="")
    assert delayed.reason.startswith(f"delivery delayed report on case {case.reference}")
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER  # a delay is no failure

    for _ in range(2):  # the same report twice, e.g. from two MTAs
        with django_capture_on_commit_callbacks(execute=True):
            result = email_ingest(dsn(row.message_id), envelope_from="")
    assert result.reason == f"bounce of our mail on case {case.reference}: 5.1.1"
    row.refresh_from_db()
    assert row.status == EmailOutbox.Status.UNDELIVERED
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert case.events.filter(name="delivery_failed").count() == 1
