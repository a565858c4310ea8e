"""The corpus: every written email ends as the right message or in quarantine with a clear
reason; the 75 real-world emails are each stored or quarantined; nothing stops the batch."""

import pytest

from cases.mail.intake import IngestResult, email_ingest
from cases.models import Case, Message, QuarantinedEmail
from tests.mail.conftest import real_world_files
from tests.mail.corpus import ENTRIES

pytestmark = pytest.mark.django_db

BY_NAME = {entry.name: entry for entry in ENTRIES}


def test_the_written_corpus_has_at_least_40_distinct_emails():
    assert len(ENTRIES) >= 40
    assert len(BY_NAME) == len(ENTRIES)
    kinds = {
        "plain_ascii", "html_only", "multipart_alternative", "rfc2047_subject_q_utf8",
        "plain_utf8_8bit_german", "utf8_declared_as_latin1", "undeclared_8bit_cp1252",
        "attachment_name_dotdot", "attachment_name_very_long", "attachment_name_rtl_override",
        "attachment_double_extension", "attachment_20_mb", "deep_mime_nesting",
        "forwarded_message", "auto_reply_to_our_reply", "bounce_delivery_status",
        "reply_with_our_message_id", "forged_reference_in_subject",
    }  # fmt: skip
    assert kinds <= set(BY_NAME), kinds - set(BY_NAME)


def ingest(raw: bytes, capture) -> IngestResult:
    """One email through intake, with the suggestion job run after the commit, as the worker
    would."""
    with capture(execute=True):
        return email_ingest(raw, source="corpus")


def assert_outcome(entry, result: IngestResult, raw: bytes, world) -> None:
    if entry.outcome == "quarantined":
        assert result.status == IngestResult.QUARANTINED, f"stored: {result}"
        assert entry.reason in result.reason
        quarantined = QuarantinedEmail.objects.get(pk=result.quarantine.pk)
        assert bytes(quarantined.raw) == raw and quarantined.size == len(raw)
        assert not Message.objects.filter(external_id=f"<{entry.name}@corpus.test>").exists()
        return
    assert result.status == IngestResult.STORED, result.reason
    case = Case.objects.get(pk=result.case.pk)
    message = Message.objects.get(pk=result.message.pk)
    existing = {world.resolved.pk, world.closed.pk, world.awaiting.pk}
    if entry.case == "new":
        assert case.pk not in existing and case.previous_case is None
    elif entry.case.startswith("follow_up:"):
        assert case.previous_case == getattr(world, entry.case.partition(":")[2])
    else:
        assert case == getattr(world, entry.case)
    if entry.state:
        assert case.state == entry.state
    if entry.sender:
        assert case.customer.email == entry.sender
    if entry.subject is not None:
        assert message.subject == entry.subject
    for fragment in entry.text:
        assert fragment in message.text, (fragment, message.text)
    for fragment in entry.not_text:
        assert fragment not in message.text, (fragment, message.text)
    if entry.engine_text is not None:
        assert message.text_for_engine == entry.engine_text
    assert message.automatic == entry.automatic
    assert (message.channel, message.direction) == ("email", "in")
    if entry.check:
        assert entry.check(result, world) in (None, True)


@pytest.mark.parametrize("name", BY_NAME)
def test_each_written_email_ends_where_it_should(name, world, django_capture_on_commit_callbacks):
    entry = BY_NAME[name]
    raw = entry.build(world)
    result = ingest(raw, django_capture_on_commit_callbacks)
    assert_outcome(entry, result, raw, world)


def test_one_batch_of_every_email_goes_through(
    world, real_world, django_capture_on_commit_callbacks
):
    """Written and real-world emails in one batch: each one stored or quarantined, none stops
    the rest."""
    raws = [entry.build(world) for entry in ENTRIES] + [p.read_bytes() for p in real_world_files()]
    results = [ingest(raw, django_capture_on_commit_callbacks) for raw in raws]
    assert len(results) == len(ENTRIES) + 75
    statuses = {result.status for result in results}
    assert statuses <= {IngestResult.STORED, IngestResult.QUARANTINED, IngestResult.DUPLICATE}
    quarantined = [r for r in results if r.status == IngestResult.QUARANTINED]
    assert all(r.reason for r in quarantined)
    assert QuarantinedEmail.objects.count() == len({r.quarantine.pk for r in quarantined})
    stored = [r for r in results if r.status != IngestResult.QUARANTINED]
    assert Message.objects.filter(channel="email").count() == len({r.message.pk for r in stored})


# The real-world emails: Zammad's mail fixtures and CPython's email test data.

EXPECTED = {
    # file: (outcome, sender or reason, what else)
    "mail001.box": ("stored", "john.smith@example.com", {"subject": "CI Daten für PublicView"}),
    "mail016.box": ("stored", "vipyimin@126.com", {"note": "no From: the sender is Reply-To"}),
    "mail031.box": (
        "stored", "zhengkang@ha.chinamobile.com",
        {"subject": "內應力產生与注塑工艺条件之间的关系；"},  # noqa: RUF001
    ),
    "mail033-undelivered-mail-returned-to-sender-notification.box": (
        "stored", "mailer-daemon@mx1.zammad.com", {"automatic": "bounce"},
    ),
    "mail046.box": (
        "stored", "glopelf7121@example.com", {"subject": "转发：整体提升企业服务水平"},  # noqa: RUF001
    ),
    "mail058.box": ("stored", "bob@example.com", {"note": "two From addresses: the first"}),
    "mail068.box": ("quarantined", "no usable sender", {}),
    "mail071.box": ("quarantined", "no usable sender", {}),
    "mail072.box": (
        "stored", "me@example.com", {"subject": "Réclamation commande n° 018255977840"},
    ),
    "mail087.box": ("stored", "test@example.com", {"note": "From without angle brackets"}),
    "mail089.box": ("stored", "example@service-now.com", {"automatic": "auto_generated"}),
    "mail091.box": (
        "stored", "mail@domain.jp", {"text": "このアドレスへのメルマガを解除してください。"},
    ),
    "mail116.box": ("stored", "info@example.com", {"text": "これはテストメールです。"}),
    "mail117.box": (
        "stored", "=?utf-8?q?attacker?q?agent?=@victim.example",
        {"note": "an encoded word in the address stays literal: no spoofed agent@victim"},
    ),
    "mail119.box": ("stored", "sender@example.com", {"subject": "Запрос цены"}),
    "msg_16.txt": ("stored", "postmaster@ucla.edu", {"automatic": "bounce"}),
}  # fmt: skip


@pytest.mark.parametrize("path", real_world_files(), ids=lambda p: p.name)
def test_each_real_world_email_is_stored_or_quarantined(
    path, real_world, django_capture_on_commit_callbacks
):
    raw = path.read_bytes()
    result = ingest(raw, django_capture_on_commit_callbacks)
    assert result.status in (IngestResult.STORED, IngestResult.QUARANTINED)
    if result.status == IngestResult.QUARANTINED:
        assert result.reason
        assert bytes(QuarantinedEmail.objects.get().raw) == raw
    else:
        message = Message.objects.get(pk=result.message.pk)
        assert "\x00" not in message.text and len(message.subject) <= 255
        assert message.case.state == "in_review"  # no model: a person decides
    outcome, who, more = EXPECTED.get(path.name, (None, None, {}))
    if outcome == "quarantined":
        assert result.status == IngestResult.QUARANTINED and who in result.reason
    elif outcome == "stored":
        assert result.status == IngestResult.STORED
        message = result.message
        assert message.case.customer.email == who
        assert message.automatic == more.get("automatic", message.automatic)
        assert message.subject == more.get("subject", message.subject)
        assert more.get("text", "") in message.text


def test_real_world_bounces_and_auto_replies_are_recognised(real_world):
    automatic = {}
    for path in real_world_files():
        result = email_ingest(path.read_bytes(), source="corpus")
        if result.status == IngestResult.STORED and result.message.automatic:
            automatic[path.name] = result.message.automatic
    bounces = {name for name, kind in automatic.items() if kind == "bounce"}
    assert {
        "mail033-undelivered-mail-returned-to-sender-notification.box",
        "mail052.box",
        "mail055.box",
        "mail078.box",
        "mail092.box",
        "msg_16.txt",
    } <= bounces
