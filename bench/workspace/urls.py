"""The product's URLconf plus two floor views the workspace pages are compared with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from bench.workspace.whatif import queue_whatif


def hello(request):
    """The cheapest Django response: no session, no database."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def hello_auth(request):
    """The same, after reading the session user (session row, user row, middleware)."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("_bench/hello/", hello),
    path("_bench/hello-auth/", hello_auth),
    path("_bench/queue-whatif/", queue_whatif),  # the queue with the proposed fixes (whatif.py)
    path("", include("backoffice.urls")),
]
