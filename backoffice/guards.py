"""One guard for text no database stores: a NUL byte or a lone surrogate anywhere in the path,
the query or a form is a 400 that says so, before any view (the workspace, the admin, the
customers' pages) reads it.

Two kinds of request keep their own, richer answer: the API's (`/api/`, refused by its
serializers as a 400 in its documented JSON), and the workspace's htmx form posts, whose
transition forms refuse such text field by field (`cases.transitions.fields.clean_text`) and
show it where the person typed; their path and query are still guarded here.
"""

import re

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.html import escape
from django.utils.translation import gettext as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(request) -> bool:
    if UNSTORABLE.search(request.path):
        return True
    sources = [request.GET]
    htmx = request.headers.get("HX-Request") == "true"
    if (
        request.method == "POST"
        and not htmx
        and request.content_type
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
    ):
        sources.append(request.POST)
    return any(
        UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values)
        for source in sources
        for key, values in source.lists()
    )


class UnstorableTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and unstorable(request):
            message = _(
                "The request holds a NUL character or invalid Unicode; nothing was changed."
            )
            return HttpResponseBadRequest(
                f'<!doctype html><title>400</title><p role="alert">{escape(message)}</p>',
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """No camera, microphone, location or payment for any page (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
