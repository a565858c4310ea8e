"""The case and its lifecycle: the FSM on `Case`, its choices, guards and permissions.

The lifecycle lives here and nowhere else. Guards read stored facts (the current suggestion's
routing decision, open confirmations) and import nothing from `review`. State changes go
through `cases.transitions.case_transition`, which locks, re-checks, saves and writes exactly
one `CaseEvent`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from cases.models.choices import CUSTOMER, STAFF, SYSTEM, ActionKind, Priority, State
from cases.models.permissions import may_decide, may_handle, may_work, nobody
from cases.models.queries import CASE_INDEXES, CaseQuerySet
from cases.models.reference import REFERENCE_LENGTH, new_reference
from cases.models.sla import SlaTarget


class Case(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_reference,
        editable=False,
    )
    customer = models.ForeignKey(
        "customers.Customer", models.PROTECT, related_name="cases", verbose_name=_("customer")
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    channel = models.CharField(_("channel"), max_length=20, default="api")
    language = models.CharField(_("language"), max_length=8, default="en")
    state = FSMField(
        _("state"), default=State.NEW, choices=State.choices, protected=True, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    # The resolution target's due time (the queue's order); the first answer's is
    # `first_response_due_at`. Both from `SlaTarget` when the case arrives (`set_priority`).
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    first_response_due_at = models.DateTimeField(_("first response due at"), null=True, blank=True)
    # The first reply or proposal that went to the customer (written in `carry_out`, once).
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    current_suggestion = models.ForeignKey(
        "review.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current suggestion"),
    )
    # The suggestion whose proposal went to the customer last (written where it is sent,
    # `carry_out`): it is not offered for approval again.
    sent_suggestion = models.ForeignKey(
        "review.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent suggestion"),
    )
    # What the customer is asked to decide (options or an adjustment); bumped on every proposal
    # so that a link to an older proposal can never decide the newer one.
    proposal_version = models.PositiveIntegerField(_("proposal version"), default=0)
    proposal = models.JSONField(_("proposal"), default=dict, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    previous_case = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("previous case"),
    )
    # Duplicates (docs/bulk.md): what intake found this case repeats, and where it was merged.
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_at", "-priority", "created_at"]
        permissions = [
            ("work_case", "Can work cases (agent)"),
            ("handle_escalated", "Can decide escalated cases (supervisor)"),
            ("decide_legal", "Can approve suggestions with legal risk"),
            ("submit_message", "Can submit inbound messages through the API"),
        ]
        indexes = CASE_INDEXES

    def __str__(self):
        return self.reference

    def set_priority(self, priority: int) -> None:
        """Raise or lower the priority; the due times follow its SLA targets from creation."""
        if priority == self.priority and self.due_at and self.first_response_due_at:
            return  # unchanged: no look-up of the targets
        self.priority = priority
        first_response, resolution = SlaTarget.objects.minutes_for(priority)
        self.first_response_due_at = self.created_at + timedelta(minutes=first_response)
        self.due_at = self.created_at + timedelta(minutes=resolution)

    def assign(self, user) -> None:
        """The one writer of the assignee: a claim, or taking the case over (on the locked row)."""
        self.assignee = user

    # Guards: pure predicates over stored facts.
    def has_suggestion(self) -> bool:
        return self.current_suggestion_id is not None

    def suggestion_unsent(self) -> bool:
        """The AI's proposal goes out once. After the customer said it did not help, declined it
        or let it lapse, a person writes anew: the same draft is not offered again."""
        return self.has_suggestion() and self.sent_suggestion_id != self.current_suggestion_id

    def suggestion_is_automatable(self) -> bool:
        return self.has_suggestion() and self.current_suggestion.automatable

    def suggestion_needs_review(self) -> bool:
        return self.has_suggestion() and not self.current_suggestion.automatable

    def customer_reachable(self) -> bool:
        """An erased customer is never written to; their open cases are closed or taken over."""
        return not self.customer.is_erased

    def customer_erased(self) -> bool:
        return self.customer.is_erased

    def has_open_confirmation(self) -> bool:
        return self.confirmations.open().filter(proposal_version=self.proposal_version).exists()

    def confirmation_deadline_passed(self) -> bool:
        pending = self.confirmations.pending().filter(proposal_version=self.proposal_version)
        return pending.exists() and not pending.filter(expires_at__gt=timezone.now()).exists()

    def has_merge_target(self) -> bool:
        """Set by the merge's form on the locked row: no case to merge into, no merge."""
        return self.merged_into_id is not None

    @staticmethod
    def target_for(action: str) -> str:
        """Replies resolve the case; choices and adjustments wait for the customer."""
        if action in (ActionKind.CHOOSE, ActionKind.CONFIRM):
            return State.AWAITING_CUSTOMER
        return State.RESOLVED

    # Transitions. Bodies stay empty of side effects: `case_transition` records and enqueues.
    # `custom["form"]` is what each takes (django-fsm-2's way of declaring a transition's
    # form); the others take `TransitionForm`: a comment, the state seen, the suggestion.
    @transition(
        field=state,
        source=State.NEW,
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[suggestion_is_automatable],
        permission=nobody,
        custom={
            "by": {SYSTEM},
            "label": _("Automate"),
            "form": "cases.transitions.forms.SuggestedForm",
        },
    )
    def automate(self):
        return self.target_for(self.current_suggestion.action)

    @transition(
        field=state,
        source=State.NEW,
        target=State.IN_REVIEW,
        conditions=[suggestion_needs_review],
        permission=nobody,
        custom={
            "by": {SYSTEM},
            "label": _("Route to review"),
            "form": "cases.transitions.forms.SuggestedForm",
        },
    )
    def route_to_review(self):
        pass

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[suggestion_unsent, customer_reachable],
        permission=may_decide,
        custom={
            "by": {STAFF},
            "label": _("Approve"),
            "form": "cases.transitions.forms.ApproveForm",
        },
    )
    def approve(self, action: str = ""):
        return self.target_for(action or self.current_suggestion.action)

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=RETURN_VALUE(State.RESOLVED, State.AWAITING_CUSTOMER),
        conditions=[suggestion_unsent, customer_reachable],
        permission=may_decide,
        custom={
            "by": {STAFF},
            "label": _("Amend and approve"),
            "form": "cases.transitions.forms.AmendForm",
        },
    )
    def amend(self, action: str = ""):
        return self.target_for(action or self.current_suggestion.action)

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED],
        target=State.IN_PROGRESS,
        permission=may_handle,
        custom={
            "by": {STAFF},
            "label": _("Take over"),
            "form": "cases.transitions.forms.TakeOverForm",
        },
    )
    def take_over(self, user=None):
        self.assign(user)

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.IN_PROGRESS],
        target=State.ESCALATED,
        permission=may_work,
        custom={
            "by": {STAFF},
            "label": _("Escalate"),
            "form": "cases.transitions.forms.EscalateForm",
        },
    )
    def escalate(self):
        pass

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.RESOLVED,
        conditions=[customer_reachable],
        permission=may_work,
        custom={
            "by": {STAFF},
            "label": _("Reply and resolve"),
            "form": "cases.transitions.forms.ReplyForm",
        },
    )
    def reply(self):
        pass

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.AWAITING_CUSTOMER,
        conditions=[customer_reachable],
        permission=may_work,
        custom={
            "by": {STAFF},
            "label": _("Reply and wait"),
            "form": "cases.transitions.forms.ReplyForm",
        },
    )
    def reply_and_wait(self):
        """Answer and keep the case open: no link to decide; the customer's reply reopens it."""

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.AWAITING_CUSTOMER,
        conditions=[customer_reachable],
        permission=may_work,
        custom={
            "by": {STAFF},
            "label": _("Propose to customer"),
            "form": "cases.transitions.forms.ProposeForm",
        },
    )
    def propose(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CUSTOMER,
        target=State.RESOLVED,
        conditions=[has_open_confirmation],
        permission=nobody,
        custom={
            "by": {CUSTOMER},
            "label": _("Customer accepts"),
            "form": "cases.transitions.forms.CustomerAcceptForm",
        },
    )
    def customer_accept(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CUSTOMER,
        target=State.IN_REVIEW,
        conditions=[has_open_confirmation],
        permission=nobody,
        custom={
            "by": {CUSTOMER},
            "label": _("Customer declines"),
            "form": "cases.transitions.forms.CustomerDeclineForm",
        },
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
        custom={
            "by": {SYSTEM, CUSTOMER},
            "label": _("Reopen"),
            "form": "cases.transitions.forms.ReopenForm",
        },
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
    # An erased customer's open case is closed unanswered (or taken over), never replied to.
    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED, State.IN_PROGRESS, State.AWAITING_CUSTOMER],
        target=State.CLOSED,
        conditions=[customer_erased],
        permission=may_handle,
        custom={"by": {STAFF, SYSTEM}, "label": _("Close")},
    )
    def close(self):
        pass

    # A duplicate closes into the case it repeats (cases.merging): not while the customer
    # decides on a link, not before the AI has read it (new).
    @transition(
        field=state,
        source=[State.IN_REVIEW, State.ESCALATED, State.IN_PROGRESS, State.RESOLVED],
        target=State.CLOSED,
        conditions=[has_merge_target],
        permission=may_handle,
        custom={
            "by": {STAFF},
            "label": _("Merge"),
            "form": "cases.transitions.forms.MergeForm",
        },
    )
    def merge(self):
        pass


def transitions_of(model=Case) -> dict[str, list]:
    """Every transition declared on the model: name → its `Transition`s (one per source)."""
    found: dict[str, list] = {}
    for declared in model._meta.get_field("state").get_all_transitions(model):
        found.setdefault(declared.name, []).append(declared)
    return found


TRANSITION_NAMES = tuple(sorted(transitions_of()))
