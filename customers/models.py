"""Customers and the links through which they decide (customer-in-the-loop)."""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.formats import deadline_text
from cases.models.delivery import Delivery

# An erased customer's address (`customers.personal_data`): .invalid never resolves (RFC 2606).
ERASED_DOMAIN = "erased.invalid"


class CustomerQuerySet(models.QuerySet):
    def for_email(self, email: str, *, name: str = "", language: str = "") -> "Customer":
        """Return the customer with this address, creating them on first contact."""
        customer, created = self.get_or_create(
            email=email.strip().lower(), defaults={"name": name, "language": language or "en"}
        )
        if not created and name and not customer.name:
            customer.name = name
            customer.save(update_fields=["name", "updated_at"])
        return customer


class Customer(models.Model):
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="en", help_text=_("For emails and pages.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    @property
    def is_erased(self) -> bool:
        """Their personal data was erased (the row stays, pseudonymised)."""
        return self.email.endswith(f"@{ERASED_DOMAIN}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def derive_token(salt: str) -> str:
    """The link's token: an HMAC of a random salt under SECRET_KEY (256 bits).

    Neither the token nor anything that yields it without the secret key is stored: the
    database holds the salt and the token's SHA-256. Deriving it (rather than storing it
    for the mail task) lets a retried email carry the same working link.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"confirmation-link:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class ConfirmationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ConfirmationRequest.Status.PENDING)

    def for_digest(self, digest: str):
        """The request whose token has this SHA-256 (what a customer's session keeps), or None."""
        if not isinstance(digest, str) or len(digest) != 64:
            return None
        request = self.select_related("case__customer").filter(token_hash=digest).first()
        if request is None or not hmac.compare_digest(request.token_hash, digest):
            return None
        return request

    def open(self, now=None):
        return self.pending().filter(expires_at__gt=now or timezone.now())


class ConfirmationRequest(models.Model):
    """One question to the customer about one proposal version of one case.

    Only the SHA-256 of the link's token is stored, so a database dump gives no working links.
    """

    class Kind(models.TextChoices):
        CHOOSE = "choose", _("Choose one option")
        CONFIRM = "confirm", _("Accept or decline an adjustment")
        FEEDBACK = "feedback", _("Did the solution help?")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")

    DEFAULT_TTL = {Kind.CHOOSE: 3, Kind.CONFIRM: 7, Kind.FEEDBACK: 14}  # days

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="confirmations", verbose_name=_("case")
    )
    proposal_version = models.PositiveIntegerField(_("proposal version"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    adjustment = models.JSONField(_("adjustment"), default=dict, blank=True)
    # The text the question went out with (the approved reply): the emails and the thread
    # show the question as it was asked, even after a newer proposal.
    text = models.TextField(_("question asked"), blank=True, default="")
    salt = models.CharField(_("salt"), max_length=32, editable=False, default="")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    expires_at = models.DateTimeField(_("expires at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConfirmationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("confirmation request")
        verbose_name_plural = _("confirmation requests")
        ordering = ["-created_at"]
        constraints = [
            # A new proposal supersedes the old request: at most one pending request per case.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="one_pending_per_case"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for case {self.case.reference} v{self.proposal_version}"

    @classmethod
    def issue(cls, *, case, kind, options=(), adjustment=None, text="", ttl_days=None):
        """Supersede the case's pending request and create a new one."""
        cls.objects.filter(case=case).pending().update(status=cls.Status.SUPERSEDED)
        salt = secrets.token_hex(16)
        ttl = ttl_days or settings.CONFIRMATION_TTL_DAYS.get(kind, cls.DEFAULT_TTL[kind])
        return cls.objects.create(
            case=case,
            proposal_version=case.proposal_version,
            kind=kind,
            options=list(options),
            adjustment=adjustment or {},
            text=text,
            salt=salt,
            token_hash=hash_token(derive_token(salt)),
            expires_at=timezone.now() + timedelta(days=ttl),
        )

    def link_token(self) -> str:
        return derive_token(self.salt)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()

    def deadline_display(self) -> str:
        """Until when the link works, in the active language, with the time zone."""
        return deadline_text(self.expires_at)

    def option_ids(self) -> set[str]:
        return {str(option["id"]) for option in self.options}


def sender_domain() -> str:
    """The domain of DEFAULT_FROM_EMAIL, also when it has a display name ("Shop <a@shop.de>")."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


class EmailOutboxQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=EmailOutbox.Status.PENDING)


class EmailOutbox(Delivery):
    """One email to a customer, once: the unique key makes a retried job a no-op.

    The body is rendered when the mail is sent, never stored: a link's token must not sit in
    a database column.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("Please decide")
        REMINDER = "reminder", _("Reminder")
        DECIDED = "decided", _("Decision confirmed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        UNDELIVERED = "undelivered", _("Not delivered")

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="emails", verbose_name=_("case")
    )
    confirmation = models.ForeignKey(
        ConfirmationRequest,
        on_delete=models.PROTECT,
        related_name="emails",
        verbose_name=_("confirmation request"),
    )
    to_email = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="en")
    message_id = models.CharField(_("message ID"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EmailOutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("email to a customer")
        verbose_name_plural = _("email outbox")
        ordering = ["-created_at", "-pk"]

    DELIVERY_FIELDS = [*Delivery.DELIVERY_FIELDS, "status"]

    def undeliverable(self, reason: str, now) -> None:
        super().undeliverable(reason, now)
        self.status = self.Status.UNDELIVERED

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"

    @classmethod
    def queue(cls, *, kind: str, confirmation: ConfirmationRequest):
        """Create the outbox row for this email unless it exists; return (row, created)."""
        case = confirmation.case
        domain = sender_domain()
        return cls.objects.get_or_create(
            key=f"confirmation:{confirmation.pk}:{kind}",
            defaults={
                "kind": kind,
                "case": case,
                "confirmation": confirmation,
                "to_email": case.customer.email,
                "language": case.language or case.customer.language,
                "message_id": f"<{case.reference}.c{confirmation.pk}.{kind}@{domain}>",
            },
        )
