"""The fields of the transitions' forms: text as a database stores it, options, adjustments,
the draft's blanks, and the vocabularies that apps above the core supply."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_TEXT = 20_000
SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value, *, limit: int = MAX_TEXT) -> str:
    """Text as the database can store it: stripped, no NUL, no lone surrogates, not too long."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Must be text."), code="type")
    value = value.replace("\r\n", "\n").strip()  # a browser's textarea posts CRLF
    if "\x00" in value:
        raise ValidationError(_("NUL is not allowed."), code="nul")
    if SURROGATE.search(value):
        # JSON's \uXXXX escapes can carry lone surrogates, which no database stores as text.
        raise ValidationError(_("Not valid Unicode."), code="unicode")
    if len(value) > limit:
        raise ValidationError(
            _("At most %(limit)d characters.") % {"limit": limit}, code="max_length"
        )
    return value


class TextField(forms.Field):
    widget = forms.Textarea

    def __init__(self, *, max_length: int = MAX_TEXT, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        return clean_text(value, limit=self.max_length)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.max_length)
        return attrs


class LineField(TextField):
    widget = forms.TextInput


class StructuredField(forms.Field):
    """A value that is JSON in the API and lines of text in a form; optional unless said."""

    widget = forms.Textarea
    description = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.description)
        super().__init__(**kwargs)


class OptionsField(StructuredField):
    """1 to 10 options, each `{"id", "label"}`; plain labels (or lines of text) get ids 1, 2, …"""

    description = gettext_lazy(
        "1 to 10 options the customer chooses from, e.g. delivery dates: labels or "
        "{id, label} objects; in a form, one label per line."
    )

    def to_python(self, value) -> list[dict]:
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = [line.strip() for line in value.splitlines() if line.strip()]
        if not isinstance(value, list) or not 1 <= len(value) <= 10:
            raise ValidationError("1 to 10 items.", code="options_count")
        options = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, str):
                item = {"id": str(index), "label": item}
            if not isinstance(item, dict) or not str(item.get("label", "")).strip():
                raise ValidationError("Needs a label.", code="option_label")
            label = clean_text(str(item["label"]), limit=200)
            options.append({"id": str(item.get("id") or index)[:40], "label": label})
        if len({option["id"] for option in options}) != len(options):
            raise ValidationError("Duplicate id.", code="option_ids")
        return options


class AdjustmentField(StructuredField):
    """What changes for the customer, as names and values (`key: value` lines in a form)."""

    description = gettext_lazy(
        "What changes for the customer, as names and values; in a form, one name: value per line."
    )

    def to_python(self, value) -> dict:
        if value in (None, "", {}):
            return {}
        if isinstance(value, str):
            lines = [line.partition(":") for line in value.splitlines() if line.strip()]
            value = {k.strip(): v.strip() for k, sep, v in lines if sep}
        if not isinstance(value, dict) or not value:
            raise ValidationError("Must be an object.", code="adjustment_type")
        return {
            clean_text(str(k), limit=40): clean_text(str(v), limit=1000) for k, v in value.items()
        }


class SlotsField(StructuredField):
    """Values for the draft's blanks, by name (`{"order_number": "4711-2231"}`)."""

    description = gettext_lazy(
        "Values for the blanks ({placeholders}) of the draft, by name; they fill the reply."
    )

    def to_python(self, value) -> dict:
        if value in (None, "", {}):
            return {}
        if not isinstance(value, dict):
            raise ValidationError("Must be an object.", code="slots_type")
        slots = {}
        for name, text in value.items():
            if not re.fullmatch(r"\w{1,40}", str(name)):
                raise ValidationError("Unknown blank.", code="slots_type")
            text = clean_text(text if isinstance(text, str) else str(text), limit=200)
            if text:
                slots[str(name)] = text
        return slots


class Vocabulary:
    """Choices an app above the core supplies, registered in its `AppConfig.ready()`.

    The intents are the AI's (review's): the amend form offers them without the core
    importing the AI. Read when a form is validated or shown, never at import.
    """

    def __init__(self):
        self._source = None

    def provide(self, source) -> None:
        self._source = source

    def __call__(self) -> list[tuple[str, str]]:
        return list(self._source()) if self._source else []


INTENTS = Vocabulary()


class OnceChoices(BaseChoiceIterator):
    """A vocabulary's choices, read once per form when first needed (a select reads its
    choices twice when rendered), and never at import."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.loaded = None

    def __iter__(self):
        if self.loaded is None:
            self.loaded = [("", "—"), *self.vocabulary()]
        yield from self.loaded

    def __deepcopy__(self, memo):
        return OnceChoices(self.vocabulary)  # each form (a copy of the fields) reads afresh
