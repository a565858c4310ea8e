"""The request body of `POST /api/v1/cases/{reference}/transitions/{name}/`, built from the forms.

Each transition declares its form on the FSM (`cases.transitions.forms`); the path validates
every payload with it. The schema shows the fields of the forms of the transitions staff may
run, once each, with the transitions that read them: one contract, not a second copy.
"""

from django import forms
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from cases.models import STAFF, TRANSITION_NAMES, transitions_of
from cases.transitions.fields import AdjustmentField, OptionsField, SlotsField, TextField
from cases.transitions.files import AttachmentsField
from cases.transitions.forms import transition_form


def staff_transitions() -> list[str]:
    return [name for name in TRANSITION_NAMES if STAFF in transitions_of()[name][0].custom["by"]]


def serializer_field(name: str, field: forms.Field, readers: list[str]) -> serializers.Field:
    required_by = [
        reader for reader in readers if transition_form(reader).base_fields[name].required
    ]
    read_by = ", ".join(f"{r} (required)" if r in required_by else r for r in readers)
    help_text = " ".join(filter(None, [str(field.help_text or ""), f"Read by: {read_by}."]))
    common = {"required": False, "help_text": help_text}
    if isinstance(field, TextField):
        return serializers.CharField(max_length=field.max_length, allow_blank=True, **common)
    if isinstance(field, OptionsField):
        return serializers.ListField(child=serializers.JSONField(), max_length=10, **common)
    if isinstance(field, AdjustmentField | SlotsField):
        return serializers.DictField(child=serializers.CharField(), **common)
    if isinstance(field, AttachmentsField):
        item = {
            "filename": serializers.CharField(max_length=255),
            "content_base64": serializers.CharField(),
            "content_type": serializers.CharField(required=False, max_length=100),
        }
        return serializers.ListField(
            child=inline_serializer("ReplyAttachment", item), max_length=10, **common
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.ChoiceField) and name != "intent":
        return serializers.ChoiceField(choices=[c for c, _ in field.choices if c], **common)
    # The intents are the supervisors' data: a slug, checked when the payload is validated.
    return serializers.CharField(max_length=60, **common)


def transition_payload_serializer() -> serializers.Serializer:
    readers: dict[str, list[str]] = {}
    fields: dict[str, forms.Field] = {}
    for transition in staff_transitions():
        for name, field in transition_form(transition).base_fields.items():
            readers.setdefault(name, []).append(transition)
            fields.setdefault(name, field)
    return inline_serializer(
        "TransitionPayload",
        {name: serializer_field(name, field, readers[name]) for name, field in fields.items()},
    )
