"""The review queue: the HITL work list, and claiming its items.

Thin views over `ReviewItem`; the case page itself (and every decision) is the workspace's
(`cases.views`), which a claimed item opens with `?from=review`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.access import staff_required
from cases.models import State
from cases.transitions import Actor, TransitionError, case_record
from cases.views import PAGE_SIZE
from review.models import ReviewItem
from review.reasons import explain


def review_items(user):
    items = ReviewItem.objects.open().select_related(
        "case__customer", "case__assignee", "case__current_suggestion__intent", "claimed_by"
    )
    if not user.has_perm("cases.handle_escalated"):
        items = items.exclude(case__state=State.ESCALATED)
    return items.order_by("-case__priority", "created_at", "pk")


@require_GET
@staff_required
def review_queue(request):
    page = Paginator(review_items(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (item, [explain(code, item.case.current_suggestion) for code in item.reason_codes])
        for item in page
    ]
    return render(request, "review/review_queue.html", {"page": page, "rows": rows})


def case_claim(item: ReviewItem, user) -> str:
    """Claim the item's case (and so the item): "" when it is mine, else who holds it."""
    if item.case.assignee_id == user.pk:
        return ""
    try:
        case_record(case=item.case_id, name="claim", actor=Actor.staff(user))
    except TransitionError as refused:
        return refused.message
    return ""


def to_case(item: ReviewItem):
    return redirect(reverse("case-page", args=[item.case.reference]) + "?from=review")


@require_POST
@staff_required
def review_claim(request, pk):
    item = get_object_or_404(review_items(request.user), pk=pk)  # agents don't see escalated
    refused = case_claim(item, request.user)
    if refused:
        messages.error(request, refused)
        return redirect("review-queue")
    return to_case(item)


@require_POST
@staff_required
def review_next(request):
    """Continue my case, or claim the next one nobody holds, and open it."""
    mine = review_items(request.user).filter(case__assignee=request.user).first()
    if mine is not None:
        return to_case(mine)
    for item in review_items(request.user).filter(case__assignee=None)[:20]:
        if not case_claim(item, request.user):
            return to_case(item)
    messages.info(request, _("The review queue is empty. Well done."))
    return redirect("review-queue")
