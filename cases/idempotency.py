"""`Idempotency-Key` for the API's POSTs, after Stripe and draft-ietf-httpapi-idempotency-key.

A request with the header first claims its key: one row per (user, key), inserted and
committed before the view runs, so a concurrent request with the same key finds it and gets
a 409. The view then runs in one transaction with the recording of its answer: a successful
answer is stored with the effect it reports, or neither is. A retry with the same key and the
same request (method, path, body) gets the stored status and body back and changes nothing;
with a different request it is a 422. Error answers are not stored: the key is released and
the caller may correct the request and send it again with the same key. Keys are forgotten
after 24 hours (`purge_expired`, scheduled hourly).
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
# A claim older than this whose request never finished (its process died) may be taken over.
STALE = timedelta(minutes=5)
MAX_LENGTH = 255

PARAMETER = OpenApiParameter(
    name=HEADER,
    location=OpenApiParameter.HEADER,
    type=OpenApiTypes.STR,
    required=False,
    description=(
        "Makes a retry safe: the same key with the same request returns the stored answer and "
        "does nothing again; with another request it is a 422; while the first request is still "
        "running it is a 409. Keys are kept for 24 hours, per user. 1-255 printable ASCII "
        "characters, e.g. a UUID."
    ),
)


def error(status: int, code: str, detail: str, errors: dict | None = None) -> Response:
    return Response({"detail": detail, "code": code, "errors": errors or {}}, status=status)


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_LENGTH and all(" " <= char <= "~" for char in key)


def fingerprint(request: Request) -> str:
    """SHA-256 of the body, JSON in a canonical form (key order and spacing do not matter)."""
    raw = request._request.body  # read before DRF parses it; Django keeps the bytes
    try:
        canonical = json.dumps(
            json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        ).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = raw
    return hashlib.sha256(canonical).hexdigest()


def idempotent(view):
    """Decorate an API view function (request, …) or view method (self, request, …)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request = args[0] if isinstance(args[0], Request) else args[1]
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not valid_key(key):
            return error(
                400,
                "invalid",
                f"The {HEADER} header must be 1 to {MAX_LENGTH} printable ASCII characters.",
                {HEADER: ["Invalid key."]},
            )
        claim, answer = take(request, key)
        if answer is not None:
            return answer
        try:
            with transaction.atomic():
                response = view(*args, **kwargs)
                if 200 <= response.status_code < 300:
                    claim.status_code = response.status_code
                    claim.response_body = json.loads(JSONRenderer().render(response.data))
                    claim.completed_at = timezone.now()
                    claim.save(update_fields=["status_code", "response_body", "completed_at"])
                    return response
        except BaseException:
            release(claim)
            raise
        release(claim)
        return response

    return wrapper


def take(request: Request, key: str):
    """Claim the key for this request: (claim, None), or (None, the answer to give instead)."""
    now = timezone.now()
    user = request.user
    method = request.method
    path = request.get_full_path()[:500]
    digest = fingerprint(request)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=now - TTL).delete()
    for _ in range(2):
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=method,
                    path=path,
                    request_hash=digest,
                    created_at=now,
                )
            return claim, None
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is not None:
                break
            # Released (its request failed) between our insert and our look: claim again.
    else:
        return None, in_flight()
    if (existing.method, existing.path, existing.request_hash) != (method, path, digest):
        return None, error(
            422,
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request; use a new key.",
            {HEADER: ["Used for a different request."]},
        )
    if existing.status_code is None:
        # A claim whose request never finished (its process died) may be taken over.
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk, status_code__isnull=True, created_at__lt=now - STALE
        ).update(created_at=now)
        if taken:
            existing.created_at = now
            return existing, None
        return None, in_flight()
    response = Response(existing.response_body, status=existing.status_code)
    response["Idempotent-Replayed"] = "true"
    return None, response


def in_flight() -> Response:
    return error(
        409,
        "idempotency_key_in_use",
        f"A request with this {HEADER} is still being processed; retry later.",
    )


def release(claim: IdempotencyKey) -> None:
    """Forget a claim whose request failed, so that the same key can be used again."""
    IdempotencyKey.objects.filter(pk=claim.pk, status_code__isnull=True).delete()


def purge_expired(now=None) -> int:
    cutoff = (now or timezone.now()) - TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
