"""The case, its messages and its append-only history.

The lifecycle lives here and nowhere else: the FSM on `Case`. Guards read stored facts (the
current suggestion's routing decision, open confirmations) and import nothing from `review`.
State changes go through `cases.services.case_transition`, which locks, re-checks, saves and
writes exactly one `CaseEvent`.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

# No 0/O, 1/I/L: references are read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8  # 31**8 ≈ 8.5e11: not guessable by enumeration, still easy to read.


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


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


# Permissions of transitions. django-fsm-2 only advises them: the transition path checks them.
def nobody(case, user) -> bool:
    """Transitions driven only by the system or by the customer's link, never by a staff user."""
    return False


def may_work(case, user) -> bool:
    """Agents work cases; a case in progress belongs to its assignee (and supervisors)."""
    if not user.has_perm("cases.work_case"):
        return False
    if case.state == State.IN_PROGRESS and case.assignee_id not in (None, user.pk):
        return user.has_perm("cases.handle_escalated")
    return True


def may_handle(case, user) -> bool:
    """Escalated cases belong to supervisors."""
    if case.state == State.ESCALATED:
        return user.has_perm("cases.handle_escalated")
    return may_work(case, user)


def may_decide(case, user) -> bool:
    """Approve or amend: the approver may act on the risk class; four eyes are two people."""
    if not may_handle(case, user):
        return False
    suggestion = case.current_suggestion
    if suggestion is None:
        return True  # nothing to decide yet: the guard refuses, as a conflict
    if suggestion.risk_class == "legal" and not user.has_perm("cases.decide_legal"):
        return False
    # Four eyes: whoever approved already cannot be the second pair.
    return not (suggestion.four_eyes and suggestion.approvals.filter(user=user).exists())


# The statuses of a review item a human still has to look at: what review's
# `ReviewItem.objects.open()` selects (tests/cases/test_selectors.py keeps the two in step).
OPEN_REVIEW_STATUSES = ("open", "claimed")


def open_review_items():
    """The open review items, reached through `Case.review_items`: cases never imports review."""
    items = Case._meta.get_field("review_items").related_model
    return items._default_manager.filter(status__in=OPEN_REVIEW_STATUSES)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=[State.RESOLVED, State.CLOSED])

    def with_intent(self, slug: str):
        """Cases whose current suggestion has this intent."""
        return self.filter(current_suggestion__intent__slug=slug)

    def with_open_review_reason(self, code: str):
        """Cases whose open review item lists this reason code: what the queue's facet counts.

        The current suggestion's codes alone do not count: a human is asked to look at a case
        through its open review item, and only those reasons are shown and counted.
        """
        # The JSON list as text (portable to SQLite); quoted, so a code matches only whole.
        items = open_review_items().filter(reason_codes__icontains=f'"{code}"')
        return self.filter(pk__in=items.values("case_id"))

    def with_open_reasons(self):
        """Annotate `open_reasons`: the codes of the case's open review item (at most one)."""
        items = open_review_items().filter(case=OuterRef("pk")).values("reason_codes")
        return self.annotate(open_reasons=Subquery(items[:1]))

    def search(self, text: str):
        """The reference ("#K7M2ABCD" too), the customer's address or name, the subject."""
        return self.filter(
            models.Q(reference=text.upper().lstrip("#"))
            | models.Q(customer__email__icontains=text)
            | models.Q(customer__name__icontains=text)
            | models.Q(subject__icontains=text)
        )

    def awaiting_suggestion(self):
        return self.filter(state=State.NEW)

    def awaiting_review(self):
        return self.filter(state__in=[State.IN_REVIEW, State.ESCALATED])

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def for_customer_thread(self, customer):
        """Cases a new message of this customer may continue (newest first)."""
        return self.filter(customer=customer).order_by("-created_at")

    def quiet_resolved(self, days: int, now=None):
        since = (now or timezone.now()) - timedelta(days=days)
        return self.filter(state=State.RESOLVED, resolved_at__lt=since)


class Case(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(
        max_length=REFERENCE_LENGTH, unique=True, default=new_reference, editable=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="cases"
    )
    subject = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=20, default="api")
    language = models.CharField(max_length=8, default="en")
    state = FSMField(default=State.NEW, choices=State.choices, protected=True, db_index=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    current_suggestion = models.ForeignKey(
        "review.Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the customer is asked to decide (options or an adjustment); bumped on every proposal
    # so that a link to an older proposal can never decide the newer one.
    proposal_version = models.PositiveIntegerField(default=0)
    proposal = models.JSONField(default=dict, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    previous_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "-priority", "created_at"]
        permissions = [
            ("work_case", "Can work cases (agent)"),
            ("handle_escalated", "Can decide escalated cases (supervisor)"),
            ("decide_legal", "Can approve suggestions with legal risk"),
            ("submit_message", "Can submit inbound messages through the API"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            # The queue: open cases in due order; a partial index stays small as history grows.
            models.Index(
                fields=["due_at", "-priority", "id"],
                condition=models.Q(state__in=["in_review", "escalated", "in_progress"]),
                name="case_actionable_due_idx",
            ),
            # The queue's counts by state: (state, id) of open cases only, so the count is an
            # index-only scan of a few thousand entries, not a heap visit per open case.
            models.Index(
                fields=["state", "id"],
                condition=models.Q(
                    state__in=["new", "in_review", "escalated", "in_progress", "awaiting_customer"]
                ),
                name="case_open_state_idx",
            ),
            # The case page's "other cases of this customer", newest first: a few index entries
            # per customer instead of a backward scan of all cases by `created_at`.
            models.Index(fields=["customer", "created_at"], name="case_customer_created_idx"),
        ]

    def __str__(self):
        return self.reference

    def set_priority(self, priority: int) -> None:
        """Raise or lower the priority; the due time follows the SLA from creation."""
        self.priority = priority
        self.due_at = self.created_at + timedelta(hours=SLA_HOURS[Priority(priority)])

    # Guards: pure predicates over stored facts.
    def has_suggestion(self) -> bool:
        return self.current_suggestion_id is not None

    def suggestion_is_automatable(self) -> bool:
        return self.has_suggestion() and self.current_suggestion.automatable

    def suggestion_needs_review(self) -> bool:
        return self.has_suggestion() and not self.current_suggestion.automatable

    def has_open_confirmation(self) -> bool:
        return self.confirmations.open().filter(proposal_version=self.proposal_version).exists()

    def confirmation_deadline_passed(self) -> bool:
        pending = self.confirmations.pending().filter(proposal_version=self.proposal_version)
        return pending.exists() and not pending.filter(expires_at__gt=timezone.now()).exists()

    @staticmethod
    def target_for(action: str) -> str:
        """Replies resolve the case; choices and adjustments wait for the customer."""
        if action in (ActionKind.CHOOSE, ActionKind.CONFIRM):
            return State.AWAITING_CUSTOMER
        return State.RESOLVED

    # Transitions. Bodies stay empty of side effects: `case_transition` records and enqueues.
    @transition(
        field=state,
        source=State.NEW,
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[suggestion_is_automatable],
        permission=nobody,
        custom={"by": {SYSTEM}, "label": _("Automate")},
    )
    def automate(self):
        return self.target_for(self.current_suggestion.action)

    @transition(
        field=state,
        source=State.NEW,
        target=State.IN_REVIEW,
        conditions=[suggestion_needs_review],
        permission=nobody,
        custom={"by": {SYSTEM}, "label": _("Route to review")},
    )
    def route_to_review(self):
        pass

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[has_suggestion],
        permission=may_decide,
        custom={"by": {STAFF}, "label": _("Approve")},
    )
    def approve(self, action: str = ""):
        return self.target_for(action or self.current_suggestion.action)

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[has_suggestion],
        permission=may_decide,
        custom={"by": {STAFF}, "label": _("Amend and approve")},
    )
    def amend(self, action: str = ""):
        return self.target_for(action or self.current_suggestion.action)

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=State.IN_PROGRESS,
        permission=may_handle,
        custom={"by": {STAFF}, "label": _("Take over")},
    )
    def take_over(self, user=None):
        self.assignee = user

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.IN_PROGRESS],
        target=State.ESCALATED,
        permission=may_work,
        custom={"by": {STAFF}, "label": _("Escalate")},
    )
    def escalate(self):
        pass

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.RESOLVED,
        permission=may_work,
        custom={"by": {STAFF}, "label": _("Reply and resolve")},
    )
    def reply(self):
        pass

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.AWAITING_CUSTOMER,
        permission=may_work,
        custom={"by": {STAFF}, "label": _("Propose to customer")},
    )
    def propose(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CUSTOMER,
        target=State.RESOLVED,
        conditions=[has_open_confirmation],
        permission=nobody,
        custom={"by": {CUSTOMER}, "label": _("Customer accepts")},
    )
    def customer_accept(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CUSTOMER,
        target=State.IN_REVIEW,
        conditions=[has_open_confirmation],
        permission=nobody,
        custom={"by": {CUSTOMER}, "label": _("Customer declines")},
    )
    def customer_decline(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CUSTOMER,
        target=State.IN_REVIEW,
        conditions=[confirmation_deadline_passed],
        permission=nobody,
        custom={"by": {SYSTEM}, "label": _("Expire")},
    )
    def expire(self):
        pass

    # DESIGN: a customer message while awaiting_customer routes the case back to review
    # (`customer_replied`); that is this transition too, from awaiting_customer.
    @transition(
        field=state,
        source=[State.RESOLVED, State.AWAITING_CUSTOMER],
        target=State.IN_REVIEW,
        permission=nobody,
        custom={"by": {SYSTEM, CUSTOMER}, "label": _("Reopen")},
    )
    def reopen(self):
        pass

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.CLOSED,
        permission=may_work,
        custom={"by": {STAFF, SYSTEM}, "label": _("Close")},
    )
    def close(self):
        pass


class StaffProfile(models.Model):
    """What a staff user chose for themselves: the workspace's language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    def __str__(self):
        return f"{self.user} ({self.language})"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class AuthorKind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        AI = "ai", _("AI")
        SYSTEM = "system", _("System")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(max_length=20, default="api")
    subject = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text=_("Sanitised HTML, if the message had any."))
    # What the engine reads: the text without quoted history and signature (email); empty when
    # that is the whole text. `text` keeps everything the customer sent.
    engine_text = models.TextField(blank=True)
    # Why a message is machine-made (auto_replied, bounce, mailing_list, …): stored, never
    # answered, never read as customer intent. Empty for a person's message.
    automatic = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    # Outbound messages are their own outbox: sent once, by the task that claims them.
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_external_id_per_channel",
            )
        ]

    def __str__(self):
        return f"{self.get_direction_display()} message on {self.case_id}"

    @property
    def text_for_engine(self) -> str:
        return self.engine_text or self.text

    @property
    def is_automatic(self) -> bool:
        return bool(self.automatic)


def attachment_storage():
    """Attachments' storage: MEDIA_ROOT, files readable by the app's user only."""
    return ATTACHMENT_STORAGE


ATTACHMENT_STORAGE = FileSystemStorage(
    file_permissions_mode=0o600, directory_permissions_mode=0o700
)


def attachment_path(instance, filename: str) -> str:
    """A generated name: nothing of the sender's file name reaches the disk."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A file that came with an inbound message. Never served inline: it may be anything."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    # Empty when the file was refused (see `rejected`): the message is kept all the same.
    file = models.FileField(
        upload_to=attachment_path, storage=attachment_storage, blank=True, max_length=200
    )
    filename = models.CharField(
        max_length=255, help_text=_("The sender's name for it, cleaned; for display only.")
    )
    declared_type = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(
        max_length=100, help_text=_("What the bytes are, by their signature.")
    )
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=255, blank=True)
    rejected = models.CharField(
        max_length=200, blank=True, help_text=_("Why the file was not stored, if it was not.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.filename

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, ".bin")

    @classmethod
    def store(cls, *, message: Message, item) -> str:
        """Save a parsed attachment (and its file, unless refused); return the file's name."""
        attachment = cls(
            message=message,
            filename=item.filename[:255],
            declared_type=item.declared_type[:100],
            content_type=item.content_type[:100],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest() if item.data else "",
            inline=item.inline,
            content_id=item.content_id[:255],
            rejected=item.rejected[:200],
        )
        if not item.rejected:
            attachment.file.save("upload", ContentFile(item.data), save=False)
        attachment.save()
        return attachment.file.name or ""

    @staticmethod
    def discard(names: list[str]) -> None:
        """Remove files whose rows were rolled back."""
        storage = attachment_storage()
        for name in names:
            if name:
                storage.delete(name)


# Extensions of stored files, from the sniffed type; anything else is ".bin".
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "message/rfc822": ".eml",
    "application/zip": ".zip",
    "application/gzip": ".gz",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
}


class QuarantinedEmail(models.Model):
    """An email that could not become a message, kept raw with the reason, for supervisors."""

    raw = models.BinaryField()
    truncated = models.BooleanField(
        default=False, help_text=_("Only the beginning is kept: the mail was over the limit.")
    )
    size = models.PositiveBigIntegerField(help_text=_("Bytes as received."))
    sha256 = models.CharField(max_length=64, unique=True)
    reason = models.TextField()
    source = models.CharField(max_length=40, blank=True)
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "quarantined emails"

    def __str__(self):
        return f"{self.sender or 'unknown sender'}: {self.reason}"


class AppendOnlyError(Exception):
    pass


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("case events are never updated")

    def delete(self):
        raise AppendOnlyError("case events are never deleted")


class CaseEvent(models.Model):
    """What happened to a case, who did it and why. Append-only (also in PostgreSQL)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    name = models.CharField(max_length=40, help_text=_("The transition, or the kind of event."))
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor_kind = models.CharField(max_length=12, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation = models.ForeignKey(
        "customers.ConfirmationRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion = models.ForeignKey(
        "review.Suggestion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    model_version = models.CharField(max_length=80, blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    reason_codes = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.name} {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("case events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("case events are never deleted")

    @property
    def is_transition(self) -> bool:
        return self.from_state != self.to_state

    @property
    def actor_display(self) -> str:
        if self.actor_user_id:
            return self.actor_user.get_full_name() or self.actor_user.get_username()
        return self.get_actor_kind_display()


def transitions_of(model=Case) -> dict[str, list]:
    """Every transition declared on the model: name → its `Transition`s (one per source)."""
    found: dict[str, list] = {}
    for name in dir(model):
        meta = getattr(getattr(model, name, None), "_django_fsm", None)
        if meta is not None:
            found[name] = list(meta.transitions.values())
    return found


TRANSITION_NAMES = tuple(sorted(transitions_of()))


# The REST API's idempotency keys, and webhooks (subscriptions and their outbox).


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key` header: claimed before it runs, answer kept 24 h.

    `status_code` is empty while the first request is in flight; a retry with the same key
    and the same request gets the stored answer, with another request a 422.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the request body."))
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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

    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, help_text=_("http:// or https:// URL receiving POSTs."))
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text=_("Signs every delivery (HMAC-SHA256); share it with the receiver only."),
    )
    event_types = models.JSONField(
        default=all_webhook_events,
        help_text=_("Event types sent here: case.transitioned, customer.decided, review.needed."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name or self.url

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

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
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(help_text=_("The same for every endpoint the event goes to."))
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="webhook_deliveries"
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
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
