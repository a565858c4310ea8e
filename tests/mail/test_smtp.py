"""Real SMTP and LMTP conversations (smtplib) with the aiosmtpd receiver: in a thread of this
process, and as the `smtp_receiver` command beside django-q2's real worker."""

import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.db import OperationalError
from django_q.conf import Conf

from cases.mail import smtp as smtp_module
from cases.mail.smtp import Receiver
from cases.models import Case, Message, State
from review.models import TrainingExample
from review.training import model_train
from tests.factories import IntentFactory
from tests.processes import free_port, worker_env
from tests.test_worker import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    started = []

    def start(*, lmtp: bool = False) -> Receiver:
        server = Receiver(host="127.0.0.1", port=free_port(), lmtp=lmtp)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def customer_mail(subject="Where is my order 998877?", body="Hello, my order 998877 is late."):
    message = EmailMessage()
    message["From"] = "Ada Lovelace <ada@example.com>"
    message["To"] = "support@shop.example"
    message["Subject"] = subject
    message["Message-ID"] = "<smtp-1@example.com>"
    message.set_content(body)
    return message


def trained_model():
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, threshold=0.3)
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    return model_train()


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    return None


def test_a_mail_over_smtp_becomes_a_case_that_is_routed(receiver, settings):
    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    version = trained_model()
    server = receiver()

    with smtplib.SMTP(server.hostname, server.port, timeout=30) as client:
        client.ehlo("mx.example.com")
        refused = client.send_message(customer_mail())

    assert refused == {}
    message = Message.objects.select_related("case").get(external_id="<smtp-1@example.com>")
    case = message.case
    assert (message.channel, case.customer.email) == ("email", "ada@example.com")
    # The suggestion job ran after the commit (django-q2 in sync mode in the tests).
    assert case.state != State.NEW
    assert case.current_suggestion.model_label == version.label
    assert case.current_suggestion.intent.slug == "order_status"


def test_lmtp_answers_each_recipient_and_stores_the_mail_once(receiver):
    """RFC 2033: one reply per recipient after DATA (smtplib.LMTP reads only one, so the
    conversation is spoken here line by line)."""
    server = receiver(lmtp=True)

    with socket.create_connection((server.hostname, server.port), timeout=30) as sock:
        replies = sock.makefile("rb")

        def say(line: bytes) -> bytes:
            sock.sendall(line + b"\r\n")
            return read()

        def read() -> bytes:
            line = replies.readline()
            while line[3:4] == b"-":  # a multi-line reply
                line = replies.readline()
            return line

        assert read().startswith(b"220")
        assert say(b"LHLO mx.example.com").startswith(b"250")
        assert say(b"MAIL FROM:<ada@example.com>").startswith(b"250")
        assert say(b"RCPT TO:<support@shop.example>").startswith(b"250")
        assert say(b"RCPT TO:<orders@shop.example>").startswith(b"250")
        assert say(b"DATA").startswith(b"354")
        sock.sendall(customer_mail().as_bytes().replace(b"\n", b"\r\n") + b".\r\n")
        assert [read(), read()] == [b"250 2.0.0 Message accepted\r\n"] * 2
        assert say(b"QUIT").startswith(b"221")

    assert Message.objects.filter(external_id="<smtp-1@example.com>").count() == 1


def test_a_null_sender_marks_a_bounce(receiver):
    server = receiver()
    bounce = customer_mail(subject="Undelivered Mail", body="could not deliver")
    del bounce["From"]
    bounce["From"] = "Mail Delivery System <bounces@mx.example.com>"

    with smtplib.SMTP(server.hostname, server.port, timeout=30) as client:
        client.sendmail("", ["support@shop.example"], bounce.as_bytes())

    message = Message.objects.get(external_id="<smtp-1@example.com>")
    assert message.automatic == "bounce"
    assert Case.objects.get(pk=message.case_id).current_suggestion.reason_codes == [
        "automatic_message"
    ]


def test_while_the_database_is_away_the_mta_is_told_to_retry(receiver, monkeypatch):
    def away(raw, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(smtp_module, "email_ingest", away)
    server = receiver()

    with (
        smtplib.SMTP(server.hostname, server.port, timeout=30) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.send_message(customer_mail())

    assert refused.value.smtp_code == 451
    assert not Message.objects.exists()


def test_a_mail_over_the_size_limit_is_refused_in_the_conversation(receiver, settings):
    settings.EMAIL_MAX_BYTES = 2_000
    server = receiver()

    with (
        smtplib.SMTP(server.hostname, server.port, timeout=30) as client,
        pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused,
    ):
        client.send_message(customer_mail(body="x" * 5_000))

    assert refused.value.smtp_code == 552
    assert not Message.objects.exists()


@pytest.mark.worker
def test_the_smtp_receiver_command_and_the_real_worker_route_a_mail(
    postgres, settings, monkeypatch
):
    """`manage.py smtp_receiver` and `manage.py qcluster` as separate processes, as deployed."""
    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    version = trained_model()
    env = worker_env(settings, OUT_OF_SCOPE_THRESHOLD="0.2")
    port = free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for command in (["smtp_receiver", "--port", str(port)], ["qcluster"])
    ]
    try:
        banner = f"SMTP receiver listening on 127.0.0.1:{port}"
        output = [processes[0].stdout.readline() for _ in range(1)]
        while banner not in output[-1] and output[-1] and len(output) < 50:
            output.append(processes[0].stdout.readline())
        assert banner in output[-1], "".join(output)
        monkeypatch.setattr(Conf, "SYNC", False)
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            assert client.send_message(customer_mail()) == {}

        def routed():
            message = Message.objects.filter(external_id="<smtp-1@example.com>").first()
            if message is None:
                return None
            case = Case.objects.get(pk=message.case_id)
            return case if case.state != State.NEW else None

        case = wait_for(routed, seconds=60)
        if case is None:
            for process in processes:
                process.terminate()
            pytest.fail(
                "the worker did not route the mail:\n"
                + "\n".join(p.communicate(timeout=20)[0] for p in processes)
            )
        assert case.current_suggestion.model_label == version.label
        assert case.events.filter(actor_kind="ai").exists()
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
