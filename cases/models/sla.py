"""Service levels: the first-response and resolution targets per priority, and notifications."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.choices import SLA_HOURS, Priority


class SlaTargetQuerySet(models.QuerySet):
    def minutes_for(self, priority: int) -> tuple[int, int]:
        """(first response, resolution) in minutes for this priority; the defaults without a row."""
        row = self.filter(priority=priority).values_list(
            "first_response_minutes", "resolution_minutes"
        )
        found = row.first()
        if found is not None:
            return found
        default = SLA_HOURS[Priority(priority)] * 60
        return default, default


class SlaTarget(models.Model):
    """How soon a case of this priority gets its first answer and its resolution.

    Supervisors set them in the admin (its history records every change, with who made it);
    a case keeps the due times it was given when it arrived (`Case.set_priority`).
    """

    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, unique=True, verbose_name=_("priority")
    )
    first_response_minutes = models.PositiveIntegerField(
        verbose_name=_("first response within (minutes)"),
        help_text=_("The first reply or proposal to the customer."),
    )
    resolution_minutes = models.PositiveIntegerField(verbose_name=_("resolution within (minutes)"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SlaTargetQuerySet.as_manager()

    class Meta:
        ordering = ["-priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")

    def __str__(self):
        return str(Priority(self.priority).label)

    @property
    def first_response(self) -> timedelta:
        return timedelta(minutes=self.first_response_minutes)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know about a case: written from the case's events
    (`cases.notifications.notify`), never twice for one event and person."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        CUSTOMER_REPLY = "customer_reply", _("Customer replied")
        MENTION = "mention", _("Mentioned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("case")
    )
    event = models.ForeignKey(
        "cases.CaseEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Who did it, as the timeline names them; a note's beginning, for a mention.
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "kind"], name="notification_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.kind} {self.case_id} → {self.user_id}"
