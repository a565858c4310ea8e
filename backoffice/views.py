"""The supervisors' dashboard, its policy buttons and the retraining progress.

Thin views: the figures come from `backoffice.dashboard`, the actions from
`review.supervision` (audited). Pages work without JavaScript; htmx polls the training run.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.views import SpectacularSwaggerView

from backoffice.dashboard import WINDOWS, dashboard_figures
from cases.access import supervisor_required
from review.evidence import WINDOW_DAYS, IntentEvidence, evidence_by_intent
from review.models import Intent, TrainingRun
from review.supervision import intent_mode_change, training_refresh, training_start


@require_GET
@supervisor_required
def dashboard(request):
    try:
        days = int(request.GET.get("days", WINDOW_DAYS))
    except ValueError:
        days = WINDOW_DAYS
    if days not in WINDOWS:
        days = WINDOW_DAYS
    context = dashboard_figures(days) | {
        "may_change_policy": request.user.has_perm("review.change_intent"),
        "may_retrain": request.user.has_perm("review.add_modelversion"),
    }
    return render(request, "dashboard/dashboard.html", context)


@require_POST
@supervisor_required
def intent_mode(request, slug):
    """Switch an intent between assist and auto: a new policy version, audited with evidence."""
    if not request.user.has_perm("review.change_intent"):
        raise PermissionDenied
    intent = get_object_or_404(Intent, slug=slug)
    mode = request.POST.get("mode", "")
    if mode not in Intent.Mode.values:
        return HttpResponseBadRequest(_("Unknown mode."))
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    evidence = evidence_by_intent(since).get(intent.pk, IntentEvidence())
    overall = evidence.overall
    seen = {
        "days": WINDOW_DAYS,
        "agreed": overall.agreed,
        "decisions": overall.total,
        "low": round(overall.low, 4),
        "high": round(overall.high, 4),
    }
    try:
        entry = intent_mode_change(intent=intent, mode=mode, user=request.user, evidence=seen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        intent.refresh_from_db()
        if entry is None:
            messages.info(request, _("%(intent)s was in that mode already.") % {"intent": intent})
        else:
            messages.success(
                request,
                _("%(intent)s is now in %(mode)s mode (policy version %(version)d).")
                % {
                    "intent": intent,
                    "mode": intent.get_mode_display(),
                    "version": intent.policy_version,
                },
            )
    return HttpResponseRedirect(reverse("dashboard") + "#intents")


@require_POST
@supervisor_required
def training_begin(request):
    if not request.user.has_perm("review.add_modelversion"):
        raise PermissionDenied
    run = training_start(user=request.user)
    if request.htmx:
        return render(request, "dashboard/training_run.html", {"run": fresh(run)})
    return HttpResponseRedirect(reverse("dashboard") + "#training")


@require_GET
@supervisor_required
def training_progress(request, pk):
    """The run's state, polled every second by htmx until it is done or failed."""
    if not request.user.has_perm("review.view_trainingrun"):
        raise PermissionDenied
    run = training_refresh(get_object_or_404(TrainingRun, pk=pk))
    return render(request, "dashboard/training_run.html", {"run": fresh(run)})


def fresh(run: TrainingRun) -> TrainingRun:
    return (
        TrainingRun.objects.select_related("model_version", "previous_version")
        .defer("model_version__blob", "previous_version__blob")
        .get(pk=run.pk)
    )


_swagger = SpectacularSwaggerView.as_view(url_name="schema")


def api_docs(request):
    """The API's docs for staff; logged out, a page that says so and links to the login."""
    if not request.user.is_authenticated:
        login_url = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        response = render(request, "401.html", {"login_url": login_url}, status=401)
        # The API itself answers with a token; a browser is sent to log in (link above).
        response["WWW-Authenticate"] = "Token"
        return response
    return _swagger(request)
