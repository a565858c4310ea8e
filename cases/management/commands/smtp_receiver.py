"""`manage.py smtp_receiver`: an SMTP or LMTP server for a local MTA to hand mail to."""

import signal
import threading

from django.core.management.base import BaseCommand

from cases.mail.smtp import Receiver


class Command(BaseCommand):
    help = (
        "Receive mail over SMTP (or LMTP with --lmtp) and store each message like ingest_email. "
        "Meant for a local MTA: listen on loopback, let the MTA face the internet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8025, help="Port to listen on.")
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")
        parser.add_argument("--hostname", default=None, help="Name in the greeting banner.")

    def handle(self, *args, host: str, port: int, lmtp: bool, hostname: str | None, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        receiver = Receiver(host=host, port=port, lmtp=lmtp, hostname=hostname)
        receiver.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"{protocol} receiver listening on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            receiver.stop()
            self.stdout.write(f"{protocol} receiver stopped")
