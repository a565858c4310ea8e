"""The real django-q2 worker takes a message from intake to a routed case on PostgreSQL."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_q.conf import Conf

from cases.intake import message_receive
from cases.models import Case, State
from review.models import TrainingExample
from review.training import model_train
from tests.factories import IntentFactory
from tests.processes import worker_env

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres"),
]

EXAMPLES = {
    "order_status": [
        "Where is my order 123456?",
        "My parcel 778899 has not arrived",
        "Status of my order 445566 please",
        "Wo ist meine Bestellung 123123?",
        "Meine Bestellung 456456 ist nicht da",
        "When does order 112233 arrive?",
    ],
    "invoice_copy": [
        "Please send me a copy of my invoice",
        "I need my last bill again",
        "Can I get the invoice for my order?",
        "Bitte senden Sie mir die Rechnung",
        "Rechnungskopie bitte",
        "I lost my invoice, please resend it",
    ],
}


@pytest.fixture
def worker(settings):
    env = worker_env(settings, OUT_OF_SCOPE_THRESHOLD="0.2")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_the_worker_routes_a_new_message(monkeypatch, worker):
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, threshold=0.3)
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    version = model_train()
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for the worker instead of inline

    intake = message_receive(from_email="ada@example.com", body="Where is my order 998877?")

    deadline = time.monotonic() + 60
    case = Case.objects.get(pk=intake.case.pk)
    while case.state == State.NEW and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.5)
        case = Case.objects.get(pk=intake.case.pk)
    if case.state == State.NEW:
        worker.terminate()
        pytest.fail("the worker did not route the case:\n" + worker.communicate(timeout=20)[0])
    assert case.state == State.RESOLVED
    event = case.events.get(name="automate")
    assert (event.actor_kind, event.model_version) == ("ai", version.label)
    assert case.messages.filter(direction="out").count() == 1
