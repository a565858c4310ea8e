"""REST API v1: message intake, cases and what belongs to them, customers, and transitions.

Every answer that is not a success has one format: {"detail", "code", "errors"}. Filters and
orderings are an allowlist mapped to fixed ORM lookups: no query parameter name or value ever
becomes part of a lookup (RELIABILITY A6). POSTs take an `Idempotency-Key` (cases.idempotency).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler

from cases.idempotency import PARAMETER as IDEMPOTENCY_KEY
from cases.idempotency import idempotent
from cases.models import STAFF, TRANSITION_NAMES, Attachment, Case, CaseEvent, Message, State
from cases.selectors import ORDERINGS, api_cases
from cases.services import Actor, TransitionError, case_transition, message_receive
from cases.views import PASSIVE_TYPES, attachment_download
from customers.models import Customer


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
    elif isinstance(data, dict):
        body = {"detail": "Invalid input.", "code": "invalid", "errors": data}
    else:
        body = {"detail": "Invalid input.", "code": "invalid", "errors": {"non_field_errors": data}}
    response.data = body
    return response


@csrf_exempt  # it changes nothing; a POST with a session cookie gets the JSON 404 as well
def not_found(request, *args, **kwargs):
    """Unknown URLs under /api/v1/ answer in the API's error format, not with an HTML page."""
    return JsonResponse(
        {"detail": "There is no such API resource.", "code": "not_found", "errors": {}},
        status=404,
    )


def not_found_response(detail: str) -> Response:
    return Response({"detail": detail, "code": "not_found", "errors": {}}, status=404)


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


class CanViewCustomers(HasPerm):
    """Whoever may read cases may read the customers they belong to."""

    perm = "cases.view_case"
    message = "You may not read customers."


class CanSubmitMessages(HasPerm):
    perm = "cases.submit_message"
    message = "You may not submit messages."


class JSONOnlyParser(JSONParser):
    """JSON, where a body nested too deeply for Python's parser is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class IgnoreAccept(BaseContentNegotiation):
    """Ignore the client's Accept header: the file is sent as it is, errors as JSON.

    A download client may send `Accept: application/octet-stream` or `image/*`; DRF's default
    negotiation would refuse that with a 406 before the view ran.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


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

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "channel",
            "language",
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


class CustomerCaseSerializer(serializers.ModelSerializer):
    state = StateField(read_only=True)

    class Meta:
        model = Case
        fields = ["reference", "state", "subject", "created_at"]
        read_only_fields = fields


class CustomerListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "email", "name", "language", "created_at", "updated_at"]
        read_only_fields = fields


class CustomerDetailSerializer(CustomerListSerializer):
    cases = CustomerCaseSerializer(many=True, read_only=True)

    class Meta(CustomerListSerializer.Meta):
        fields = [*CustomerListSerializer.Meta.fields, "cases"]
        read_only_fields = fields


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


# Filtering the case list: each parameter is validated here, then mapped to a lookup written in
# cases.selectors (ORDERINGS, RANGE_LOOKUPS, api_cases).

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
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)
    updated_after = serializers.DateTimeField(required=False)
    updated_before = serializers.DateTimeField(required=False)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False)


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
    parameter("created_after", OpenApiTypes.DATETIME, "Created at or after (ISO 8601)."),
    parameter("created_before", OpenApiTypes.DATETIME, "Created before (ISO 8601)."),
    parameter("updated_after", OpenApiTypes.DATETIME, "Changed at or after (ISO 8601)."),
    parameter("updated_before", OpenApiTypes.DATETIME, "Changed before (ISO 8601)."),
    parameter(
        "ordering",
        OpenApiTypes.STR,
        "Sort order; default due_at.",
        enum=list(ORDERINGS),
    ),
]

ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


def errors(*codes: int, **described: str) -> dict:
    """Error responses for the schema: every status an operation may answer with."""
    texts = {
        400: "Invalid input; `errors` names the fields.",
        401: "No or a wrong token or session.",
        403: "The caller lacks the permission.",
        404: "No such resource, or an invalid page.",
        409: "Conflict.",
        413: "The request body is too large.",
        415: "The body is not JSON.",
        422: "The Idempotency-Key was used for a different request.",
        429: "Too many requests; retry later.",
    }
    return {
        code: OpenApiResponse(ERROR, description=described.get(f"d{code}", texts[code]))
        for code in codes
    }


READ_ERRORS = errors(401, 403, 404)
# What an attachment's download may be sent as (cases.views.attachment_download).
DOWNLOAD_TYPES = ["application/octet-stream", *sorted(PASSIVE_TYPES)]


@extend_schema(
    request=MessageInSerializer,
    parameters=[IDEMPOTENCY_KEY],
    responses={
        201: OpenApiResponse(MessageAcceptedSerializer, description="A new message was stored."),
        200: OpenApiResponse(
            MessageAcceptedSerializer,
            description="This external_id was stored before: its case, nothing created.",
        ),
        **errors(
            400,
            401,
            403,
            409,
            413,
            415,
            422,
            429,
            d409="A request with this Idempotency-Key is still in flight.",
        ),
    },
    description="Submit an inbound message. The same external_id again returns the same case.",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated, CanSubmitMessages])
@throttle_classes([ScopedRateThrottle])
@parser_classes([JSONOnlyParser])
@idempotent
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


@extend_schema_view(
    list=extend_schema(
        parameters=CASE_FILTERS,
        responses={200: CaseListSerializer(many=True), **errors(400, 401, 403, 404)},
        description="Cases, filtered and paginated. Unknown query parameters are ignored; an "
        "invalid value of a known one is a 400.",
    ),
    retrieve=extend_schema(responses={200: CaseSerializer, **READ_ERRORS}),
)
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "reference"
    # References are 8 letters and digits; anything else is the API's 404 without a query.
    lookup_value_regex = "[0-9A-Za-z]{1,20}"
    permission_classes = [permissions.IsAuthenticated, CanViewCases]
    pagination_class = ApiPagination

    def get_queryset(self):
        cases = Case.objects.select_related("customer", "assignee", "current_suggestion__intent")
        if self.action == "list":
            return cases.order_by("due_at", "pk")
        return cases.prefetch_related(
            Prefetch("events", CaseEvent.objects.select_related("actor_user")),
            "messages__attachments",
        )

    def filter_queryset(self, queryset):
        if self.action == "list":
            return filter_cases(queryset, self.request.query_params)
        return queryset

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseSerializer

    def the_case(self, reference) -> Case:
        return get_object_or_404(
            Case.objects.only("pk", "reference", "current_suggestion_id"), reference=reference
        )

    @extend_schema(responses={200: MessageSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def messages(self, request, reference=None):
        """The case's messages, inbound and outbound, oldest first."""
        case = self.the_case(reference)
        # Through the case's manager, so that each message knows its case (attachment URLs).
        messages = case.messages.order_by("created_at", "pk").prefetch_related("attachments")
        context = {"request": request}
        return Response(MessageSerializer(messages, many=True, context=context).data)

    @extend_schema(responses={200: SuggestionHistorySerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, reference=None):
        """Every suggestion the AI made for the case, newest first; `current` is in force."""
        case = self.the_case(reference)
        suggestions = case.suggestions.select_related("intent").order_by("-created_at", "-pk")
        context = {"current_suggestion_id": case.current_suggestion_id}
        return Response(SuggestionHistorySerializer(suggestions, many=True, context=context).data)

    @extend_schema(responses={200: EventSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, reference=None):
        """The case's audit trail, oldest first: every transition and who made it."""
        case = self.the_case(reference)
        events = CaseEvent.objects.filter(case=case).select_related("actor_user")
        return Response(EventSerializer(events.order_by("created_at", "pk"), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
                OpenApiParameter.PATH,
                description="The attachment's id, from `attachments` of the case's messages.",
            )
        ],
        responses={
            **{
                (200, media_type): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description="The file, as a download (`Content-Disposition: attachment`). "
                    "Images, plain text and CSV keep their type; anything else is "
                    "application/octet-stream.",
                )
                for media_type in DOWNLOAD_TYPES
            },
            **errors(
                401,
                403,
                404,
                d404="No such case, no such attachment of this case, or the file was refused "
                "or is missing.",
            ),
        },
        description="Download one of the case's attachments, always as a download, never "
        "inline: the sender chose its bytes.",
        operation_id="v1_cases_attachments_download",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<id>[0-9]{1,18})",
        url_name="attachment-download",
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=IgnoreAccept,
    )
    def attachment(self, request, reference=None, id=None):
        case = self.the_case(reference)
        # Scoped to the case in the URL: another case's attachment id is a 404 here (T1).
        attachment = Attachment.objects.filter(pk=id, message__case=case).first()
        if attachment is None:
            return not_found_response(f"Case {case.reference} has no attachment {id}.")
        if attachment.rejected:
            return not_found_response(
                f"This attachment was refused and not stored: {attachment.rejected}."
            )
        # The same file, headers and type rule as the staff download (cases.views).
        response = attachment_download(attachment)
        if response is None:
            return not_found_response("The file of this attachment is missing.")
        return response

    @extend_schema(
        request=TransitionPayloadSerializer,
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(TRANSITION_NAMES),
                description="The transition; staff may run those in available_transitions.",
            ),
            IDEMPOTENCY_KEY,
        ],
        responses={
            200: CaseSerializer,
            **errors(
                400,
                401,
                403,
                404,
                409,
                413,
                415,
                422,
                d409="Not allowed now, another actor was first, or a request with this "
                "Idempotency-Key is still in flight.",
            ),
        },
        description="Run a transition; the names are in the case's available_transitions.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        url_name="transition",
        parser_classes=[JSONOnlyParser],
    )
    @idempotent
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


@extend_schema_view(
    list=extend_schema(
        parameters=[
            parameter("email", {"type": "string", "maxLength": 254}, "The address (exact).")
        ],
        responses={200: CustomerListSerializer(many=True), **errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(responses={200: CustomerDetailSerializer, **READ_ERRORS}),
)
class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers, for whoever may read cases; the detail lists their cases."""

    permission_classes = [permissions.IsAuthenticated, CanViewCustomers]
    pagination_class = ApiPagination
    # Anything else (letters, a number too big for the database) is the API's 404.
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        customers = Customer.objects.order_by("email", "pk")
        if self.action == "retrieve":
            return customers.prefetch_related(
                Prefetch("cases", Case.objects.order_by("-created_at", "-pk"))
            )
        return customers

    def filter_queryset(self, queryset):
        if self.action == "list" and "email" in self.request.query_params:
            field = serializers.CharField(max_length=254)
            try:
                email = field.run_validation(self.request.query_params["email"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"email": exc.detail}) from None
            queryset = queryset.filter(email=email.strip().lower())
        return queryset

    def get_serializer_class(self):
        return CustomerListSerializer if self.action == "list" else CustomerDetailSerializer
