"""Presence on a case and the notifications: small htmx endpoints beside the workspace.

The case page polls `case_presence` (who else has it open, who is typing) and the header polls
`notifications_badge`; `notifications` is the list. A heartbeat also marks the case's
notifications read: the case was opened. Nothing here changes a case.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import presence
from cases.access import staff_required
from cases.models import Case, Notification

LIST_SIZE = 50


@require_POST
@staff_required
def case_presence(request, reference):
    """A heartbeat from the case page (`typing=1` while typing): the others on the case."""
    case = get_object_or_404(Case.objects.only("pk", "reference"), reference=reference)
    presence.beat(reference, request.user, typing=request.GET.get("typing") == "1")
    Notification.objects.unread().filter(user=request.user, case=case).update(
        read_at=timezone.now()
    )
    context = {"case": case, "present": presence.on_case(reference, request.user), "polled": True}
    return render(request, "live/presence.html", context)


@require_GET
@staff_required
def notifications(request):
    """The list, newest first; opening it marks what it shows as read."""
    mine = Notification.objects.filter(user=request.user).select_related("case")
    page = Paginator(mine, LIST_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request,
        "live/notifications.html",
        {"page": page, "items": items, "fresh": set(unread)},
    )


@require_GET
@staff_required
def notifications_badge(request):
    unread = Notification.objects.unread().filter(user=request.user).count()
    return render(request, "live/badge.html", {"unread": unread, "polled": True})
