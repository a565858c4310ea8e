"""The API's one error format: {"detail", "code", "errors"}, and the schema's error responses."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import (
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.transitions import TransitionError


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
