"""`manage.py ingest_email`: one mail on standard input; exit status 75 only when nothing could
be stored (an MTA then keeps the mail and retries)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import Message, QuarantinedEmail
from tests.mail.corpus import mail

ROOT = Path(__file__).resolve().parents[2]


def run_command(monkeypatch, raw: bytes, *args) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_mail_on_stdin_becomes_a_message(monkeypatch):
    output = run_command(monkeypatch, mail("stdin-1"))
    message = Message.objects.get(external_id="<stdin-1@corpus.test>")
    assert output == f"stored: case {message.case.reference}, message {message.pk}\n"
    assert run_command(monkeypatch, mail("stdin-1")).startswith("duplicate: case")


@pytest.mark.django_db
def test_an_unparseable_mail_is_quarantined_and_the_command_succeeds(monkeypatch):
    output = run_command(monkeypatch, b"garbage without any header\r\n", "--source", "postfix")
    assert output.startswith("quarantined (no usable sender")
    assert QuarantinedEmail.objects.get().source == "postfix"


@pytest.mark.django_db
def test_an_empty_envelope_sender_marks_a_bounce(monkeypatch):
    run_command(monkeypatch, mail("stdin-bounce"), "--sender", "")
    assert Message.objects.get().automatic == "bounce"


def manage(raw: bytes, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x" * 50,
        "DEBUG": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        cwd=ROOT,
        env=env,
        input=raw,
        capture_output=True,
        timeout=120,
    )


def test_the_exit_status_is_75_when_the_database_is_away():
    done = manage(mail("no-db"), "postgres://postgres@127.0.0.1:1/nowhere")
    assert done.returncode == 75, done.stderr
    assert b"not stored: OperationalError" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_exit_status_is_0_for_stored_and_for_quarantined_mail(postgres):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    stored = manage(mail("exit-0"), url)
    quarantined = manage(b"\x00\xff not a mail", url)

    assert (stored.returncode, quarantined.returncode) == (0, 0), stored.stderr
    assert stored.stdout.startswith(b"stored: case ")
    assert quarantined.stdout.startswith(b"quarantined (")
    assert Message.objects.filter(external_id="<exit-0@corpus.test>").exists()
    assert QuarantinedEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"DEBUG": "0", "SECRET_KEY": ""}, []),  # a setting missing: DEBUG off without a key
        ({"ENGINE_KEEP_VERSIONS": "1"}, []),  # a setting refused
        ({}, ["--no-such-option"]),  # a wrong argument in master.cf
    ],
    ids=["secret-key-missing", "bad-setting", "bad-argument"],
)
def test_a_configuration_failure_is_temporary_and_tells_no_traceback(env, args):
    """The MTA keeps the mail and retries; the sender never gets a traceback in a bounce."""
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings", "DEBUG": "1"}
    base["SECRET_KEY"] = "x" * 50
    done = subprocess.run(
        [sys.executable, "manage.py", "ingest_email", *args],
        cwd=ROOT,
        env={**base, **env},
        input=mail("config"),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 75, done.stderr
    assert b"Traceback" not in done.stderr and b"Traceback" not in done.stdout
