"""Customers and the links through which they decide (customer-in-the-loop)."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="en", help_text=_("For emails and pages."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConfirmationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ConfirmationRequest.Status.PENDING)

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

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="confirmations")
    proposal_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    options = models.JSONField(default=list, blank=True)
    adjustment = models.JSONField(default=dict, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConfirmationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A new proposal supersedes the old request: at most one pending request per case.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="one_pending_per_case"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for case {self.case_id} v{self.proposal_version}"

    @classmethod
    def issue(cls, *, case, kind, options=(), adjustment=None, ttl_days=None):
        """Supersede the case's pending request and create a new one; return (request, token)."""
        cls.objects.filter(case=case).pending().update(status=cls.Status.SUPERSEDED)
        token = secrets.token_urlsafe(32)  # 256 bits
        request = cls.objects.create(
            case=case,
            proposal_version=case.proposal_version,
            kind=kind,
            options=list(options),
            adjustment=adjustment or {},
            token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=ttl_days or cls.DEFAULT_TTL[kind]),
        )
        return request, token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(token))

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()

    def option_ids(self) -> set[str]:
        return {str(option["id"]) for option in self.options}
