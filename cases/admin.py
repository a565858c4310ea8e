from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Subquery
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin

from cases.admin_labels import LabelledDateTimesMixin
from cases.models import (
    STAFF,
    Case,
    CaseEvent,
    Macro,
    Message,
    Priority,
    SlaTarget,
    Tag,
    WebhookDelivery,
    transitions_of,
)
from cases.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from cases.transitions import Actor, TransitionError, case_transition

# What each button does, as its tooltip (django-fsm-2 shows "None" where none is given).
TRANSITION_HELP = {
    "approve": _("Send the AI's suggestion as it is, and resolve or ask the customer."),
    "amend": _("Send a changed suggestion; the change teaches the AI."),
    "take_over": _("Make the case yours; the AI's suggestion counts as rejected."),
    "escalate": _("Hand the case to a supervisor, with a reason."),
    "reply": _("Answer the customer and resolve the case."),
    "reply_and_wait": _("Answer the customer and keep the case open for their reply."),
    "propose": _("Offer the customer options or a change to accept."),
    "close": _("Close the case: no more work and no reply to the customer."),
    "merge": _("Close this case into the one it repeats."),
}


class TransitionAdminMixin(FSMAdminMixin):
    """django-fsm-2's transition buttons, run through the one transition path.

    `case_transition` locks, checks the permission again on the POST (4.2.4's admin does not),
    writes the event and enqueues effects; its refusals become admin messages.
    """

    fsm_fields = ["state"]  # each transition's form is the one it declares (`custom["form"]`)
    # But approve and take over are one click: approve sends the suggestion shown on the page
    # as it is (a changed text goes through amend's form); neither forces a held case.
    fsm_forms = {"approve": None, "take_over": None}

    def is_fsm_transition_visible(self, transition) -> bool:
        return STAFF in transition.custom.get("by", ())

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return _("Move the case on")

    def get_fsm_label(self, transition) -> str:
        return str(transition.custom.get("label") or transition.name.replace("_", " "))

    def get_help_text(self, transition) -> str:
        return str(TRANSITION_HELP.get(transition.name, ""))

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        try:
            case_transition(
                case=obj,
                name=transition_name,
                actor=Actor.staff(request.user),
                payload=dict(kwargs or {}),
            )
        except TransitionError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return False
        label = self.get_fsm_label(transitions_of()[transition_name][0])
        self.message_user(request, _("%(action)s: done.") % {"action": label})
        return True


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["subject", "priority", "assignee", "due_at"]
        labels = {
            "subject": _("Subject"),
            "priority": _("Priority"),
            "assignee": _("Assigned to"),
            "due_at": _("Due (resolution)"),
        }
        help_texts = {
            "subject": _("As the customer wrote it; shown in the queue."),
            "priority": _("Sets the due times from the SLA targets of this priority."),
            "assignee": _("The agent who decides this case; empty: anyone may claim it."),
            "due_at": _("When the case should be resolved (the queue's order)."),
        }


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "direction", "author_kind", "subject", "text", "sent_at"]
    readonly_fields = fields


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = [
        "created_at",
        "name",
        "from_state",
        "to_state",
        "actor_kind",
        "actor_user",
        "reason_codes",
        "comment",
        "model_version",
        "policy_version",
    ]
    readonly_fields = fields


class ReasonCodeFilter(admin.SimpleListFilter):
    """Cases a human was asked to look at for this reason (any review item, open or decided)."""

    title = _("reason code")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        codes = set()
        reviewed = Case.objects.values_list("review_items__reason_codes", flat=True).distinct()
        for combination in reviewed:
            codes.update(combination or [])
        return [(code, code) for code in sorted(codes)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The JSON list as text (portable to SQLite); quoted, so a code matches only whole.
        reviewed = Case.objects.filter(review_items__reason_codes__icontains=f'"{self.value()}"')
        return queryset.filter(pk__in=Subquery(reviewed.values("pk")))


@admin.register(Case)
class CaseAdmin(LabelledDateTimesMixin, TransitionAdminMixin, admin.ModelAdmin):
    form = CaseAdminForm
    list_display = [
        "reference",
        "state",
        "customer",
        "intent",
        "subject",
        "priority",
        "assignee",
        "due_at",
        "created_at",
    ]
    list_filter = [
        "state",
        ("current_suggestion__intent", admin.RelatedFieldListFilter),
        ReasonCodeFilter,
        "assignee",
        "created_at",
        "priority",
        "channel",
    ]
    date_hierarchy = "created_at"
    search_fields = [
        "reference__iexact",
        "customer__email",
        "customer__name",
        "subject",
        "messages__text",
    ]
    list_select_related = ["customer", "assignee", "current_suggestion__intent"]
    readonly_fields = [
        "reference",
        "customer",
        "channel",
        "language",
        "current_suggestion",
        "proposal_version",
        "proposal",
        "outcome",
        "previous_case",
        "created_at",
        "resolved_at",
        "closed_at",
    ]
    fields = [
        "reference",
        "state",
        "subject",
        "priority",
        "assignee",
        "due_at",
        *readonly_fields[1:],
    ]
    inlines = [MessageInline, CaseEventInline]
    # Inlines of the apps above the core, shown between the messages and the history
    # (review adds the case's suggestions in its admin module).
    extra_inlines: list = []
    show_full_result_count = False

    @admin.display(description=_("intent"), ordering="current_suggestion__intent__slug")
    def intent(self, case):
        suggestion = case.current_suggestion
        return suggestion.intent if suggestion and suggestion.intent else "—"

    def get_inlines(self, request, obj):
        return [MessageInline, *self.extra_inlines, CaseEventInline]

    def get_search_results(self, request, queryset, search_term):
        # References are written "#K7M2ABCD" in subjects and emails; people paste them so.
        return super().get_search_results(request, queryset, search_term.replace("#", " "))

    def has_add_permission(self, request):
        return False  # cases come from intake, never from a blank form

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """The history, read-only for everyone: no add, change or delete, not even for superusers."""

    list_display = [
        "created_at",
        "case",
        "name",
        "from_state",
        "to_state",
        "actor_kind",
        "actor_user",
        "policy_version",
    ]
    list_filter = ["name", "actor_kind", "to_state", "created_at"]
    search_fields = ["=case__reference"]
    list_select_related = ["case", "actor_user"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The webhook delivery log (the outbox to downstream systems), read-only for supervisors."""

    list_display = [
        "created_at",
        "event_type",
        "case",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "sent_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["=case__reference", "=event_id"]
    list_select_related = ["case", "endpoint"]
    date_hierarchy = "created_at"
    show_full_result_count = False


# Quarantined mail and attachments (email in).
from cases.mail import admin as mail_admin  # noqa: E402, F401


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    """Canned replies: supervisors keep them, agents put them into the reply on the case page."""

    list_display = ["name", "language", "active", "updated_at"]
    list_filter = ["language", "active"]
    search_fields = ["name", "text"]
    ordering = ["name", "language"]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Supervisors set the targets (the roles grant view and change); the admin's history
    records each change with who made it, and the row keeps the last editor."""

    list_display = [
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "changed_by",
        "updated_at",
    ]
    list_editable = ["first_response_minutes", "resolution_minutes"]
    readonly_fields = ["changed_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The priority of a row is what cases look it up by: set once, when the row is added.
        return [*self.readonly_fields, "priority"] if obj else self.readonly_fields

    def has_add_permission(self, request):
        missing = SlaTarget.objects.count() < len(Priority.choices)
        return missing and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # without a row the code's defaults apply, silently: change it instead

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Supervisors keep the tags that agents put on cases (docs/bulk.md)."""

    list_display = ["name", "colour", "case_count"]
    search_fields = ["name"]
    exclude = ["cases"]  # set on the case page and in bulk, each time with an event

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(case_count=Count("cases"))

    @admin.display(description=_("Cases"), ordering="case_count")
    def case_count(self, tag):
        return tag.case_count
