"""REST API v1: message intake, cases, and transitions through the one transition path."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler

from cases.models import STAFF, TRANSITION_NAMES, Case, CaseEvent, Message, State
from cases.services import Actor, TransitionError, case_transition, message_receive


def api_exception_handler(exc, context):
    """One error format: {"detail": ..., "code": ..., "errors": {field: [messages]}}."""
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read bodies over DATA_UPLOAD_MAX_MEMORY_SIZE; say so in our format
        # instead of its bare HTML "Bad Request".
        return Response(
            {
                "detail": f"The request body is larger than the limit of "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
                "code": "too_large",
                "errors": {},
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        body = {"detail": str(detail), "code": getattr(detail, "code", "error"), "errors": {}}
    else:
        body = {"detail": "Invalid input.", "code": "invalid", "errors": data}
    response.data = body
    return response


def error_response(error: TransitionError) -> Response:
    codes = {400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict"}
    return Response(
        {"detail": error.message, "code": codes[error.status], "errors": error.errors},
        status=error.status,
    )


class HasPerm(permissions.BasePermission):
    perm = ""

    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(self.perm))


class CanViewCases(HasPerm):
    perm = "cases.view_case"
    message = "You may not read cases."


class CanSubmitMessages(HasPerm):
    perm = "cases.submit_message"
    message = "You may not submit messages."


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


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "direction", "author_kind", "subject", "text", "created_at", "sent_at"]


class CaseListSerializer(serializers.ModelSerializer):
    state = StateField(read_only=True)
    customer = serializers.EmailField(source="customer.email")
    intent = serializers.SerializerMethodField()
    reason_codes = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference",
            "state",
            "subject",
            "customer",
            "intent",
            "reason_codes",
            "priority",
            "due_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_intent(self, case) -> str | None:
        suggestion = case.current_suggestion
        return suggestion.intent.slug if suggestion and suggestion.intent else None

    def get_reason_codes(self, case) -> list[str]:
        return case.current_suggestion.reason_codes if case.current_suggestion else []


class CaseSerializer(CaseListSerializer):
    customer = CustomerSerializer()
    assignee = serializers.CharField(source="assignee.get_username", default=None)
    suggestion = SuggestionSerializer(source="current_suggestion", allow_null=True)
    available_transitions = serializers.SerializerMethodField()
    events = EventSerializer(many=True)
    messages = MessageSerializer(many=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "channel",
            "language",
            "assignee",
            "suggestion",
            "proposal",
            "proposal_version",
            "outcome",
            "available_transitions",
            "events",
            "messages",
        ]
        read_only_fields = fields

    def get_available_transitions(self, case) -> list[str]:
        user = self.context["request"].user
        return sorted(
            t.name
            for t in case.get_available_user_state_transitions(user)
            if STAFF in t.custom["by"]
        )


class TransitionPayloadSerializer(serializers.Serializer):
    """Fields each transition reads; the transition path validates and explains errors."""

    comment = serializers.CharField(required=False, help_text="Why; kept in the event.")
    expected_state = serializers.CharField(required=False)
    suggestion = serializers.IntegerField(required=False, help_text="approve/amend: its id.")
    reason = serializers.CharField(required=False, help_text="escalate: required.")
    text = serializers.CharField(required=False, help_text="reply: required.")
    intent = serializers.CharField(required=False, help_text="amend: intent slug.")
    action = serializers.CharField(required=False, help_text="amend: reply/choose/confirm.")
    reply = serializers.CharField(required=False, help_text="amend: the corrected reply.")
    options = serializers.ListField(child=serializers.JSONField(), required=False)
    adjustment = serializers.DictField(required=False)


ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


@extend_schema(
    request=MessageInSerializer,
    responses={201: MessageAcceptedSerializer, 200: MessageAcceptedSerializer, 400: ERROR},
    description="Submit an inbound message. The same external_id again returns the same case.",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated, CanSubmitMessages])
@throttle_classes([ScopedRateThrottle])
def message_create(request):
    serializer = MessageInSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    intake = message_receive(**serializer.validated_data)
    body = {
        "reference": intake.case.reference,
        "state": intake.case.state,
        "message": intake.message.pk,
        "created": intake.created,
    }
    return Response(body, status=status.HTTP_201_CREATED if intake.created else status.HTTP_200_OK)


message_create.cls.throttle_scope = "intake"


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "reference"
    permission_classes = [permissions.IsAuthenticated, CanViewCases]

    def get_queryset(self):
        cases = Case.objects.select_related(
            "customer", "assignee", "current_suggestion__intent"
        ).order_by("due_at", "pk")
        if self.action == "list":
            state = self.request.query_params.get("state")
            if state:
                cases = cases.filter(state__in=state.split(","))
            return cases
        return cases.prefetch_related(
            Prefetch("events", CaseEvent.objects.select_related("actor_user")),
            "messages",
        )

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseSerializer

    @extend_schema(
        request=TransitionPayloadSerializer,
        responses={
            200: CaseSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: OpenApiResponse(ERROR, description="Not allowed now, or another actor was first."),
        },
        description="Run a transition; the names are in the case's available_transitions.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        url_name="transition",
    )
    def transition(self, request, reference=None, name=None):
        case = get_object_or_404(Case, reference=reference)
        if name not in TRANSITION_NAMES:
            return Response(
                {
                    "detail": f"There is no transition called {name!r}.",
                    "code": "not_found",
                    "errors": {},
                },
                status=404,
            )
        try:
            case_transition(
                case=case, name=name, actor=Actor.staff(request.user), payload=request.data
            )
        except TransitionError as error:
            return error_response(error)
        return Response(
            CaseSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data
        )
