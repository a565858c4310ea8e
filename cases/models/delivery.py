"""Mail that stays in its outbox until a server accepts it: the replies (`Message`) and the
customers' emails (`customers.EmailOutbox`) share these fields and this rule.

A temporary failure (the server is away, a 4xx) is tried again with growing pauses; a
permanent one (a 5xx), or `MAIL_MAX_ATTEMPTS` failures, makes the mail undelivered, and the
case goes back to a person (`cases.delivery`).
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Pauses after the 1st, 2nd, … failed attempt (then the last one again).
BACKOFF_SECONDS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
# What a send may raise that says something about the mail or the server, not about our code.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def is_permanent(error: BaseException) -> bool:
    """A 5xx from the server is final; no connection, a timeout or a 4xx is worth a retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def describe(error: BaseException) -> str:
    """The server's answer ("550 5.1.1 No such user"), without the customer's address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, message = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, message = error.smtp_code, error.smtp_error
    else:
        return f"{type(error).__name__}: {error}"[:500]
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}"[:500]


class Delivery(models.Model):
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivery_error = models.CharField(_("delivery error"), max_length=500, blank=True)
    undelivered_at = models.DateTimeField(_("undelivered since"), null=True, blank=True)

    class Meta:
        abstract = True

    def attempt_failed(self, error: BaseException, now) -> bool:
        """Record a failed attempt; True when it is final (the mail is undelivered)."""
        self.attempts += 1
        self.delivery_error = describe(error)
        if is_permanent(error) or self.attempts >= settings.MAIL_MAX_ATTEMPTS:
            self.undeliverable(self.delivery_error, now)
            return True
        pause = BACKOFF_SECONDS[min(self.attempts, len(BACKOFF_SECONDS)) - 1]
        self.next_attempt_at = now + timedelta(seconds=pause)
        return False

    def undeliverable(self, reason: str, now) -> None:
        """Never tried again: refused for good, tried too often, or bounced later."""
        self.undelivered_at, self.next_attempt_at, self.delivery_error = now, None, reason[:500]

    DELIVERY_FIELDS = ["attempts", "next_attempt_at", "delivery_error", "undelivered_at"]
