"""The models of the case workflow, by topic; Django and the other apps import them from here."""

from cases.models.case import TRANSITION_NAMES, Case, transitions_of
from cases.models.choices import (
    CUSTOMER,
    SLA_HOURS,
    STAFF,
    SYSTEM,
    ActionKind,
    ActorKind,
    Priority,
    State,
)
from cases.models.history import (
    AppendOnlyError,
    AppendOnlyModel,
    AppendOnlyQuerySet,
    CaseEvent,
    CaseEventQuerySet,
)
from cases.models.integration import (
    IdempotencyKey,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    all_webhook_events,
    new_webhook_secret,
)
from cases.models.macros import Macro
from cases.models.message import (
    EXTENSIONS,
    Attachment,
    Message,
    QuarantinedEmail,
    attachment_path,
    attachment_storage,
)
from cases.models.permissions import may_decide, may_handle, may_work, nobody
from cases.models.queries import OPEN_REVIEW_STATUSES, CaseQuerySet, open_review_items
from cases.models.reference import REFERENCE_ALPHABET, REFERENCE_LENGTH, new_reference
from cases.models.sla import Notification, SlaTarget
from cases.models.staff import StaffProfile
from cases.models.tags import Tag

__all__ = [
    "CUSTOMER",
    "EXTENSIONS",
    "OPEN_REVIEW_STATUSES",
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "SLA_HOURS",
    "STAFF",
    "SYSTEM",
    "TRANSITION_NAMES",
    "ActionKind",
    "ActorKind",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseEventQuerySet",
    "CaseQuerySet",
    "IdempotencyKey",
    "Macro",
    "Message",
    "Notification",
    "Priority",
    "QuarantinedEmail",
    "SlaTarget",
    "StaffProfile",
    "State",
    "Tag",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "all_webhook_events",
    "attachment_path",
    "attachment_storage",
    "may_decide",
    "may_handle",
    "may_work",
    "new_reference",
    "new_webhook_secret",
    "nobody",
    "open_review_items",
    "transitions_of",
]
