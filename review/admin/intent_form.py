"""The intent's change form: a text field per language for the draft reply, a box per slot,
a label and a help text for every field, checked on save; and the draft's preview.

Supervisors edited `reply_templates` and `required_slots` as raw JSON before (issue 17): a
typo in a blank (`{ordr_number}`) went unnoticed until a customer would have read it.
"""

from django import forms
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.blanks import PLACEHOLDER, fill, greeting_for, slot_name
from cases.models import ActionKind, Case
from review.models import Intent
from review.suggest import draft_values

# The slots a policy may require (what the engine extracts), and those a draft may name as a
# blank (the ones with a text value), with the case's own values.
SLOTS = (
    "order_number",
    "contract_number",
    "customer_number",
    "dates",
    "amounts",
    "email",
    "iban",
    "address",
    "tariff",
)
TEXT_SLOTS = tuple(slot for slot in SLOTS if slot not in ("dates", "amounts"))
BLANKS = ("customer_name", "reference", *TEXT_SLOTS)
LANGUAGES = (("en", gettext_lazy("English")), ("de", gettext_lazy("German")))
# A case to preview the draft with when the intent has none yet.
SAMPLE = {
    "customer_name": "Ada Lovelace",
    "reference": "K7M2ABCD",
    "order_number": "A-20931",
    "contract_number": "V-448120",
    "customer_number": "K-10023",
    "email": "ada@example.com",
    "iban": "DE89 3704 0044 0532 0130 00",
    "address": "Hauptstraße 5, 10115 Berlin",
    "tariff": "Comfort 20",
}
TEMPLATE_HELP = gettext_lazy(
    "What the AI proposes to send, in this language. Blanks in braces are filled from the "
    "case: {customer_name}, {reference} and the slots ({order_number}, {contract_number}, "
    "{customer_number}, {email}, {iban}, {address}, {tariff}). A blank the message does not "
    "fill goes to a person: nothing with a blank is sent."
)


def draft_label(language) -> str:
    return _("Draft reply (%(language)s)") % {"language": language}


def template_field(language) -> forms.CharField:
    return forms.CharField(
        label=lazy(draft_label, str)(language),  # in the language of the request
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=TEMPLATE_HELP,
    )


class IntentAdminForm(forms.ModelForm):
    reply_template_en = template_field(LANGUAGES[0][1])
    reply_template_de = template_field(LANGUAGES[1][1])
    required_slots = forms.MultipleChoiceField(
        label=gettext_lazy("Required slots"),
        choices=[(slot, slot) for slot in SLOTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "A suggestion without one of these found in the message goes to a person "
            "(reason: missing slot)."
        ),
    )

    class Meta:
        model = Intent
        fields = [*Intent.POLICY_FIELDS, "slug", "name", "name_de", "action", "is_out_of_scope"]
        labels = {
            "slug": gettext_lazy("Key"),
            "name": gettext_lazy("Name (English)"),
            "name_de": gettext_lazy("Name (German)"),
            "action": gettext_lazy("What the AI proposes"),
            "mode": gettext_lazy("Mode"),
            "threshold": gettext_lazy("Confidence threshold"),
            "risk_class": gettext_lazy("Risk class"),
            "amount_limit": gettext_lazy("Amount limit"),
            "qa_sample_rate": gettext_lazy("Quality sample"),
            "four_eyes": gettext_lazy("Four eyes"),
            "is_out_of_scope": gettext_lazy("Out of scope"),
        }
        help_texts = {
            "slug": gettext_lazy("The name the engine and the API use; never changes."),
            "name": gettext_lazy("What agents and supervisors read."),
            "name_de": gettext_lazy("The name in German; empty: the English one."),
            "action": gettext_lazy(
                "Reply, let the customer choose an option, let them confirm a change, or leave "
                "it to a person."
            ),
            "mode": gettext_lazy(
                "Assist: a person decides every case. Auto: the AI acts alone when every "
                "condition below holds."
            ),
            "threshold": gettext_lazy(
                "The least confidence (0 to 1) at which the AI may act alone; the what-if "
                "beside it replays the last 30 days."
            ),
            "risk_class": gettext_lazy(
                "Financial and legal risk always go to a person; legal ones to a supervisor."
            ),
            "amount_limit": gettext_lazy(
                "Above this amount in the message a person decides; empty: no limit."
            ),
            "qa_sample_rate": gettext_lazy(
                "The share (0 to 1) of cases the AI could settle that a person checks anyway."
            ),
            "four_eyes": gettext_lazy("Two different people approve before anything is sent."),
            "is_out_of_scope": gettext_lazy(
                "The catch-all for messages the business does not handle."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _language in LANGUAGES:
            self.fields[f"reply_template_{code}"].initial = self.instance.reply_templates.get(
                code, ""
            )
        # Slots kept from before this list (data of older versions) stay choosable.
        kept = [(slot, slot) for slot in self.instance.required_slots if slot not in SLOTS]
        self.fields["required_slots"].choices = [
            (slot, f"{slot_name(slot)} ({slot})") for slot in SLOTS
        ] + kept

    def clean(self):
        cleaned = super().clean()
        for code, _language in LANGUAGES:
            name = f"reply_template_{code}"
            text = cleaned.get(name, "")
            if text.count("{") != text.count("}") or len(PLACEHOLDER.findall(text)) != (
                text.count("{")
            ):
                self.add_error(name, _("A brace without a blank: write a blank as {order_number}."))
                continue
            unknown = [b for b in PLACEHOLDER.findall(text) if b not in BLANKS]
            if unknown:
                self.add_error(
                    name,
                    _("Unknown blank %(blanks)s: the case has %(known)s.")
                    % {
                        "blanks": ", ".join(f"{{{b}}}" for b in unknown),
                        "known": ", ".join(f"{{{b}}}" for b in BLANKS),
                    },
                )
        action = cleaned.get("action")
        refused = "reply_template_en" in self.errors
        if (
            action
            and action != ActionKind.MANUAL
            and not refused
            and not cleaned.get("reply_template_en")
        ):
            self.add_error(
                "reply_template_en",
                _("The English draft is needed: it is sent where no draft in the language is."),
            )
        return cleaned

    def save(self, commit=True):
        self.instance.reply_templates = {
            code: self.cleaned_data[f"reply_template_{code}"]
            for code, _language in LANGUAGES
            if self.cleaned_data.get(f"reply_template_{code}")
        }
        return super().save(commit)


def sample_case(intent: Intent) -> Case | None:
    """The newest case the AI read as this intent: the preview fills the draft from it."""
    if not intent.pk:
        return None
    return (
        Case.objects.filter(current_suggestion__intent=intent)
        .select_related("customer", "current_suggestion")
        .order_by("-created_at", "-pk")
        .first()
    )


def draft_preview(intent: Intent, drafts: dict | None = None) -> str:
    """Each language's draft as a customer would get it, filled from a sample case.

    `drafts` are the texts as typed (the live preview); by default the saved ones.
    """
    drafts = intent.reply_templates if drafts is None else drafts
    case = sample_case(intent)
    if case is not None:
        values = draft_values(case, case.current_suggestion.slots or {})
        source = _("Filled from case %(reference)s, the newest of this intent.") % {
            "reference": case.reference
        }
        named = bool(case.customer.name)
    else:
        values = SAMPLE
        source = _("Filled from a made-up case %(reference)s (no case of this intent yet).") % {
            "reference": SAMPLE["reference"]
        }
        named = True
    rows = []
    for code, language in LANGUAGES:
        template = drafts.get(code, "")
        if not template:
            continue
        text = fill(template if named else greeting_for(template, case.customer), values)
        rows.append((language, code, text))
    if not rows:
        return format_html('<div id="draft-preview">{}</div>', _("No draft yet."))
    return format_html(
        '<div id="draft-preview"><p class="help">{}</p>{}</div>',
        source,
        format_html_join(
            "", '<p><strong>{}</strong></p><pre class="draft-preview" lang="{}">{}</pre>', rows
        ),
    )
