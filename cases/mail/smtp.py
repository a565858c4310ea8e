"""An SMTP or LMTP server (aiosmtpd) that a local MTA hands customer mail to.

The MTA does the internet-facing part (TLS, spam checks, retries); this receiver takes each
message once, stores it through `email_ingest` and answers 250 only after it is stored (as a
message or in quarantine). While the database is away it answers 451, and the MTA retries.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections, connections

from cases.mail.intake import email_ingest

logger = logging.getLogger(__name__)


def ingest(raw: bytes, *, source: str, envelope_from: str | None):
    """Run one intake in a worker thread: Django's ORM is synchronous."""
    close_old_connections()
    try:
        return email_ingest(raw, source=source, envelope_from=envelope_from)
    finally:
        close_old_connections()


class IngestHandler:
    def __init__(self, *, lmtp: bool = False):
        self.source = "lmtp" if lmtp else "smtp"
        self.lmtp = lmtp
        # One thread stores mail, one mail at a time: parsing a big mail takes several times its
        # size in memory, and the database takes the writes in turn anyway. Connections stay
        # open between mails (CONN_MAX_AGE), in this one thread.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def close(self) -> None:
        """Close the ingest thread's database connections, then the thread."""
        self.executor.submit(connections.close_all).result()
        self.executor.shutdown()

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        # "MAIL FROM:<>" (aiosmtpd keeps the brackets) is the null sender of delivery reports.
        sender = "" if envelope.mail_from in ("", "<>") else envelope.mail_from
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(
                self.executor, lambda: ingest(raw, source=self.source, envelope_from=sender)
            )
        except Exception:
            logger.exception("could not store a %d-byte mail; asking the MTA to retry", len(raw))
            return self.reply(
                "451 4.3.0 Could not store the message now, try again later", envelope
            )
        logger.info("%s mail from %s: %s", self.source, envelope.mail_from, result)
        return self.reply("250 2.0.0 Message accepted", envelope)

    def reply(self, status: str, envelope) -> str:
        # LMTP answers once per recipient (RFC 2033); the message is stored once for all.
        count = max(1, len(envelope.rcpt_tos)) if self.lmtp else 1
        return "\r\n".join([status] * count)


class Receiver(Controller):
    """aiosmtpd's threaded controller, speaking SMTP or LMTP."""

    def __init__(self, *, host: str, port: int, lmtp: bool = False, hostname: str | None = None):
        self.lmtp = lmtp
        super().__init__(
            IngestHandler(lmtp=lmtp),
            hostname=host,
            port=port,
            server_hostname=hostname,
            data_size_limit=settings.EMAIL_MAX_BYTES,
        )

    def factory(self):
        server = LMTP if self.lmtp else SMTP
        return server(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.handler.close()
