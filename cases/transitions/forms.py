"""One form per transition: the contract of what each transition takes.

Each transition names its form on the FSM (`custom={"form": ...}`, django-fsm-2's way). The
transition path validates every payload with it, before any lock is taken; the admin's
transition buttons use the same forms, and the REST API's request schema is built from them.
Payloads come as JSON objects from the API and as form posts from the workspace and the
admin: the fields take both.
"""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ActionKind, Case, Priority, State, transitions_of
from cases.transitions.errors import InvalidPayload, TransitionConflict
from cases.transitions.fields import (
    INTENTS,
    AdjustmentField,
    LineField,
    OnceChoices,
    OptionsField,
    SlotsField,
    TextField,
)
from cases.transitions.files import AttachmentsField

# A refusal's one-line message, by the error's code (first by field and code).
SUMMARIES = {
    "required": gettext_lazy("%(field)s is required."),
    "max_length": gettext_lazy("%(field)s is too long."),
    "type": gettext_lazy("%(field)s must be text."),
    "nul": gettext_lazy("%(field)s contains NUL characters."),
    "unicode": gettext_lazy("%(field)s is not valid Unicode."),
    "invalid_choice": gettext_lazy("Unknown %(field)s."),
    "options_count": gettext_lazy("options must be a list of 1 to 10."),
    "option_label": gettext_lazy("Each option needs a label."),
    "option_ids": gettext_lazy("Option ids must be distinct."),
    "adjustment_type": gettext_lazy("adjustment must be an object."),
    "slots_type": gettext_lazy("slots must be an object of blanks and their values."),
    "nothing_proposed": gettext_lazy("A proposal needs options or an adjustment."),
    "nothing_amended": gettext_lazy(
        "An amendment changes the intent, action, reply, options or adjustment."
    ),
    ("suggestion", "invalid"): gettext_lazy("suggestion must be an id."),
    **{
        ("note", code): gettext_lazy("A note needs text (at most 5000 characters).")
        for code in ("required", "max_length", "nul", "unicode", "type")
    },
}


class PayloadForm(forms.Form):
    """A payload of the path: validated into the data its handler reads, or refused."""

    def payload(self) -> dict:
        """The cleaned data the handler reads: what was given, nothing empty."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [], {}, False)}

    def refusal(self) -> InvalidPayload:
        """The first error as one line, and every field's messages."""
        errors = {name: [str(m) for m in messages] for name, messages in self.errors.items()}
        name, error = next((name, e) for name, errs in self.errors.as_data().items() for e in errs)
        summary = SUMMARIES.get((name, error.code)) or SUMMARIES.get(error.code)
        message = str(summary) % {"field": name} if summary else " ".join(error.messages)
        return InvalidPayload(message, errors)


class TransitionForm(PayloadForm):
    """What every transition takes: a comment, the state the caller saw, the suggestion."""

    comment = TextField(
        label=gettext_lazy("Comment"), help_text=gettext_lazy("Why; kept in the event.")
    )
    expected_state = LineField(max_length=20, widget=forms.HiddenInput)
    suggestion = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Not an id."},
        help_text=gettext_lazy("The suggestion the caller decided on (approve, amend)."),
    )

    def payload(self) -> dict:
        return super().payload() | {"comment": self.cleaned_data.get("comment", "")}

    @classmethod
    def prepare(cls, case, data: dict) -> None:
        """Set on the locked case what the transition is decided on, before its checks."""


class NoteForm(PayloadForm):
    """A note for colleagues on the case's timeline; the customer never sees it."""

    note = TextField(max_length=5000, required=True, label=gettext_lazy("Note"))


class SlaBreachForm(PayloadForm):
    """Which target a case missed (recorded by the scheduled check, `cases.sla`)."""

    target = forms.ChoiceField(
        choices=[("first_response", "first_response"), ("resolution", "resolution")]
    )


class SuggestedForm(TransitionForm):
    """The AI's decision on a new case (automate, route to review): the suggestion it stored
    becomes the case's current one, with the language it read and the priority its risks ask
    for; the transition's guard then reads that suggestion's routing."""

    language = LineField(max_length=8, widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        required=False, coerce=int, choices=Priority.choices, widget=forms.HiddenInput
    )

    @classmethod
    def prepare(cls, case, data: dict) -> None:
        if data.get("suggestion"):
            case.current_suggestion_id = data["suggestion"]  # and forgets the cached one
        if data.get("language"):
            case.language = data["language"]
        if data.get("priority"):
            case.set_priority(max(case.priority, data["priority"]))


class EscalateForm(TransitionForm):
    reason = LineField(max_length=2000, required=True, label=gettext_lazy("Reason"))


class ReplyForm(TransitionForm):
    text = TextField(
        required=True,
        label=gettext_lazy("Reply to the customer"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField(label=gettext_lazy("Attach files"))


class ProposeForm(TransitionForm):
    options = OptionsField(label=gettext_lazy("Options"), widget=forms.Textarea(attrs={"rows": 3}))
    adjustment = AdjustmentField(label=gettext_lazy("Adjustment"))

    def clean(self):
        data = super().clean()
        if not data.get("options") and not data.get("adjustment") and not self.errors:
            self.add_error(
                "options",
                ValidationError(_("Give options or an adjustment."), code="nothing_proposed"),
            )
        return data


class HeldCaseForm(TransitionForm):
    """A decision on a case: another person's case is theirs, unless a supervisor forces it."""

    force = forms.BooleanField(
        required=False,
        label=gettext_lazy("Act although someone else holds the case"),
        help_text=gettext_lazy(
            "Supervisors only: decide a case assigned to someone else; the comment says why."
        ),
    )


class TakeOverForm(HeldCaseForm):
    pass


class ApproveForm(HeldCaseForm):
    """Approve what is on the screen: the AI's proposal, or what the person made of it.

    The fields are the proposal as the person saw and maybe edited it. Unchanged, the approve
    sends the AI's proposal; changed, it is an amend when it comes from the case page's
    composer (`compose`), and refused otherwise, so that nobody sends a text believing it was
    another (`cases.transitions.handlers.decision_settle`).
    """

    intent = forms.ChoiceField(
        required=False,
        choices=OnceChoices(INTENTS),
        label=gettext_lazy("Intent"),
        help_text=gettext_lazy("The corrected intent, by its slug."),
    )
    action = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            *[(v, label) for v, label in ActionKind.choices if v != ActionKind.MANUAL],
        ],
        label=gettext_lazy("Action"),
    )
    reply = TextField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 8}))
    options = OptionsField(label=gettext_lazy("Options"), widget=forms.Textarea(attrs={"rows": 3}))
    adjustment = AdjustmentField(label=gettext_lazy("Adjustment"))
    slots = SlotsField(label=gettext_lazy("Blanks"))
    compose = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        help_text=gettext_lazy(
            "Sent by the case page's composer: a changed proposal is approved as an amend."
        ),
    )

    AMENDABLE = ("intent", "action", "reply", "options", "adjustment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The select and the field read the intents once, together (the widget gets a copy).
        intent = self.fields["intent"]
        intent.widget.choices = intent.choices

    def payload(self) -> dict:
        """The changes travel together as `amendment` (the intent by its slug)."""
        data = super().payload()
        return {k: v for k, v in data.items() if k not in self.AMENDABLE} | {
            "amendment": {k: data[k] for k in self.AMENDABLE if k in data}
        }


class AmendForm(ApproveForm):
    """What a person changes in the AI's proposal before it goes out; at least one thing."""

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(n) for n in (*self.AMENDABLE, "slots")):
            self.add_error(
                "reply",
                ValidationError(
                    _("Change at least one thing, or approve instead."), code="nothing_amended"
                ),
            )
        return data


class CustomerAcceptForm(TransitionForm):
    option = LineField(max_length=40, help_text=gettext_lazy("The chosen option's id (choose)."))


class CustomerDeclineForm(TransitionForm):
    wants_human = forms.BooleanField(required=False)


class ReopenForm(CustomerDeclineForm):
    reason_code = forms.ChoiceField(
        required=False,
        choices=[
            ("customer_replied", "customer_replied"),
            ("customer_feedback_negative", "customer_feedback_negative"),
            ("delivery_failed", "delivery_failed"),
        ],
    )

    def payload(self) -> dict:
        return super().payload() | {
            "reason_code": self.cleaned_data.get("reason_code") or "customer_replied"
        }


class MergeForm(TransitionForm):
    into = LineField(
        max_length=20,
        required=True,
        label=gettext_lazy("Merge into"),
        help_text=gettext_lazy("The reference of the case that is kept."),
    )

    @classmethod
    def prepare(cls, case, data: dict) -> None:
        """The kept case, locked and checked, is what the merge's guard reads."""
        case.merged_into = merge_target(case, data["into"])


def merge_target(case: Case, reference: str) -> Case:
    """The kept case, locked; refused where a merge makes no sense."""
    reference = reference.strip().upper().lstrip("#")
    if reference == case.reference:
        raise InvalidPayload(
            _("A case cannot be merged into itself."), {"into": [_("Choose another case.")]}
        )
    try:
        # Not waiting for the lock: two cases merged into each other at once would deadlock.
        with transaction.atomic():
            target = (
                Case.objects.select_for_update(of=("self",), nowait=True)
                .filter(reference=reference)
                .first()
            )
    except OperationalError:
        raise TransitionConflict(
            _("%(reference)s is being changed right now: try again.") % {"reference": reference}
        ) from None
    if target is None:
        raise InvalidPayload(
            _("There is no case %(reference)s.") % {"reference": reference},
            {"into": [_("Unknown case.")]},
        )
    if target.customer_id != case.customer_id:
        raise InvalidPayload(
            _("%(reference)s belongs to another customer: only one customer's cases merge.")
            % {"reference": reference},
            {"into": [_("Another customer's case.")]},
        )
    if target.state == State.CLOSED:
        raise TransitionConflict(
            _("%(reference)s is closed: merge into a case that is still open.")
            % {"reference": reference},
            {"into": [_("Closed.")]},
        )
    return target


@cache
def transition_form(name: str) -> type[TransitionForm]:
    """The form a transition declares on the FSM, or the plain one."""
    declared = transitions_of()[name][0].custom.get("form")
    return import_string(declared) if declared else TransitionForm


def payload_validate(form_class: type[TransitionForm], payload) -> dict:
    """The payload as the form cleans it, or an `InvalidPayload` naming the fields."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidPayload(_("The payload must be a JSON object."))
    form = form_class(data=payload)
    if not form.is_valid():
        raise form.refusal()
    return form.payload()
