from django import forms
from django.contrib import admin, messages
from django_fsm.admin import FSMAdminMixin

from cases.models import STAFF, Case, CaseEvent, Message
from cases.services import Actor, TransitionError, case_transition


class EscalateForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=2000)


class ReplyForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label="Reply to the customer")


class ProposeForm(forms.Form):
    options = forms.CharField(
        widget=forms.Textarea, help_text="One option per line, e.g. delivery dates."
    )
    comment = forms.CharField(widget=forms.Textarea, required=False, label="Message")

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        return [line for line in lines if line]


class AmendForm(forms.Form):
    reply = forms.CharField(widget=forms.Textarea, label="Corrected reply")
    comment = forms.CharField(required=False, label="Why")


class TransitionAdminMixin(FSMAdminMixin):
    """django-fsm-2's transition buttons, run through the one transition path.

    `case_transition` locks, checks the permission again on the POST (4.2.4's admin does not),
    writes the event and enqueues effects; its refusals become admin messages.
    """

    fsm_fields = ["state"]
    fsm_forms = {
        "escalate": EscalateForm,
        "reply": ReplyForm,
        "propose": ProposeForm,
        "amend": AmendForm,
    }

    def is_fsm_transition_visible(self, transition) -> bool:
        return STAFF in transition.custom.get("by", ())

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
        self.message_user(request, f"{transition_name.replace('_', ' ').capitalize()}: done.")
        return True


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.register(Case)
class CaseAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "state", "customer", "subject", "priority", "assignee", "due_at"]
    list_filter = ["state", "priority", "channel", "assignee", "created_at"]
    search_fields = ["reference", "customer__email", "subject", "messages__text"]
    list_select_related = ["customer", "assignee"]
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
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # cases come from intake, never from a blank form

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "name", "from_state", "to_state", "actor_kind"]
    list_filter = ["name", "actor_kind", "to_state"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
