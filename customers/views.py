"""The customer's pages behind an emailed link: look, then decide with an explicit POST.

Mail scanners and link previews fetch every link (and some submit forms that submit
themselves), so GET and HEAD only show; a decision is a POST with CSRF after the customer
picked an answer. The token leaves the URL at once: its hash moves into the session and the
browser is sent to a token-less address, so it is not in later logs, history or Referer headers
(nor in the session table: a database dump yields no working links).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.log import log_response
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.access import staff_required
from cases.roles import is_supervisor
from cases.transitions import TransitionError, TransitionForbidden
from customers.emails import render_email
from customers.models import ConfirmationRequest, EmailOutbox, hash_token
from customers.services import confirmation_decide

SESSION_TOKEN = "customer_link_token"  # noqa: S105 - a session key; it holds the token's hash
SESSION_LANGUAGE = "customer_language"
LANGUAGES = dict(settings.LANGUAGES)
LINK_IN_LOGS = "/c/<token>/"
STAFF_REFUSED = gettext_lazy(
    "You are logged in as staff. Customers decide on their own link; decide on the case page."
)


def is_staff(user) -> bool:
    """Anyone who works cases (or administers): their click would be recorded as the customer's."""
    return user.is_authenticated and user.has_perm("cases.view_case")  # superusers have it


@never_cache
@csrf_exempt  # It changes nothing; Django's CSRF refusal would log the path, token and all.
def customer_link(request, token):
    """Take the token out of the URL: keep its hash in the session, redirect to the page."""
    if request.method not in ("GET", "HEAD"):
        # Refused as require_http_methods would, but logged without the token in the path.
        response = HttpResponseNotAllowed(["GET", "HEAD"])
        log_response("Method Not Allowed (%s): %s", request.method, LINK_IN_LOGS, response=response)
        return response
    digest = hash_token(token) if len(token) <= 100 else ""
    confirmation = ConfirmationRequest.objects.for_digest(digest) if digest else None
    if confirmation is None:
        # A probe or a mistyped link: answered without creating a session (no row per probe).
        language = page_language(request, None)
        with translation.override(language):
            return render_page(request, None, "unknown", 404, language)
    request.session[SESSION_TOKEN] = digest
    return HttpResponseRedirect(reverse("customer-page"))


def page_language(request, confirmation) -> str:
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGES:
        request.session[SESSION_LANGUAGE] = chosen
        return chosen
    if request.session.get(SESSION_LANGUAGE) in LANGUAGES:
        return request.session[SESSION_LANGUAGE]
    if confirmation is not None:
        language = confirmation.case.language or confirmation.case.customer.language
        if language in LANGUAGES:
            return language
    return translation.get_language_from_request(request)


def status_page(confirmation) -> tuple[str, int]:
    """Which page a link shows, and with which status code."""
    if confirmation is None:
        return "unknown", 404
    if confirmation.status in (
        ConfirmationRequest.Status.ACCEPTED,
        ConfirmationRequest.Status.DECLINED,
    ):
        return "decided", 200
    if confirmation.status in (
        ConfirmationRequest.Status.SUPERSEDED,
        ConfirmationRequest.Status.REVOKED,
    ):
        return "superseded", 410
    if not confirmation.is_open:
        return "expired", 410
    return "open", 200


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def customer_page(request):
    confirmation = ConfirmationRequest.objects.for_digest(request.session.get(SESSION_TOKEN, ""))
    language = page_language(request, confirmation)
    with translation.override(language):
        page, status = status_page(confirmation)
        error = None
        if request.method == "POST":
            if page != "open":
                status = 409 if page == "decided" else status
                return render_page(request, confirmation, page, status, language)
            if is_staff(request.user):
                # Customers decide on their own link; staff decide on the case page, as staff.
                error = TransitionForbidden(STAFF_REFUSED)
                return render_page(request, confirmation, page, 403, language, error=error)
            try:
                confirmation_decide(
                    confirmation=confirmation,
                    decision=request.POST.get("decision", ""),
                    option=request.POST.get("option", ""),
                    comment=request.POST.get("comment", "")[:2000],
                )
            except TransitionError as failure:
                error = failure
                status = 409 if failure.status == 409 else 400
                confirmation.refresh_from_db()
                page = status_page(confirmation)[0]
            else:
                # Post/redirect/get: a reload does not post the decision again.
                return HttpResponseRedirect(reverse("customer-page"))
        return render_page(request, confirmation, page, status, language, error=error)


def render_page(request, confirmation, page, status, language, error=None):
    context = {
        "confirmation": confirmation,
        "case": confirmation.case if confirmation else None,
        "page": page,
        "error": error,
        "language": language,
        "languages": settings.LANGUAGES,
    }
    return render(request, "customers/page.html", context, status=status)


@staff_required
def outbox(request):
    """The demo's mailbox: without EMAIL_HOST, customer mail is listed here for supervisors
    (its links decide for the customer: not every colleague should hold them)."""
    if settings.EMAIL_HOST:
        raise Http404("Mail goes out through SMTP.")
    if not is_supervisor(request.user):
        raise PermissionDenied
    rows = EmailOutbox.objects.select_related("case__customer", "confirmation")[:50]
    emails = [(row, render_email(row)) for row in rows]
    return render(request, "customers/outbox.html", {"emails": emails})
