"""Limits, the rate limit, failures while storing, quarantine in the admin, the schedule."""

import os
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import DataError, OperationalError
from django.urls import reverse
from django_q.models import Schedule

from cases import intake as case_intake
from cases.mail import intake
from cases.mail.intake import IngestResult, email_ingest
from cases.models import Attachment, Message, QuarantinedEmail
from tests.mail.corpus import PDF, attachment, mail, multipart, part

pytestmark = pytest.mark.django_db


def with_pdf(name: str, size: int = 0) -> bytes:
    data = PDF + b"0" * max(0, size - len(PDF))
    return multipart(name, [part("text/plain", "see attached\r\n"), attachment("a.pdf", data)])


def test_a_mail_over_the_size_limit_is_quarantined_with_its_beginning(settings):
    settings.EMAIL_MAX_BYTES = 10_000
    raw = with_pdf("big", 20_000)

    result = email_ingest(raw, source="test")

    assert result.status == IngestResult.QUARANTINED
    assert result.reason == f"too large: {len(raw)} bytes, the limit is 10000"
    quarantined = result.quarantine
    assert quarantined.truncated and quarantined.size == len(raw)
    assert bytes(quarantined.raw) == raw[:10_000]


def test_an_attachment_over_its_limit_is_refused_and_the_message_kept(settings):
    settings.EMAIL_MAX_ATTACHMENT_BYTES = 1_000

    result = email_ingest(with_pdf("pdf", 5_000), source="test")

    assert result.status == IngestResult.STORED and "see attached" in result.message.text
    (refused,) = result.message.attachments.all()
    assert refused.rejected == "too large: 5000 bytes, the limit is 1000"
    assert refused.size == 0 and not refused.file


def test_a_text_over_the_limit_is_cut_and_attached_whole(settings):
    settings.MAX_MESSAGE_CHARS = 1_000
    body = "Long story. " * 500

    result = email_ingest(mail("long", body), source="test")

    assert len(result.message.text) == 1_000
    (whole,) = result.message.attachments.all()
    assert whole.filename == "message.txt" and whole.file.read().decode() == body.strip()


def test_the_rate_limit_quarantines_a_flood_from_one_sender_only(settings):
    settings.EMAIL_RATE_LIMIT = 3
    results = [
        email_ingest(mail(f"flood{i}", sender="loop@robot.example"), source="test")
        for i in range(5)
    ]
    other = email_ingest(mail("other", sender="ada@example.com"), source="test")

    assert [r.status for r in results] == ["stored"] * 3 + ["quarantined"] * 2
    assert results[3].reason == "rate limit: loop@robot.example sent 3 or more emails in 60 minutes"
    assert results[3].quarantine.sender == "loop@robot.example"
    assert other.status == IngestResult.STORED
    # A redelivery of a mail already stored is a duplicate, not one more for the limit.
    assert email_ingest(mail("flood0", sender="loop@robot.example"), source="x").status == (
        IngestResult.DUPLICATE
    )


def test_a_value_the_database_refuses_sends_the_mail_to_quarantine(monkeypatch):
    def refuse(**kwargs):
        raise DataError("value too long for type character varying(254)")

    monkeypatch.setattr(intake, "message_receive", refuse)

    result = email_ingest(mail("refused"), source="test")

    assert result.status == IngestResult.QUARANTINED
    assert result.reason.startswith("could not be stored as a message: DataError: value too long")


def test_a_database_outage_is_raised_so_the_mail_is_kept_for_later(monkeypatch):
    def away(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(intake, "message_receive", away)

    with pytest.raises(OperationalError):
        email_ingest(mail("later"), source="test")
    assert not QuarantinedEmail.objects.exists()


def test_a_parser_bug_quarantines_that_mail_and_nothing_else(monkeypatch):
    def bug(raw):
        raise IndexError("list index out of range")

    monkeypatch.setattr(intake, "email_parse", bug)
    result = email_ingest(mail("bug"), source="test")
    assert result.reason == "parser failed: IndexError: list index out of range"


def test_files_of_a_rolled_back_message_are_removed(monkeypatch, media_root):
    def fail(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(case_intake, "after_message", fail)
    with pytest.raises(RuntimeError):
        email_ingest(with_pdf("rollback"), source="test")

    assert not Attachment.objects.exists() and not Message.objects.exists()
    files = [f for _, _, names in os.walk(media_root) for f in names]
    assert files == []


def test_the_mailbox_poll_is_scheduled_every_minute_and_idle_without_imap(settings):
    from cases.tasks import mailbox_poll

    # Run the data migration again (idempotent): a transactional test that ran earlier may have
    # flushed the rows the migrations created.
    migration = import_module("cases.migrations.0010_mailbox_poll_schedule")
    migration.forwards(django_apps, None)
    migration.forwards(django_apps, None)
    schedule = Schedule.objects.get(func="cases.tasks.mailbox_poll")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
    settings.IMAP_HOST = ""
    assert mailbox_poll() == 0


# Quarantine in the admin: supervisors read it, nobody edits it, nothing renders as HTML.


@pytest.fixture
def quarantined(db):
    raw = b"Subject: <script>alert(1)</script>\r\n\r\n<b>no sender</b>\x00"
    return email_ingest(raw, source="test").quarantine


def test_a_supervisor_reads_quarantined_mail_escaped(client, supervisor, quarantined):
    client.force_login(supervisor)
    listing = client.get(reverse("admin:cases_quarantinedemail_changelist"))
    assert listing.status_code == 200 and b"no usable sender" in listing.content
    page = client.get(reverse("admin:cases_quarantinedemail_change", args=[quarantined.pk]))
    assert page.status_code == 200
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert(1)" not in page.content and b"<b>no sender" not in page.content


def test_quarantined_mail_cannot_be_changed_or_deleted(client, supervisor, quarantined):
    client.force_login(supervisor)
    change = reverse("admin:cases_quarantinedemail_change", args=[quarantined.pk])
    assert client.post(change, {"reason": "fine"}).status_code == 403
    delete = reverse("admin:cases_quarantinedemail_delete", args=[quarantined.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:cases_quarantinedemail_add")).status_code == 403
    assert QuarantinedEmail.objects.get().reason == quarantined.reason


def test_an_agent_cannot_see_quarantined_mail(client, agent, quarantined):
    client.force_login(agent)
    response = client.get(reverse("admin:cases_quarantinedemail_changelist"))
    assert response.status_code == 302


def test_a_supervisor_lists_attachments_without_a_download(client, supervisor):
    result = email_ingest(with_pdf("listed"), source="test")
    client.force_login(supervisor)
    listing = client.get(reverse("admin:cases_attachment_changelist"))
    assert listing.status_code == 200 and b"a.pdf" in listing.content
    (stored,) = result.message.attachments.all()
    page = client.get(reverse("admin:cases_attachment_change", args=[stored.pk]))
    assert page.status_code == 200 and stored.file.name.encode() not in page.content


@pytest.mark.parametrize(
    ("limit", "value"),
    [("EMAIL_MAX_BYTES", 10_000), ("EMAIL_MAX_PARTS", 1), ("EMAIL_MAX_HEADER_BYTES", 100)],
    ids=["size", "parts", "headers"],
)
def test_mail_refused_on_its_raw_limits_keeps_its_sender_and_subject(settings, limit, value):
    setattr(settings, limit, value)
    raw = with_pdf("refused", 20_000)
    result = email_ingest(raw, source="test")
    assert result.status == IngestResult.QUARANTINED
    quarantined = result.quarantine
    assert (quarantined.sender, quarantined.subject) == ("ada@example.com", "Where is my order?")
