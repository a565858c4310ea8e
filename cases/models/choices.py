"""The case workflow's vocabulary: states, actions, actors, priorities and who drives what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    ESCALATED = "escalated", _("Escalated")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class ActionKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    CHOOSE = "choose", _("Customer chooses an option")
    CONFIRM = "confirm", _("Customer confirms an adjustment")
    MANUAL = "manual", _("Manual handling")


class ActorKind(models.TextChoices):
    SYSTEM = "system", _("System")
    AI = "ai", _("AI")
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    CUSTOMER = "customer", _("Customer")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


# Time to first human decision or resolution, by priority.
SLA_HOURS = {Priority.LOW: 72, Priority.NORMAL: 24, Priority.HIGH: 8, Priority.URGENT: 4}

# Who may drive a transition: staff (permission-checked), the system, or the customer's link.
STAFF, SYSTEM, CUSTOMER = "staff", "system", "customer"
