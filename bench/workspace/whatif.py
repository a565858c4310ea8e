"""What-if: the queue as it was rendered before its rows were rendered in one pass in Python.

Bench-only (served at /_bench/queue-whatif/ by bench/workspace/urls.py, never by the product).
History: first the queue view with the fixes docs/performance.md proposed (reason counts
grouped in SQL, `.only()` on the rows, the state's label once per state, intents' names
only); from the queue render fixes (28 Nov 2026) a copy of the template before those. Since
"Queue rows in one pass" (issue 16, 6 Dec 2026) it is the product's queue view, with the same
context and statements, rendering `queue_before.html`: the queue's template as it was just
before (commit 783ec24, the row and presence/SLA includes inlined), whose fifty rows and
filter options are loops of template nodes. So `compare()` checks, on the bench's own data,
that the rows and options rendered in Python print exactly what those loops printed, and the
load test measures the old rendering beside the new one (`queue_whatif`).
"""

import functools
import re
from pathlib import Path

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import engines
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import staff_required
from cases.models import State
from cases.organising import rows_tagged
from cases.presence import with_presence
from cases.presenters import QUEUE_COLUMNS, queue_rows, search_columns
from cases.selectors import (
    counted_by_state,
    latest_arrival,
    listed_count,
    queue_cases,
    queue_filters,
    state_counts,
)
from cases.views import PAGE_SIZE, queue_facets


@require_GET
@staff_required
def queue_whatif(request):
    """`cases.views.queue` (the whole page, no htmx partial) with the template before."""
    filters = queue_filters(request.GET)
    cases = queue_cases(request.user, filters).with_open_reasons()
    counts = state_counts()
    paginator = Paginator(cases, PAGE_SIZE)
    if counted_by_state(filters):
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
        "state_counts": counts,
        "states": State.choices,
        "latest": latest_arrival(),
        **queue_facets(),
    }
    return HttpResponse(before_template().render(context, request))


@functools.cache
def before_template():
    """The queue's template before its rows were rendered in Python (`queue_before.html`)."""
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
