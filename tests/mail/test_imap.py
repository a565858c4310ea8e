"""The IMAP poller against a real IMAP server: Debian's dovecot, started by the test as a
throwaway unprivileged instance on loopback (own config, passwd-file user, Maildir, TLS)."""

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import OperationalError

from cases.mail import imap as imap_module
from cases.mail.imap import mailbox_poll
from cases.models import Message, QuarantinedEmail
from tests.mail.corpus import mail

pytestmark = pytest.mark.django_db

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support@shop.example", "imap-test-password"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = backoffice-test-{imap_port}
protocols = imap
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


@dataclass
class Dovecot:
    imap_port: int  # STARTTLS
    imaps_port: int  # TLS from the first byte
    cafile: str

    def connect(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.cafile)
        client = imaplib.IMAP4_SSL("localhost", self.imaps_port, ssl_context=context)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *raws: bytes, folder: str = "INBOX") -> None:
        client = self.connect()
        try:
            for raw in raws:
                typ, _ = client.append(f'"{folder}"', None, None, raw)
                assert typ == "OK"
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.connect()
        try:
            typ, data = client.select(f'"{folder}"', readonly=True)
            return int(data[0]) if typ == "OK" else -1
        finally:
            client.logout()

    def create(self, folder: str) -> None:
        client = self.connect()
        try:
            client.create(f'"{folder}"')
        finally:
            client.logout()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    text = log.read_text() if log.exists() else ""
    raise RuntimeError(f"dovecot did not start (exit {process.poll()}):\n{text}")


@pytest.fixture(scope="module")
def dovecot():
    if not os.path.exists(DOVECOT) or not shutil.which("openssl"):
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is missing: .ci/run installs dovecot-imapd")
        pytest.skip("dovecot not installed (apt-get install -y dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
    # Unprivileged: as root, the instance runs as nobody; otherwise as whoever runs the tests.
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(account.pw_gid).gr_name
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    ports = {"imap_port": free_port(), "imaps_port": free_port()}
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            user=account.pw_name,
            group=group,
            uid=account.pw_uid,
            gid=account.pw_gid,
            **ports,
        )
    )
    command = [DOVECOT, "-F", "-c", str(root / "dovecot.conf")]
    if os.geteuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                   "--clear-groups", *command]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(ports["imaps_port"], process, root / "dovecot.log")
        wait_for_port(ports["imap_port"], process, root / "dovecot.log")
        yield Dovecot(cafile=str(root / "cert.pem"), **ports)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """Settings pointing the poller at the test server; the folders start empty."""
    settings.IMAP_HOST = "localhost"
    settings.IMAP_SSL = True
    settings.IMAP_PORT = dovecot.imaps_port
    settings.IMAP_CA_FILE = dovecot.cafile
    settings.IMAP_USER, settings.IMAP_PASSWORD = USER, PASSWORD
    settings.IMAP_FOLDER, settings.IMAP_PROCESSED_FOLDER = "INBOX", "Processed"
    client = dovecot.connect()
    try:
        for folder in ("INBOX", "Processed", "Customer mail", "Done mail"):
            typ, data = client.select(f'"{folder}"')
            if typ == "OK" and int(data[0]):
                client.store("1:*", "+FLAGS", "(\\Deleted)")
                client.expunge()
    finally:
        client.logout()
    return dovecot


def poll(capture) -> int:
    with capture(execute=True):
        return mailbox_poll()


def test_the_poller_ingests_new_mail_and_moves_it_aside(
    mailbox, django_capture_on_commit_callbacks
):
    mailbox.deliver(
        mail("imap-1"),
        mail("imap-2", "I am away.", headers=("Auto-Submitted: auto-replied",)),
        mail("imap-3", sender=None),  # no sender: quarantined, and the batch goes on
    )

    assert poll(django_capture_on_commit_callbacks) == 3

    stored = Message.objects.filter(
        external_id__in=["<imap-1@corpus.test>", "<imap-2@corpus.test>"]
    )
    assert stored.count() == 2
    assert stored.get(external_id="<imap-2@corpus.test>").automatic == "auto_replied"
    assert QuarantinedEmail.objects.get().source == "imap:INBOX"
    assert (mailbox.count("INBOX"), mailbox.count("Processed")) == (0, 3)
    assert poll(django_capture_on_commit_callbacks) == 0


def test_the_poller_speaks_starttls_and_takes_the_configured_folders(
    mailbox, settings, django_capture_on_commit_callbacks
):
    settings.IMAP_SSL, settings.IMAP_PORT = False, mailbox.imap_port
    settings.IMAP_FOLDER, settings.IMAP_PROCESSED_FOLDER = "Customer mail", "Done mail"
    mailbox.create("Customer mail")
    mailbox.deliver(mail("starttls-1"), folder="Customer mail")
    mailbox.deliver(mail("not-this-folder"), folder="INBOX")

    assert poll(django_capture_on_commit_callbacks) == 1

    assert Message.objects.get().external_id == "<starttls-1@corpus.test>"
    assert (mailbox.count("Customer mail"), mailbox.count("Done mail")) == (0, 1)
    assert mailbox.count("INBOX") == 1


def test_mail_that_could_not_be_stored_stays_in_the_inbox_for_the_next_poll(
    mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    mailbox.deliver(mail("first"), mail("second"), mail("third"))
    real = imap_module.email_ingest
    calls = []

    def database_away_on_the_second(raw, **kwargs):
        calls.append(raw)
        if len(calls) == 2:
            raise OperationalError("connection refused")
        return real(raw, **kwargs)

    monkeypatch.setattr(imap_module, "email_ingest", database_away_on_the_second)
    with pytest.raises(OperationalError):
        poll(django_capture_on_commit_callbacks)
    assert (mailbox.count("INBOX"), mailbox.count("Processed")) == (2, 1)

    monkeypatch.setattr(imap_module, "email_ingest", real)
    assert poll(django_capture_on_commit_callbacks) == 2
    assert Message.objects.count() == 3
    assert (mailbox.count("INBOX"), mailbox.count("Processed")) == (0, 3)


def test_a_server_certificate_that_is_not_trusted_is_refused(mailbox, settings):
    settings.IMAP_CA_FILE = ""  # the system's CAs do not know the test server's certificate
    mailbox.deliver(mail("untrusted"))

    with pytest.raises(ssl.SSLCertVerificationError):
        mailbox_poll()
    assert mailbox.count("INBOX") == 1 and not Message.objects.exists()


def test_a_batch_takes_at_most_imap_batch_mails(
    mailbox, settings, django_capture_on_commit_callbacks
):
    settings.IMAP_BATCH = 2
    mailbox.deliver(*(mail(f"batch-{i}", sender=f"c{i}@example.com") for i in range(3)))
    assert poll(django_capture_on_commit_callbacks) == 2
    assert poll(django_capture_on_commit_callbacks) == 1
