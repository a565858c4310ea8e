"""The workspace's bulk actions, tags and merges (docs/bulk.md); thin, through the one path."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import staff_required
from cases.bulk import cases_bulk
from cases.organising import rows_tagged
from cases.presenters import QUEUE_COLUMNS, queue_rows
from cases.selectors import queue_cases, queue_filters
from cases.transitions import Actor, InvalidPayload, case_transition
from cases.views import PAGE_SIZE, after_action, case_act, on_case, vary_on_htmx


def bulk_summary(outcomes) -> dict:
    return {
        "total": len(outcomes),
        "done": sum(o.ok for o in outcomes),
        "failed": [o for o in outcomes if not o.ok],
    }


@require_POST
@staff_required
def queue_bulk(request):
    """One action on the checked cases; each case's outcome is said by its reference."""
    post = request.POST
    try:
        outcomes = cases_bulk(
            references=post.getlist("case"),
            action=post.get("action", ""),
            actor=Actor.staff(request.user),
            **{k: post[k] for k in ("reason", "assignee", "tag") if k in post},
        )
        bulk = bulk_summary(outcomes)
    except InvalidPayload as error:
        bulk = {"error": error.message}
    if request.htmx:
        # The list as the agent filtered it (the page's URL), with what happened on top.
        params = QueryDict(urlsplit(request.htmx.current_url or "").query)
        cases = queue_cases(request.user, queue_filters(params)).with_open_reasons()
        page = Paginator(cases, PAGE_SIZE).get_page(params.get("page"))
        context = {
            "page": page,
            "rows": rows_tagged(
                queue_rows(page.object_list.values(*QUEUE_COLUMNS), timezone.now())
            ),
            "filters": queue_filters(params),
            "querystring": params.copy(),
            "bulk": bulk,
        }
        return vary_on_htmx(render(request, "cases/queue.html#case-list", context))
    if "error" in bulk:
        messages.error(request, bulk["error"])
    else:
        messages.success(request, done_text(bulk))
        for outcome in bulk["failed"]:
            messages.error(request, f"{outcome.reference}: {outcome.message}")
    target = post.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("queue")
    return HttpResponseRedirect(target)


def done_text(bulk: dict) -> str:
    return _("%(done)s of %(total)s cases done.") % bulk


@require_POST
@staff_required
def case_tag(request, reference):
    """Add or remove one tag (`remove` set): a recorded action, an event."""
    tag = request.POST.get("tag", "")
    if request.POST.get("remove"):
        done = _("Tag %(tag)s removed.") % {"tag": tag}
        return case_act(request, reference, "untag", {"tag": tag}, done=done)
    return case_act(
        request, reference, "tag", {"tag": tag}, done=_("Tagged %(tag)s.") % {"tag": tag}
    )


@require_POST
@staff_required
def case_merge_view(request, reference):
    """Merge this case into the one it repeats; the page shows it closed, or why not."""
    payload = {
        k: request.POST[k] for k in ("into", "comment", "expected_state") if k in request.POST
    }
    actor = Actor.staff(request.user)
    event = on_case(request, reference, case_transition, name="merge", actor=actor, payload=payload)
    if isinstance(event, HttpResponse):
        return event
    done = _("Merged into %(into)s: its messages are there now.") % {"into": event.data["into"]}
    return after_action(request, reference, case=event.case, done=done)
