"""What-if: the queue view with the fixes docs/performance.md proposes, to measure what they buy.

Bench-only (served at /_bench/queue-whatif/ by bench/workspace/urls.py, never by the product).
It rendered the product's own template, `cases/queue.html`, with the same rows and counts as
`cases.views.queue` then, and differed in four places only:

1. reason counts grouped in SQL by the reason-code list (a few dozen rows) instead of loading
   every open review item's JSON and counting in Python (thousands of rows, O(backlog));
2. the 50 rows load only the columns the template shows (`.only()`), not every JSON column of
   the case, its suggestion and the intent (`proposal`, `outcome`, `alternatives`, `slots`,
   `options`, `adjustment`, `draft_reply`, `reply_templates`, …);
3. the state's label is looked up once per state, not through `get_state_display()` per row
   (which rebuilds the choices dict and translates on every call);
4. the intents for the filter load only slug and name.

`compare()` checks that both views produce the same page (apart from the CSRF token).

Since the queue render fixes (docs/performance.md, 28 Nov 2026) the product's view has fixes
1 to 4 and prepares every row's display values itself (`cases.presenters.queue_rows`); this what-if
now stands for the queue *before* those fixes: it renders `queue_before.html`, a copy of the
template as it was then (filters, `{% url %}` and the state label per row), so `compare()`
checks that the new rows print exactly what the old ones did, and the load test can still
measure the old row rendering beside the new one.
"""

import functools
import re
from pathlib import Path

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.template import engines
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import staff_required
from cases.models import Case, State
from cases.selectors import OPEN_STATES, queue_cases, queue_filters
from cases.views import PAGE_SIZE
from review.models import Intent, ReviewItem
from review.reasons import explain

ROW_FIELDS = (
    "reference",
    "subject",
    "state",
    "priority",
    "due_at",
    "customer__name",
    "customer__email",
    "assignee__username",
    "current_suggestion__confidence",
    "current_suggestion__intent__name",
)


def reason_counts_sql() -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    grouped = (
        ReviewItem.objects.open()
        .order_by()
        .values_list("reason_codes")
        .annotate(n=Count("pk"))
        .values_list("reason_codes", "n")
    )
    for codes, n in grouped:
        for code in codes:
            counts[code] = counts.get(code, 0) + n
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@require_GET
@staff_required
def queue_whatif(request):
    filters = queue_filters(request.GET)
    cases = (
        queue_cases(request.user, filters)
        .select_related("customer", "assignee", "current_suggestion__intent")
        .only(*ROW_FIELDS)
        .with_open_reasons()
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {state: str(label) for state, label in State.choices}
    for case in page.object_list:
        case.get_state_display = labels[case.state]  # the template reads it as a value
    context = {
        "page": page,
        "filters": filters,
        "querystring": request.GET.copy(),
        "now": timezone.now(),
    }
    state_counts = dict(
        Case.objects.filter(state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    context |= {
        "state_counts": [(state, state.label, state_counts.get(state, 0)) for state in OPEN_STATES],
        "reason_counts": [(code, explain(code), n) for code, n in reason_counts_sql()],
        "intents": Intent.objects.only("slug", "name").order_by("name"),
        "latest": Case.objects.order_by("-created_at").values_list("created_at", flat=True).first(),
    }
    return HttpResponse(before_template().render(context, request))


@functools.cache
def before_template():
    """The queue's template as it was before the render fixes (a copy, `queue_before.html`)."""
    return engines["django"].from_string((Path(__file__).parent / "queue_before.html").read_text())


def normalise(html: bytes) -> str:
    text = html.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    # The page's own URL: the nav's aria-current and the language form's "next".
    text = text.replace('<a href="/" aria-current="page">', '<a href="/" >')
    return text.replace('value="/_bench/queue-whatif/', 'value="/')


def compare(client, query: str = "", **headers) -> bool:
    """Same page from the product's view and from the what-if (test client, logged in)."""
    product = client.get("/" + query, **headers)
    whatif = client.get("/_bench/queue-whatif/" + query, **headers)
    same = normalise(product.content) == normalise(whatif.content)
    if not same:
        import difflib

        diff = difflib.unified_diff(
            normalise(product.content).splitlines(),
            normalise(whatif.content).splitlines(),
            lineterm="",
            n=0,
        )
        print("\n".join(list(diff)[:40]))
    return same
