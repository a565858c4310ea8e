"""The agents' workspace: the queue, the case page and its actions (the review queue: review.views).

One function per page, thin; every state change goes through `case_transition`. Pages are
plain HTML that works without JavaScript; for htmx requests the view renders a named partial.
"""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import staff_required
from cases.downloads import attachment_download, attachment_not_found
from cases.middleware import SESSION_KEY as STAFF_LANGUAGE_KEY
from cases.middleware import SHORTCUTS_KEY
from cases.models import (
    STAFF,
    TRANSITION_NAMES,
    Attachment,
    Case,
    Macro,
    StaffProfile,
    State,
    transitions_of,
)
from cases.organising import case_organising, rows_tagged, toolbar_context
from cases.presence import on_case as present_on
from cases.presence import with_presence
from cases.presenters import (
    QUEUE_COLUMNS,
    action_forms,
    conversation,
    draft_blanks,
    queue_rows,
    search_columns,
)
from cases.selectors import (
    arrived_since,
    case_emails,
    case_messages,
    case_timeline,
    counted_by_state,
    latest_arrival,
    listed_count,
    open_reasons,
    other_cases,
    queue_cases,
    queue_filters,
    reason_counts,
    state_counts,
    user_unnamed,
)
from cases.sla import case_targets
from cases.transitions import Actor, TransitionError, case_record, case_transition
from cases.transitions.fields import INTENTS
from cases.transitions.forms import transition_form
from cases.transitions.path import why_not

PAGE_SIZE = 50


@require_GET
@staff_required
def queue(request):
    filters = queue_filters(request.GET)
    cases = queue_cases(request.user, filters).with_open_reasons()
    partial = request.htmx and request.htmx.target == "case-list"
    # The page shows the counts by state; they tell the paginator its count where they can,
    # instead of a COUNT of the list (the list partial reads them only for that).
    counts = state_counts() if not partial or counted_by_state(filters) else None
    paginator = Paginator(cases, PAGE_SIZE)
    if counts is not None and counted_by_state(filters):
        paginator.count = listed_count(filters, counts)
    page = paginator.get_page(request.GET.get("page"))
    columns = QUEUE_COLUMNS + (search_columns() if filters["q"] else ())
    context = {
        "page": page,
        "rows": with_presence(
            rows_tagged(queue_rows(page.object_list.values(*columns), timezone.now())),
            request.user,
        ),
        "filters": filters,
        "querystring": request.GET.copy(),
    }
    if partial:
        return vary_on_htmx(render(request, "cases/queue.html#case-list", context))
    context |= {
        "state_counts": counts,
        "states": State.choices,
        "latest": latest_arrival(),
        **queue_facets(),
    }
    return vary_on_htmx(render(request, "cases/queue.html", context))


FACETS_SECONDS = 5


def queue_facets() -> dict:
    """What the queue page offers to filter and act with, the same for every agent: reason
    counts, intents, tags, colleagues. Read at most every few seconds, per language, from the
    shared cache (the counts by state, which the paginator trusts, are always read)."""
    key = f"queue-facets:{translation.get_language()}"
    facets = cache.get(key)
    if facets is None:
        facets = {"reason_counts": reason_counts(), "intents": INTENTS(), **toolbar_context()}
        cache.set(key, facets, FACETS_SECONDS)
    return facets


def vary_on_htmx(response):
    """One URL, two bodies (page or list): caches must not hand the list to a page load."""
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
@staff_required
def queue_news(request):
    """How many cases arrived since the agent loaded the list (polled; changes nothing)."""
    try:
        since = parse_datetime(request.GET.get("since", ""))
    except ValueError:
        since = None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    arrived = arrived_since(since)
    return render(request, "cases/queue.html#news", {"arrived": arrived, "latest": since})


def case_context(request, case: Case) -> dict:
    suggestion = case.current_suggestion
    available = [
        t.name
        for t in case.get_available_user_state_transitions(request.user)
        if STAFF in t.custom["by"]
    ]
    timeline = case_timeline(case)
    macros = list(Macro.objects.for_case(case)) if "reply" in available else []
    chosen = next((m for m in macros if str(m.pk) == request.GET.get("macro")), None)
    reply_text = chosen.text_for(case, request.user) if chosen else None
    forms = action_forms(case, suggestion, available, reply_text=reply_text)
    return {
        "case": case,
        "sla": case_targets(case),  # the SLA targets and who else is on it: templates/live/
        "present": present_on(case.reference, request.user),
        "polled": bool(request.htmx),  # a swapped panel beats with the poll, not again at once
        "suggestion": suggestion,
        "reasons": case_reasons(case),
        "available": available,
        "forms": forms,
        # The alternatives by their names, from the choices the composer reads anyway.
        "intent_names": intent_names(forms, suggestion),
        "blanks": draft_blanks(suggestion) if "approve" in available else [],
        # One owner: a case assigned to someone else is theirs; supervisors may force it.
        "held_by": holder_name(case, request.user),
        "may_force": request.user.has_perm("cases.handle_escalated"),
        "why_not": why_not(case, request.user),
        "conversation": conversation(case_messages(case), timeline, case_emails(case)),
        "timeline": timeline,
        "macros": macros,
        "macro": chosen,
        "other_cases": other_cases(case),
        "from_review": request.GET.get("from") == "review" or request.POST.get("from") == "review",
        **case_organising(case, request.user),
    }


def intent_names(forms: dict, suggestion) -> dict:
    """Intents by slug, for the alternatives: from the composer's choices when it is shown."""
    if "approve" in forms:
        return dict(forms["approve"].fields["intent"].choices)
    return dict(INTENTS()) if suggestion is not None and suggestion.alternatives else {}


def case_reasons(case: Case) -> list[str]:
    """Why a human is needed: the open review item's codes, read with the case (`load_case`);
    a case a transition just saved (and may have decided the item of) reads them anew."""
    if hasattr(case, "open_reasons"):
        return case.open_reasons or []
    return open_reasons(case)


def holder_name(case: Case, user) -> str:
    holder = case.assignee
    if holder is None or holder.pk == user.pk:
        return ""
    return holder.get_full_name() or holder.get_username()


def load_case(reference: str) -> Case:
    return get_object_or_404(
        Case.objects.with_open_reasons()
        .select_related(
            "customer",
            "assignee",
            "current_suggestion__intent",
        )
        .defer(*user_unnamed("assignee")),
        reference=reference,
    )


@require_GET
@staff_required
def case_detail(request, reference):
    case = load_case(reference)
    return render(request, "cases/case_detail.html", case_context(request, case))


@require_GET
@staff_required
def case_attachment(request, reference, pk):
    """Send one of the case's files as a download, never inline: senders choose its bytes."""
    case = get_object_or_404(Case, reference=reference)
    # Scoped to the case in the URL: another case's attachment id is a 404 here (no IDOR).
    attachment = get_object_or_404(Attachment, pk=pk, message__case=case)
    if attachment.rejected:
        return attachment_not_found(
            _("This attachment was refused and not stored: %(reason)s.")
            % {"reason": attachment.rejected}
        )
    response = attachment_download(attachment)
    if response is None:
        return attachment_not_found(_("The file of this attachment is missing."))
    return response


def after_action(
    request,
    reference: str,
    *,
    case: Case | None = None,
    error: TransitionError | None = None,
    done: str = "",
):
    """htmx: the case's main panel, fresh; plain POST: back to the page (or the next item).

    `case` is the case as a transition just locked and saved it, with the related rows the
    panel shows (`cases.transitions.path.LOCKED_RELATED`): reading it again would give the same.
    Without it (a refusal, a note, a claim) the panel reads the case as it is now.
    """
    if request.htmx:
        case = case or load_case(reference)
        context = case_context(request, case) | {"error": error, "done": done}
        response = render(request, "cases/case_detail.html#case-main", context)
        return response
    if error is not None:
        messages.error(request, error.message)
    elif done:
        messages.success(request, done)
    url = reverse("case-page", args=[reference])
    if request.POST.get("from") == "review":
        url += "?from=review"
    return HttpResponseRedirect(url)


def what_the_customer_got(event) -> str:
    """Say what went out, and to whom: the reply, or the question the customer now decides."""
    customer = event.case.customer
    name = customer.name or customer.email
    if "message" in event.data:
        return _("The reply was sent to %(name)s.") % {"name": name}
    if "confirmation" in event.data:
        return _("%(name)s is asked to decide, by email.") % {"name": name}
    return ""


def transition_payload(name: str, post) -> dict:
    """What the case page posted for this transition: the fields of its form."""
    fields = transition_form(name).base_fields
    payload = {key: post[key] for key in fields if key != "options" and post.get(key)}
    if "options" in fields and post.get("options"):
        payload["options"] = [line.strip() for line in post["options"].splitlines() if line.strip()]
    if "slots" in fields:
        slots = {key[5:]: value for key, value in post.items() if key.startswith("slot-")}
        if any(slots.values()):
            payload["slots"] = slots
    return payload


@require_POST
@staff_required
def case_action(request, reference, name):
    # The case is read once, locked, by case_transition (by reference): no read before it.
    if name not in TRANSITION_NAMES:
        get_object_or_404(Case.objects.only("pk"), reference=reference)  # an unknown case: 404
        raise PermissionDenied
    payload = transition_payload(name, request.POST)
    if request.FILES.getlist("attachments") and "attachments" in transition_form(name).base_fields:
        payload["attachments"] = request.FILES.getlist("attachments")
    if name in ("approve", "amend") and "options" in payload:
        # Options keep their ids (dates) when the agent only edits the labels' order or text.
        payload["options"] = [{"id": o, "label": o} for o in payload["options"]]
    actor = Actor.staff(request.user)
    event = on_case(request, reference, case_transition, name=name, actor=actor, payload=payload)
    if isinstance(event, HttpResponse):
        return event
    if event.name == "approval_recorded":
        done = _("Your approval is recorded; a second person must approve too.")
    else:
        # What happened, not what was clicked: the composer's approve of a changed text is an amend.
        label = transitions_of()[event.name][0].custom.get("label", event.name)
        done = _("Done: %(transition)s.") % {"transition": str(label).lower()}
        done = " ".join(filter(None, [done, what_the_customer_got(event)]))
    return after_action(request, reference, case=event.case, done=done)


@require_POST
@staff_required
def case_note(request, reference):
    note = {"note": request.POST.get("note", "")}
    return case_act(request, reference, "note", note, done=_("Note added."))


@require_POST
@staff_required
def case_claim(request, reference):
    """Assign an unassigned case to me; two agents can't both win (the path locks the case)."""
    return case_act(request, reference, "claim", {}, done=_("The case is yours."))


def case_act(request, reference: str, name: str, payload: dict, *, done: str):
    """A recorded action on the case (a note, a claim), through the transition path."""
    actor = Actor.staff(request.user)
    event = on_case(request, reference, case_record, name=name, actor=actor, payload=payload)
    if isinstance(event, HttpResponse):
        return event
    return after_action(request, reference, done=done)


def on_case(request, reference: str, path, **kwargs):
    """Run the path on the case by its reference: the event, or the page that says why not."""
    try:
        return path(reference=reference, **kwargs)
    except Case.DoesNotExist:
        raise Http404 from None
    except TransitionError as error:
        if not request.htmx:  # a payload refused before the lock: the case may not exist
            get_object_or_404(Case.objects.only("pk"), reference=reference)
        return after_action(request, reference, error=error)


# The user's own settings.


@require_POST
@staff_required
def set_language(request):
    language = request.POST.get("language", "")
    if language not in dict(translation.trans_real.get_languages()):
        return HttpResponse(_("Unknown language."), status=400)
    StaffProfile.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[STAFF_LANGUAGE_KEY] = language
    return back_to_page(request)


@require_POST
@staff_required
def set_shortcuts(request):
    """Turn my single-key shortcuts on or off (WCAG 2.1.4), for every session of mine."""
    choice = request.POST.get("shortcuts", "")
    if choice not in ("on", "off"):
        return HttpResponse(_("Say on or off."), status=400)
    StaffProfile.objects.update_or_create(
        user=request.user,
        defaults={"shortcuts": choice == "on"},
        # A first profile keeps the language the person sees now.
        create_defaults={"shortcuts": choice == "on", "language": translation.get_language()},
    )
    request.session[SHORTCUTS_KEY] = choice == "on"
    if choice == "on":
        messages.success(request, _("Single-key shortcuts are on."))
    else:
        messages.success(request, _("Single-key shortcuts are off."))
    return back_to_page(request)


def back_to_page(request):
    """Back to the page the form was on (`next`), if it is ours; else the queue."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("queue")
    return HttpResponseRedirect(target)
