"""What integrators use: the REST API's idempotency keys, webhook subscriptions and outbox."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key` header: claimed before it runs, answer kept 24 h.

    `status_code` is empty while the first request is in flight; a retry with the same key
    and the same request gets the stored answer, with another request a 422.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(
        _("request hash"), max_length=64, help_text=_("SHA-256 of the request body.")
    )
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"


class WebhookEvent(models.TextChoices):
    CASE_TRANSITIONED = "case.transitioned", _("A case changed state")
    CUSTOMER_DECIDED = "customer.decided", _("A customer accepted or declined a proposal")
    REVIEW_NEEDED = "review.needed", _("A case needs a human (in review or escalated)")


def all_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A downstream system's subscription: where to POST which events, signed with its secret."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("http:// or https:// URL receiving POSTs.")
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("Signs every delivery (HMAC-SHA256); share it with the receiver only."),
    )
    event_types = models.JSONField(
        _("event types"),
        default=all_webhook_events,
        help_text=_("Event types sent here: case.transitioned, customer.decided, review.needed."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name or self.url

    def clean(self):
        URLValidator(schemes=["http", "https"])(self.url)
        types = self.event_types
        if not isinstance(types, list) or not types or not set(types) <= set(WebhookEvent.values):
            raise ValidationError(
                {"event_types": _("A non-empty list of: %s.") % ", ".join(WebhookEvent.values)}
            )

    def wants(self, event_type: str) -> bool:
        types = self.event_types if isinstance(self.event_types, list) else []
        return self.is_active and event_type in types


class WebhookDelivery(models.Model):
    """One event for one endpoint: an outbox row, written in the transaction of its event.

    The worker claims due rows (`FOR UPDATE SKIP LOCKED`), POSTs them, and marks them sent, or
    retries with exponential backoff until the last attempt fails. A sent row is never re-sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(
        _("event ID"), help_text=_("The same for every endpoint the event goes to.")
    )
    event_type = models.CharField(_("event type"), max_length=40, choices=WebhookEvent.choices)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_deliveries",
        verbose_name=_("case"),
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_endpoint_and_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.event_type} to {self.endpoint} ({self.status})"
