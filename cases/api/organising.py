"""The API's bulk endpoint, merges and tags (docs/bulk.md): the workspace's paths, as JSON."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.response import Response

from cases.api.errors import READ_ERRORS, error_response, errors
from cases.api.http import JSONOnlyParser
from cases.api.permissions import CanViewCases
from cases.api.serializers import CaseSerializer
from cases.api.views import CaseViewSet
from cases.bulk import BULK_ACTIONS, MAX_CASES, cases_bulk
from cases.idempotency import PARAMETER as IDEMPOTENCY_KEY
from cases.idempotency import idempotent
from cases.models import Case, Tag
from cases.transitions import Actor, TransitionError, case_record, case_transition

REFERENCE = OpenApiParameter(
    "reference",
    {"type": "string", "pattern": "^[0-9A-Za-z]{1,20}$"},
    OpenApiParameter.PATH,
    description="The case's reference.",
)


class BulkRequestSerializer(serializers.Serializer):
    references = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=MAX_CASES
    )
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    reason = serializers.CharField(
        max_length=2000, required=False, help_text="Required for escalate and close."
    )
    assignee = serializers.CharField(
        max_length=150, required=False, help_text="The colleague's username (assign)."
    )
    tag = serializers.CharField(max_length=40, required=False, help_text="The tag (tag, untag).")


class BulkOutcomeSerializer(serializers.Serializer):
    reference = serializers.CharField()
    ok = serializers.BooleanField()
    status = serializers.IntegerField(help_text="As the single case's request would answer.")
    message = serializers.CharField()
    state = serializers.CharField(allow_blank=True)


class BulkResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    results = BulkOutcomeSerializer(many=True)


@extend_schema(
    request=BulkRequestSerializer,
    examples=[
        OpenApiExample(
            "Close with a reason",
            value={"references": ["K7M2ABCD", "P3QR4STU"], "action": "close", "reason": "Done"},
            request_only=True,
        ),
        OpenApiExample(
            "Assign to me",
            value={"references": ["K7M2ABCD"], "action": "assign_me"},
            request_only=True,
        ),
    ],
    parameters=[IDEMPOTENCY_KEY],
    responses={
        200: OpenApiResponse(
            BulkResultSerializer,
            description="One result per case: each case was acted on, or refused, on its own.",
        ),
        **errors(400, 401, 403, 409, 413, 415, 422),
    },
    description="Assign (`assign_me`, `assign`), escalate, close, tag or untag many cases. Each "
    "case gets its own event; a refusal of one (409 someone else was first, 403 not yours to "
    "decide) leaves the others done.",
    operation_id="v1_cases_bulk",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated, CanViewCases])
@parser_classes([JSONOnlyParser])
@idempotent
def cases_bulk_api(request):
    given = BulkRequestSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = dict(given.validated_data)
    try:
        outcomes = cases_bulk(
            references=data.pop("references"),
            action=data.pop("action"),
            actor=Actor.staff(request.user),
            **data,
        )
    except TransitionError as error:
        return error_response(error)
    return Response(
        {
            "total": len(outcomes),
            "done": sum(o.ok for o in outcomes),
            "results": [o.as_dict() for o in outcomes],
        }
    )


class MergeRequestSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=20, help_text="The reference of the case kept.")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def case_answer(request, case: Case) -> Response:
    """The case as `GET /api/v1/cases/{reference}/` shows it."""
    cases = CaseViewSet(action="retrieve").get_queryset()
    return Response(CaseSerializer(cases.get(pk=case.pk), context={"request": request}).data)


@extend_schema(
    request=MergeRequestSerializer,
    parameters=[REFERENCE, IDEMPOTENCY_KEY],
    responses={
        200: OpenApiResponse(CaseSerializer, description="The duplicate, closed as merged."),
        **errors(
            400,
            401,
            403,
            404,
            409,
            413,
            415,
            422,
            d400="No such case to merge into, the same case, or another customer's case.",
            d409="The kept case is closed, or this case cannot be merged now (new, awaiting "
            "the customer's decision, closed).",
        ),
    },
    description="Merge this case (a duplicate) into another case of the same customer: its "
    "messages move there, it is closed as merged, and both cases record the merge.",
    operation_id="v1_cases_merge",
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated, CanViewCases])
@parser_classes([JSONOnlyParser])
@idempotent
def case_merge_api(request, reference):
    case = get_object_or_404(Case.objects.only("pk", "reference"), reference=reference)
    given = MergeRequestSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    try:
        case_transition(
            case=case.pk,
            name="merge",
            actor=Actor.staff(request.user),
            payload=dict(given.validated_data),
        )
    except TransitionError as error:
        return error_response(error)
    return case_answer(request, case)


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["name", "colour"]
        read_only_fields = fields


class TagsSetSerializer(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=50, allow_empty=True
    )


class CaseTagsSerializer(serializers.Serializer):
    reference = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class TagFilterSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=40, required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": 40},
            OpenApiParameter.QUERY,
            description="Only tags whose name contains this (any case).",
        )
    ],
    responses={200: TagSerializer(many=True), **errors(400, 401, 403)},
    description="The tags (supervisors keep them in the admin).",
    operation_id="v1_tags_list",
)
@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated, CanViewCases])
def tags_list(request):
    given = TagFilterSerializer(data={k: v for k, v in request.query_params.items() if k == "q"})
    given.is_valid(raise_exception=True)
    tags = Tag.objects.filter(name__icontains=given.validated_data.get("q", ""))
    return Response(TagSerializer(tags, many=True).data)


@extend_schema(
    methods=["GET"],
    parameters=[REFERENCE],
    responses={200: CaseTagsSerializer, **READ_ERRORS},
    operation_id="v1_cases_tags_retrieve",
)
@extend_schema(
    methods=["PUT"],
    request=TagsSetSerializer,
    examples=[OpenApiExample("No tags", value={"tags": []}, request_only=True)],
    parameters=[REFERENCE],
    responses={
        200: CaseTagsSerializer,
        **errors(400, 401, 403, 404, 409, 413, 415, d400="An unknown tag; nothing changed."),
    },
    description="Set the case's tags: each one added or removed is its own event "
    "(tagged, untagged). Tags are named as they exist (any case).",
    operation_id="v1_cases_tags_update",
)
@api_view(["GET", "PUT"])
@permission_classes([permissions.IsAuthenticated, CanViewCases])
@parser_classes([JSONOnlyParser])
def case_tags(request, reference):
    case = get_object_or_404(Case.objects.only("pk", "reference"), reference=reference)
    if request.method == "PUT":
        given = TagsSetSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        wanted = {name.strip().casefold() for name in given.validated_data["tags"]}
        known = {t.name.casefold(): t for t in Tag.objects.all()}
        unknown = sorted(wanted - set(known))
        if unknown:
            return Response(
                {
                    "detail": f"There is no tag {unknown[0]!r}.",
                    "code": "invalid",
                    "errors": {"tags": [f"Unknown tag: {name}" for name in unknown]},
                },
                status=400,
            )
        current = {t.name.casefold() for t in case.tags.all()}
        actor = Actor.staff(request.user)
        try:
            with transaction.atomic():  # the set as a whole, or nothing
                for name in sorted(wanted - current):
                    payload = {"tag": known[name].name}
                    case_record(case=case.pk, name="tag", actor=actor, payload=payload)
                for name in sorted(current - wanted):
                    payload = {"tag": known[name].name}
                    case_record(case=case.pk, name="untag", actor=actor, payload=payload)
        except TransitionError as error:
            return error_response(error)
    names = [t.name for t in case.tags.all()]
    return Response({"reference": case.reference, "tags": names})
