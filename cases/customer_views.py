"""The workspace's customer page: who they are, all their cases and the decisions they took.

Reads `customers.models` only (the one thing `cases` may import from above); the API's customer
detail (`cases.api`) shows the same facts from the same selectors.
"""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.access import staff_required
from cases.selectors import customer_cases, customer_decisions
from customers.models import Customer


@require_GET
@staff_required
def customer_detail(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    cases = list(customer_cases(customer))
    context = {
        "customer": customer,
        "cases": cases,
        "message_count": sum(case.message_count for case in cases),
        "decisions": list(customer_decisions(customer)),
    }
    return render(request, "cases/customer_detail.html", context)
