"""Shared pieces of the customer-loop tests: a tiny trained model, links, a real SMTP server."""

import email
import os
import re
import socket
import threading
import time
from email import policy
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from cases.intake import message_receive
from cases.models import ActionKind, CaseEvent
from customers.models import ConfirmationRequest, EmailOutbox
from review.models import ReviewItem, TrainingExample
from review.suggest import suggestion_create
from tests.factories import IntentFactory

EXAMPLES = {
    "order_status": [
        "Where is my order 123456?",
        "My parcel has not arrived yet, order 778899",
        "Can you tell me the status of order 445566",
        "Tracking for my order 998877 shows nothing",
        "Wo ist meine Bestellung 123123?",
        "Meine Bestellung 456456 ist noch nicht da",
    ],
    "delivery_date_change": [
        "Can you deliver order 123456 on another day?",
        "Please change the delivery date of order 334455",
        "I am not home on Friday, deliver order 556677 later",
        "Move my delivery for order 667788 to next week",
        "Bitte liefern Sie Bestellung 111222 an einem anderen Tag",
        "Liefertermin für Bestellung 333444 ändern",
    ],
    "address_change": [
        "Please change my address to Hauptstrasse 5 in Berlin",
        "I moved, my new address is Gartenweg 12",
        "Update my postal address to Lindenallee 3, please",
        "New address for my account: Bahnhofstrasse 8",
        "Bitte ändern Sie meine Adresse auf Seeweg 4",
        "Ich bin umgezogen, neue Anschrift Ringstrasse 9",
    ],
}

POLICY = {
    "order_status": {
        "action": ActionKind.REPLY,
        "required_slots": ["order_number"],
        "reply_templates": {
            "en": "Hello {customer_name}, your order {order_number} arrives tomorrow.",
            "de": "Guten Tag {customer_name}, Ihre Bestellung {order_number} kommt morgen.",
        },
    },
    "delivery_date_change": {
        "action": ActionKind.CHOOSE,
        "required_slots": ["order_number"],
        "reply_templates": {
            "en": "Hello {customer_name}, we can deliver order {order_number} on these days.",
            "de": "Guten Tag {customer_name}, wir können Bestellung {order_number} so liefern.",
        },
    },
    "address_change": {
        "action": ActionKind.CONFIRM,
        "reply_templates": {"en": "We would change your address as follows."},
    },
}

# What a routed message looks like for each action (the model above sends them there alone).
CHOOSE_TEXT = "Please deliver order 123456 on another day, I am away."
CHOOSE_TEXT_DE = "Bitte liefern Sie Bestellung 111222 an einem anderen Tag, ich bin verreist."
CONFIRM_TEXT = "I moved. Please change my address to Gartenweg 12, 20249 Hamburg."
REPLY_TEXT = "Hello, where is my order 654321? It has not arrived."

LINK = re.compile(r"https?://[^\s\"'<>]+/c/([A-Za-z0-9_-]+)/")


@pytest.fixture
def trained(db, settings):
    """A tiny model (18 examples) whose three intents the policy lets the AI act on."""
    from review import suggest
    from review.training import model_train

    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    # Every example trains: with 18 of them, the retrain gate's held-out share would take
    # away what some phrasings rely on (tests/review/test_retrain_gate.py tests the gate).
    settings.ENGINE_HOLDOUT_SHARE = 0.0
    # The engine caches classifiers by primary key, which a rolled-back database hands out
    # again: without clearing, the next test's model would be answered by this one.
    suggest._classifiers.clear()
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, threshold=0.3, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    yield model_train()
    suggest._classifiers.clear()


def receive(body, *, from_email="ada@example.com", from_name="Ada", **kwargs):
    """A customer's message through intake and the suggestion job, as the API delivers it."""
    intake = message_receive(from_email=from_email, from_name=from_name, body=body, **kwargs)
    suggestion_create(case_id=intake.case.pk)  # a no-op when the job ran after the commit
    intake.case.refresh_from_db()
    return intake.case


def link_path(token: str) -> str:
    return reverse("customer-link", args=[token])


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found, f"no customer link in {text!r}"
    return found.group(1)


def snapshot(*cases) -> dict:
    """Everything a customer link could change; equal snapshots mean nothing happened."""
    for case in cases:
        case.refresh_from_db()
    return {
        "cases": [(c.pk, c.state, c.outcome, c.proposal_version, c.resolved_at) for c in cases],
        "confirmations": list(
            ConfirmationRequest.objects.order_by("pk").values_list(
                "pk", "status", "decided_at", "outcome", "reminded_at", "expires_at"
            )
        ),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "name")),
        "outbox": list(EmailOutbox.objects.order_by("pk").values_list("pk", "kind", "status")),
        "review_items": list(ReviewItem.objects.order_by("pk").values_list("pk", "status")),
        "training": TrainingExample.objects.count(),
        "mails": len(mail.outbox),
    }


def customer_events(case, name: str):
    return CaseEvent.objects.filter(case=case, name=name)


# The browser: a phone, and a folder for screenshots outside the repository.


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR") or tmp_path_factory.mktemp("artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# A real SMTP server in the test process: Django's SMTP backend talks to it over TCP.


class Mailbox:
    """Collects what the SMTP server accepted; `wait_for(n)` gives the parsed messages."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()
        self.refuse = ""  # e.g. "550 5.1.1 No such user": every recipient is refused so

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
        return "250 Message accepted for delivery"

    def clear(self):
        with self.lock:
            self.received.clear()
            self.refuse = ""

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        with self.lock:
            assert len(self.received) == count, [m[2][:300] for m in self.received]
            return [
                email.message_from_bytes(raw, policy=policy.default) for *_, raw in self.received
            ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(smtp_server, settings, live_server) -> Mailbox:
    """Mail of this test goes over SMTP to the in-process server; links point at live_server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.SITE_URL = live_server.url
    mailbox = smtp_server.handler
    mailbox.clear()
    yield mailbox
    mailbox.clear()
