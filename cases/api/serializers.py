"""What the API reads and answers: messages in, cases and what belongs to them, customers."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from cases.models import STAFF, Attachment, Case, CaseEvent, Message, State
from cases.selectors import customer_decisions
from customers.models import Customer


@extend_schema_field(
    {
        "type": "string",
        "enum": list(State.values),
        "description": "A case's state: "
        + ", ".join(f"`{value}` ({label})" for value, label in State.choices),
    },
    component_name="State",
)
class StateField(serializers.ChoiceField):
    """A case state; one named `State` schema component for `state`, `from_state`, `to_state`."""

    def __init__(self, **kwargs):
        super().__init__(choices=State.choices, **kwargs)


class MessageInSerializer(serializers.Serializer):
    from_email = serializers.EmailField(max_length=254)
    from_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=998, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=settings.MAX_MESSAGE_CHARS, trim_whitespace=False)
    channel = serializers.ChoiceField(
        choices=["api", "email", "web", "chat", "phone"], required=False, default="api"
    )
    external_id = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    message_id = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    in_reply_to = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    references = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(
        choices=["", "en", "de"], required=False, allow_blank=True, default=""
    )

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError("The message body is empty.")
        return value


class MessageAcceptedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.CharField()
    message = serializers.IntegerField()
    created = serializers.BooleanField()


class CustomerSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    intent = serializers.CharField(source="intent.slug", allow_null=True, read_only=True)
    confidence = serializers.FloatField()
    threshold = serializers.FloatField(
        allow_null=True,
        help_text="The confidence this suggestion needed to go ahead without a human: the "
        "policy's threshold, raised by the model's own where it learned a higher one.",
    )
    alternatives = serializers.JSONField()
    action = serializers.CharField()
    reason_codes = serializers.ListField(child=serializers.CharField())
    automatable = serializers.BooleanField()
    risk_flags = serializers.ListField(child=serializers.CharField())
    slots = serializers.JSONField()
    options = serializers.JSONField()
    adjustment = serializers.JSONField()
    draft_reply = serializers.CharField()
    model_version = serializers.CharField(source="model_label")
    policy_version = serializers.IntegerField(allow_null=True)


class SuggestionHistorySerializer(SuggestionSerializer):
    """Every suggestion made for a case, newest first; `current` marks the one in force."""

    engine = serializers.CharField()
    created_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, suggestion) -> bool:
        return suggestion.pk == self.context.get("current_suggestion_id")


class EventSerializer(serializers.ModelSerializer):
    transition = serializers.CharField(source="name")
    from_state = StateField(read_only=True)
    to_state = StateField(read_only=True)
    actor = serializers.CharField(source="actor_display")

    class Meta:
        model = CaseEvent
        fields = [
            "transition",
            "from_state",
            "to_state",
            "actor_kind",
            "actor",
            "reason_codes",
            "comment",
            "model_version",
            "policy_version",
            "created_at",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "sha256", "inline", "rejected", "url"]
        read_only_fields = fields
        extra_kwargs = {
            "size": {"help_text": "Bytes; 0 when the file was refused."},
            "sha256": {"help_text": "Hex SHA-256 of the bytes; empty when refused."},
            "inline": {"help_text": "The sender marked it inline (e.g. an image in the body)."},
        }

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text="Where to download the file (this API); null when it was not stored.",
        )
    )
    def get_url(self, attachment) -> str | None:
        if attachment.rejected or not attachment.file:
            return None
        # message.case comes from the prefetch (or the case's related manager): no query.
        path = reverse(
            "case-attachment-download",
            kwargs={"reference": attachment.message.case.reference, "id": attachment.pk},
        )
        return self.context["request"].build_absolute_uri(path)


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "author_kind",
            "subject",
            "text",
            "created_at",
            "sent_at",
            "attachments",
        ]


class CaseListSerializer(serializers.ModelSerializer):
    state = StateField(read_only=True)
    customer = serializers.EmailField(source="customer.email")
    intent = serializers.SerializerMethodField()
    reason_codes = serializers.SerializerMethodField()
    assignee = serializers.CharField(
        source="assignee.get_username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "state",
            "subject",
            "customer",
            "intent",
            "reason_codes",
            "assignee",
            "priority",
            "due_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_intent(self, case) -> str | None:
        suggestion = case.current_suggestion
        return suggestion.intent.slug if suggestion and suggestion.intent else None

    def get_reason_codes(self, case) -> list[str]:
        return case.current_suggestion.reason_codes if case.current_suggestion else []


class CaseSerializer(CaseListSerializer):
    customer = CustomerSerializer()
    suggestion = SuggestionSerializer(source="current_suggestion", allow_null=True)
    available_transitions = serializers.SerializerMethodField()
    events = EventSerializer(many=True)
    messages = MessageSerializer(many=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    duplicate_of = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The case intake found this one repeats (a possible duplicate to merge).",
    )
    merged_into = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The case this one was merged into.",
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            # The SLA: the first answer's due time and when it went out (docs/live.md).
            "first_response_due_at",
            "first_responded_at",
            "channel",
            "language",
            "suggestion",
            "proposal",
            "proposal_version",
            "outcome",
            "available_transitions",
            "events",
            "messages",
            "tags",
            "duplicate_of",
            "merged_into",
        ]
        read_only_fields = fields

    def get_available_transitions(self, case) -> list[str]:
        user = self.context["request"].user
        return sorted(
            t.name
            for t in case.get_available_user_state_transitions(user)
            if STAFF in t.custom["by"]
        )


class CustomerCaseSerializer(serializers.ModelSerializer):
    state = StateField(read_only=True)
    message_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = ["reference", "state", "subject", "created_at", "message_count"]
        read_only_fields = fields


class CustomerDecisionSerializer(serializers.Serializer):
    """A question the customer was asked through a link, and what became of it."""

    case = serializers.CharField(source="case.reference")
    kind = serializers.CharField(help_text="choose, confirm or feedback.")
    status = serializers.CharField(
        help_text="pending, accepted, declined, expired, superseded or revoked."
    )
    outcome = serializers.JSONField(help_text="What the customer answered (empty until then).")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class CustomerListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "email", "name", "language", "created_at", "updated_at"]
        read_only_fields = fields


class CustomerDetailSerializer(CustomerListSerializer):
    """The workspace's customer page as data: every case, the decisions on links, erasure."""

    cases = CustomerCaseSerializer(many=True, read_only=True)
    message_count = serializers.SerializerMethodField()
    erased = serializers.BooleanField(source="is_erased", read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta(CustomerListSerializer.Meta):
        fields = [
            *CustomerListSerializer.Meta.fields,
            "erased",
            "message_count",
            "cases",
            "decisions",
        ]
        read_only_fields = fields

    def get_message_count(self, customer) -> int:
        return sum(case.message_count for case in customer.cases.all())

    @extend_schema_field(CustomerDecisionSerializer(many=True))
    def get_decisions(self, customer):
        return CustomerDecisionSerializer(customer_decisions(customer), many=True).data


class CustomerQuestionSerializer(serializers.Serializer):
    """The question an email asked: what was offered, and what the customer answered."""

    kind = serializers.CharField(help_text="choose, confirm or feedback.")
    text = serializers.CharField(help_text="The text the question went out with.")
    options = serializers.JSONField()
    adjustment = serializers.JSONField()
    status = serializers.CharField()
    outcome = serializers.JSONField()
    proposal_version = serializers.IntegerField()


class CustomerEmailSerializer(serializers.Serializer):
    """An email the customer received (or was to receive) about a question of theirs."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="request, reminder or decided.")
    status = serializers.CharField(help_text="pending, sent or cancelled.")
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    question = CustomerQuestionSerializer(source="confirmation")
