import os
from pathlib import Path

import pytest

from cases.models import Case, Message, State
from cases.outbound import new_message_id
from customers.models import Customer, EmailOutbox
from tests.factories import MessageFactory, case_in
from tests.mail.corpus import World

REAL_WORLD = Path(os.environ.get("EMAIL_DATASET", "/work/shared/datasets/emails"))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments land in a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def real_world_files() -> list[Path]:
    if not REAL_WORLD.is_dir():
        return []
    return sorted(p for p in REAL_WORLD.glob("*/*") if p.is_file() and p.suffix in (".box", ".txt"))


@pytest.fixture
def real_world():
    """The 75 real-world emails, read from outside the repository (never copied into it)."""
    if not REAL_WORLD.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REAL_WORLD} is missing, and the real-world email tests must run in CI")
        pytest.skip(f"{REAL_WORLD} not found: the real-world email corpus is not on this machine")
    return REAL_WORLD


def ada_case(state: str, ada: Customer) -> Case:
    case = case_in(state)
    Case.objects.filter(pk=case.pk).update(customer=ada, subject="Where is my order?")
    case.refresh_from_db()
    return case


def our_reply(case: Case) -> str:
    """An outbound message of ours on the case, as `message_send` sent it."""
    message = MessageFactory(
        case=case,
        direction=Message.Direction.OUTBOUND,
        author_kind=Message.AuthorKind.AI,
        subject=f"Re: Where is my order? [#{case.reference}]",
        text="Hello Ada, your order 123456 is on its way.",
        message_id=new_message_id(case),
    )
    return message.message_id


@pytest.fixture
def world(db, settings) -> World:
    ada = Customer.objects.for_email("ada@example.com", name="Ada Lovelace")
    resolved = ada_case(State.RESOLVED, ada)
    closed = ada_case(State.CLOSED, ada)
    awaiting = ada_case(State.AWAITING_CUSTOMER, ada)
    outbox, _ = EmailOutbox.queue(
        kind=EmailOutbox.Kind.REQUEST, confirmation=awaiting.confirmations.pending().get()
    )
    return World(
        ada=ada,
        resolved=resolved,
        resolved_id=our_reply(resolved),
        closed=closed,
        closed_id=our_reply(closed),
        awaiting=awaiting,
        awaiting_id=outbox.message_id,
        support=settings.DEFAULT_FROM_EMAIL,
    )
