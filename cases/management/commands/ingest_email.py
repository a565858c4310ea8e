"""`manage.py ingest_email`: one RFC 822 message on standard input, for an MTA's pipe."""

import sys

from django.core.management.base import BaseCommand

from cases.mail.intake import email_ingest

# sysexits.h: an MTA keeps the mail and retries on EX_TEMPFAIL.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Store one email read from standard input: as a message on its case, as a duplicate of "
        "one already stored, or in quarantine with the reason. Exits 75 (EX_TEMPFAIL, the MTA "
        "retries) only when it could not be stored at all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default="stdin",
            help="Where the mail came from, kept with quarantined mail.",
        )
        parser.add_argument(
            "--sender",
            default=None,
            help='The envelope sender (e.g. Postfix\'s ${sender}); "" marks a bounce.',
        )

    def handle(self, *args, source: str, sender: str | None, **options):
        raw = sys.stdin.buffer.read()
        try:
            result = email_ingest(raw, source=source, envelope_from=sender)
        except Exception as error:
            self.stderr.write(f"not stored: {type(error).__name__}: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(str(result))
