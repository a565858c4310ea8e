"""The API's endpoints: message intake, cases and what belongs to them, customers, transitions."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from cases.api.errors import READ_ERRORS, error_response, errors, not_found_response
from cases.api.filters import CASE_FILTERS, filter_cases, parameter
from cases.api.http import ApiPagination, IgnoreAccept, JSONOnlyParser
from cases.api.payloads import transition_payload_serializer
from cases.api.permissions import CanSubmitMessages, CanViewCases, CanViewCustomers
from cases.api.serializers import (
    CaseListSerializer,
    CaseSerializer,
    CustomerDetailSerializer,
    CustomerEmailSerializer,
    CustomerListSerializer,
    EventSerializer,
    MessageAcceptedSerializer,
    MessageInSerializer,
    MessageSerializer,
    SuggestionHistorySerializer,
)
from cases.downloads import PASSIVE_TYPES, attachment_download
from cases.idempotency import PARAMETER as IDEMPOTENCY_KEY
from cases.idempotency import idempotent
from cases.intake import message_receive
from cases.models import TRANSITION_NAMES, Attachment, Case, CaseEvent
from cases.selectors import cases_newest_first
from cases.transitions import Actor, TransitionError, case_transition
from customers.models import Customer

# What an attachment's download may be sent as (cases.downloads.attachment_download).
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
        return cases.select_related("duplicate_of", "merged_into").prefetch_related(
            Prefetch("events", CaseEvent.objects.select_related("actor_user")),
            "messages__attachments",
            "tags",
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

    @extend_schema(responses={200: CustomerEmailSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def emails(self, request, reference=None):
        """The emails about the customer's questions, oldest first: what they were asked, and
        the confirmation of their answer (replies are in `messages`, decisions in `events`)."""
        case = self.the_case(reference)
        emails = case.emails.select_related("confirmation").order_by("created_at", "pk")
        return Response(CustomerEmailSerializer(emails, many=True).data)

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
        # Scoped to the case in the URL: another case's attachment id is a 404 here (no IDOR).
        attachment = Attachment.objects.filter(pk=id, message__case=case).first()
        if attachment is None:
            return not_found_response(f"Case {case.reference} has no attachment {id}.")
        if attachment.rejected:
            return not_found_response(
                f"This attachment was refused and not stored: {attachment.rejected}."
            )
        # The same file, headers and type rule as the staff download (cases.downloads).
        response = attachment_download(attachment)
        if response is None:
            return not_found_response("The file of this attachment is missing.")
        return response

    @extend_schema(
        request=transition_payload_serializer(),
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
            return customers.prefetch_related(Prefetch("cases", cases_newest_first()))
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
