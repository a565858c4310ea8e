"""Poll a mailbox over IMAP (TLS or STARTTLS): ingest each mail, then move it aside.

A mail is moved to the processed folder only after `email_ingest` stored it (as a message or
in quarantine), so a crash between the two leaves it in the inbox, and the next poll finds it
again; intake's idempotency on Message-ID makes that second delivery a no-op.
"""

import contextlib
import imaplib
import logging
import re
import ssl

from django.conf import settings

from cases.mail.intake import email_ingest

logger = logging.getLogger(__name__)
TIMEOUT = 60


def mailbox_poll() -> int:
    """Take up to IMAP_BATCH mails from IMAP_FOLDER; return how many were handled."""
    if not settings.IMAP_HOST:
        return 0
    folder, processed = settings.IMAP_FOLDER, settings.IMAP_PROCESSED_FOLDER
    imap = connect()
    handled = 0
    try:
        imap.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        ensure_folder(imap, processed)
        check(imap.select(quote(folder)), f"select {folder}")
        typ, data = imap.uid("SEARCH", None, "UNDELETED")
        check((typ, data), "search")
        uids = data[0].split()[: settings.IMAP_BATCH] if data and data[0] else []
        moves = "MOVE" in capabilities(imap)
        for uid in uids:
            raw = fetch(imap, uid)
            if raw is None:
                continue  # gone meanwhile (another poller, a person)
            result = email_ingest(raw, source=f"imap:{folder}"[:40])
            logger.info("imap %s uid %s: %s", folder, uid.decode(), result)
            move(imap, uid, processed, moves=moves)
            handled += 1
        if uids and not moves:
            imap.expunge()
        imap.close()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return handled


def connect() -> imaplib.IMAP4:
    """Connect with TLS from the first byte (IMAP_SSL) or upgrade with STARTTLS; never plain."""
    context = ssl.create_default_context(cafile=settings.IMAP_CA_FILE or None)
    if settings.IMAP_SSL:
        return imaplib.IMAP4_SSL(
            settings.IMAP_HOST, settings.IMAP_PORT, ssl_context=context, timeout=TIMEOUT
        )
    imap = imaplib.IMAP4(settings.IMAP_HOST, settings.IMAP_PORT, timeout=TIMEOUT)
    try:
        imap.starttls(ssl_context=context)
    except Exception:
        imap.shutdown()
        raise
    return imap


def capabilities(imap: imaplib.IMAP4) -> set[str]:
    """What the server offers now (after login it may offer more than in its greeting)."""
    typ, data = imap.capability()
    if typ != "OK" or not data or not data[0]:
        return set()
    return set(data[0].decode("ascii", errors="replace").upper().split())


def quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(response, what: str) -> None:
    typ, data = response
    if typ != "OK":
        raise imaplib.IMAP4.error(f"IMAP {what} failed: {data!r}")


def ensure_folder(imap: imaplib.IMAP4, name: str) -> None:
    typ, data = imap.list('""', quote(name))
    if typ == "OK" and any(item for item in data if item):
        return
    check(imap.create(quote(name)), f"create {name}")


def fetch(imap: imaplib.IMAP4, uid: bytes) -> bytes | None:
    typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb"BODY\[\]", item[0]):
            return item[1]
    return None


def move(imap: imaplib.IMAP4, uid: bytes, folder: str, *, moves: bool) -> None:
    """Move a handled mail aside (MOVE, RFC 6851; else COPY and mark it deleted)."""
    if moves:
        check(imap.uid("MOVE", uid, quote(folder)), f"move to {folder}")
        return
    check(imap.uid("COPY", uid, quote(folder)), f"copy to {folder}")
    check(imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), "mark deleted")
