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
from cases.views import PAGE_SIZE
from review.models import ReviewItem
from review.reasons import explain


def review_items(user):
    items = ReviewItem.objects.open().select_related(
        "case__customer", "case__current_suggestion__intent", "claimed_by"
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


@require_POST
@staff_required
def review_claim(request, pk):
    item = get_object_or_404(review_items(request.user), pk=pk)  # agents don't see escalated
    if not ReviewItem.objects.claim(item.pk, request.user):
        item.refresh_from_db()
        if item.claimed_by_id != request.user.pk:
            who = item.claimed_by.get_username() if item.claimed_by else _("someone else")
            messages.error(request, _("Already claimed by %(name)s.") % {"name": who})
            return redirect("review-queue")
    return redirect(reverse("case-page", args=[item.case.reference]) + "?from=review")


@require_POST
@staff_required
def review_next(request):
    """Claim the next item (or continue my claimed one) and open its case."""
    mine = review_items(request.user).filter(claimed_by=request.user).first()
    if mine is not None:
        return redirect(reverse("case-page", args=[mine.case.reference]) + "?from=review")
    for item in review_items(request.user).filter(status=ReviewItem.Status.OPEN)[:20]:
        if ReviewItem.objects.claim(item.pk, request.user):
            return redirect(reverse("case-page", args=[item.case.reference]) + "?from=review")
    messages.info(request, _("The review queue is empty. Well done."))
    return redirect("review-queue")
