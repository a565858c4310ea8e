"""Filtering the case list: each parameter is validated here, then mapped to a fixed lookup in
`cases.selectors` (ORDERINGS, RANGE_LOOKUPS, api_cases); the schema's parameters say the same.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import serializers

from cases.models import State
from cases.search import MAX_QUERY_CHARS
from cases.selectors import ORDERINGS, api_cases

REASON_CODE = r"^[a-z_]+(:[a-z0-9_-]+)?$"


class StatesField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        states = [item.strip() for item in value.split(",") if item.strip()]
        unknown = sorted(set(states) - set(State.values))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown state {unknown[0]!r}; use: {', '.join(State.values)}."
            )
        return states


class CaseFilterSerializer(serializers.Serializer):
    state = StatesField(required=False, allow_blank=True, max_length=200)
    intent = serializers.SlugField(required=False, max_length=60)
    reason_code = serializers.RegexField(REASON_CODE, required=False, max_length=80)
    assignee = serializers.CharField(required=False, max_length=150)
    tag = serializers.CharField(required=False, max_length=40)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)
    updated_after = serializers.DateTimeField(required=False)
    updated_before = serializers.DateTimeField(required=False)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_CHARS)


def filter_cases(cases, params):
    """Apply the allowlisted filters and ordering; unknown parameters are ignored."""
    form = CaseFilterSerializer(
        data={name: params[name] for name in CaseFilterSerializer().fields if name in params}
    )
    form.is_valid(raise_exception=True)
    return api_cases(cases, form.validated_data)


def parameter(name, kind, description, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **kwargs)


CASE_FILTERS = [
    OpenApiParameter(
        "state",
        {"type": "array", "items": {"type": "string", "enum": list(State.values)}},
        OpenApiParameter.QUERY,
        style="form",
        explode=False,
        description="Only cases in these states (comma-separated).",
    ),
    parameter(
        "intent",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 60},
        "The intent slug of the current suggestion.",
    ),
    parameter(
        "reason_code",
        {"type": "string", "pattern": REASON_CODE, "maxLength": 80},
        "A reason code of the case's open review item, e.g. low_confidence: why a human is "
        "asked to look at it now (the workspace queue's reason filter). The current "
        "suggestion's codes alone do not match.",
    ),
    parameter("assignee", {"type": "string", "maxLength": 150}, "The assignee's username (exact)."),
    parameter("tag", {"type": "string", "maxLength": 40}, "A tag's name (any case)."),
    parameter("created_after", OpenApiTypes.DATETIME, "Created at or after (ISO 8601)."),
    parameter("created_before", OpenApiTypes.DATETIME, "Created before (ISO 8601)."),
    parameter("updated_after", OpenApiTypes.DATETIME, "Changed at or after (ISO 8601)."),
    parameter("updated_before", OpenApiTypes.DATETIME, "Changed before (ISO 8601)."),
    parameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_CHARS},
        "Search every case, in every state (the workspace's search box): the exact reference, "
        "the customer's name and address, the subject, the messages and the notes. Results "
        "come best first unless an ordering is given.",
    ),
    parameter(
        "ordering",
        OpenApiTypes.STR,
        "Sort order; default due_at (with q: best match first).",
        enum=list(ORDERINGS),
    ),
]
