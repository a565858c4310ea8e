"""The read side of cases: which cases the workspace queue and the API list show, in what order.

One meaning per filter, shared by the workspace (`cases.views`) and the REST API
(`cases.api`): a reason code matches the case's open review item (what the queue's reason
facet counts), an intent the current suggestion's, a search (`cases.search.search_cases`)
the reference, the customer, the subject, the messages and the notes, in every state.
Review rows are reached through the relations (`review_items`, `current_suggestion`): cases
never imports review.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from cases.models import OPEN_REVIEW_STATUSES, Attachment, Case, State, open_review_items
from cases.search import normalized, search_cases
from customers.models import ConfirmationRequest

OPEN_STATES = [
    State.NEW,
    State.IN_REVIEW,
    State.ESCALATED,
    State.IN_PROGRESS,
    State.AWAITING_CUSTOMER,
]
ACTIONABLE_STATES = [State.IN_REVIEW, State.ESCALATED, State.IN_PROGRESS]
ALL_STATES = "all"  # the queue's state filter: every state, resolved and closed too


# The workspace queue.


def queue_filters(params) -> dict:
    """The queue's filters from its query parameters (a QueryDict); anything else is ignored."""
    return {
        "state": params.get("state", ""),
        "intent": params.get("intent", ""),
        "reason": params.get("reason", ""),
        "assigned": params.get("assigned", ""),
        "overdue": params.get("overdue", "") == "1",
        "tag": params.get("tag", "").strip()[:40],
        "q": normalized(params.get("q", ""))[:100],
    }


def queue_cases(user, filters: dict):
    """The cases the queue lists for these filters, in queue order (a search: best first).

    Without a state the queue lists the actionable cases, and a search every case.
    """
    cases = Case.objects.all()
    if filters["state"] in State.values:
        cases = cases.filter(state=filters["state"])
    elif filters["state"] != ALL_STATES and not filters["q"]:
        cases = cases.filter(state__in=ACTIONABLE_STATES)
    if filters["intent"]:
        cases = cases.with_intent(filters["intent"])
    if filters["reason"]:
        cases = cases.with_open_review_reason(filters["reason"])
    if filters["assigned"] == "me":
        cases = cases.filter(assignee=user)
    elif filters["assigned"] == "none":
        cases = cases.filter(assignee__isnull=True)
    if filters["overdue"]:
        cases = cases.filter(due_at__lt=timezone.now())
    if filters["tag"]:
        cases = cases.with_tag(filters["tag"])
    if filters["q"]:
        return search_cases(cases, filters["q"])
    return cases.order_by("due_at", "-priority", "pk")


def state_counts() -> list[tuple[str, str, int]]:
    """(state, label, cases) for each open state, in the lifecycle's order."""
    counts = dict(
        Case.objects.filter(state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return [(state, state.label, counts.get(state, 0)) for state in OPEN_STATES]


def reason_counts() -> list[tuple[str, int]]:
    """(code, open review items) for each reason code, most frequent first."""
    # Grouped in SQL by the whole list (few distinct combinations), split here.
    counts: dict[str, int] = {}
    combinations = (
        open_review_items().order_by().values_list("reason_codes").annotate(n=Count("pk"))
    )
    for codes, n in combinations:
        for code in codes:
            counts[code] = counts.get(code, 0) + n
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def counted_by_state(filters: dict) -> bool:
    """Whether the counts by state tell how many cases the queue lists: filtered by an open
    state, or not at all (the actionable ones)."""
    if any(filters[name] for name in ("intent", "reason", "assigned", "overdue", "tag", "q")):
        return False
    return not filters["state"] or filters["state"] in OPEN_STATES


def listed_count(filters: dict, counts: list[tuple[str, str, int]]) -> int | None:
    """How many cases the queue lists, from the counts by state (`counted_by_state`); None
    when only a COUNT of the list can tell."""
    if not counted_by_state(filters):
        return None
    by_state = {state: n for state, _label, n in counts}
    if not filters["state"]:
        return sum(by_state[state] for state in ACTIONABLE_STATES)
    return by_state[filters["state"]]


def latest_arrival():
    """When the newest case was created (None without cases): the queue polls for newer ones."""
    return Case.objects.order_by("-created_at").values_list("created_at", flat=True).first()


def arrived_since(since) -> int:
    return Case.objects.filter(created_at__gt=since).count() if since else 0


# The case page: what it shows of each row, only those columns (docs/performance.md, "Case page
# and take over"): compiling, fetching and building the columns nobody reads was most of the
# page's SQL cost. A column used but not listed here is a lazy load the statement-count tests
# catch.


def open_reasons(case: Case) -> list[str]:
    """The reason codes of the case's open review item (at most one); [] without one."""
    items = case.review_items.filter(status__in=OPEN_REVIEW_STATUSES)
    return items.values_list("reason_codes", flat=True).first() or []


def names_only(relation: str) -> tuple[str, ...]:
    """A related user's columns a page names them by (`get_full_name`, `get_username`)."""
    names = ("id", get_user_model().USERNAME_FIELD, "first_name", "last_name")
    return tuple(f"{relation}__{name}" for name in names)


def user_unnamed(relation: str) -> tuple[str, ...]:
    """The rest of a related user's columns (password, dates, flags): `defer` them."""
    named = {name.partition("__")[2] for name in names_only(relation)}
    fields = get_user_model()._meta.concrete_fields
    return tuple(f"{relation}__{f.name}" for f in fields if f.name not in named)


MESSAGE_SHOWN = (
    *("case", "direction", "author_kind", "author_user", "subject", "text", "created_at"),
    *("sent_at", "attempts", "next_attempt_at", "delivery_error", "undelivered_at"),
)
ATTACHMENT_SHOWN = ("message", "file", "filename", "content_type", "size", "rejected")
EMAIL_SHOWN = ("case", "kind", "status", "confirmation", "sent_at", "created_at")
CONFIRMATION_SHOWN = ("kind", "status", "text", "options", "adjustment")


def case_messages(case: Case) -> list:
    """The conversation's messages, their authors' names and their attachments (`files`).

    Attachments are read only when a message has any (most have none): one statement fewer.
    """
    files = Attachment.objects.filter(message=OuterRef("pk"))
    messages = list(
        case.messages.select_related("author_user")
        .only(*MESSAGE_SHOWN, *names_only("author_user"))
        .annotate(has_files=Exists(files))
    )
    by_message = defaultdict(list)
    with_files = [message.pk for message in messages if message.has_files]
    if with_files:
        for attachment in Attachment.objects.filter(message__in=with_files).only(*ATTACHMENT_SHOWN):
            by_message[attachment.message_id].append(attachment)
    for message in messages:
        message.files = by_message[message.pk]
    return messages


def case_emails(case: Case):
    """The emails to the customer, with what each asked or confirmed."""
    shown = (f"confirmation__{name}" for name in CONFIRMATION_SHOWN)
    return case.emails.select_related("confirmation").only(*EMAIL_SHOWN, *shown)


def case_timeline(case: Case) -> list:
    """Every event of the case, with who acted by name."""
    return list(case.events.select_related("actor_user").defer(*user_unnamed("actor_user")))


def other_cases(case: Case):
    """The customer's ten newest other cases: reference, subject, state."""
    others = case.customer.cases.exclude(pk=case.pk).order_by("-created_at")
    return others.only("reference", "customer", "subject", "state", "created_at")[:10]


# The REST API's case list: validated parameters (cases.api) → fixed lookups written here.

ORDERINGS = {
    "due_at": ("due_at", "pk"),
    "-due_at": ("-due_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
    "priority": ("priority", "due_at", "pk"),
    "-priority": ("-priority", "due_at", "pk"),
}

# Query parameter → the one lookup it may become.
RANGE_LOOKUPS = {
    "created_after": "created_at__gte",
    "created_before": "created_at__lt",
    "updated_after": "updated_at__gte",
    "updated_before": "updated_at__lt",
}


def api_cases(cases, given: dict):
    """Apply the API's validated filters (`cases.api` validates them) and its ordering."""
    if given.get("state"):
        cases = cases.filter(state__in=given["state"])
    if "intent" in given:
        cases = cases.with_intent(given["intent"])
    if "reason_code" in given:
        cases = cases.with_open_review_reason(given["reason_code"])
    if "tag" in given:
        cases = cases.with_tag(given["tag"])
    if "assignee" in given:
        cases = cases.filter(assignee__username=given["assignee"])
    for name, lookup in RANGE_LOOKUPS.items():
        if name in given:
            cases = cases.filter(**{lookup: given[name]})
    if given.get("q"):
        cases = search_cases(cases, given["q"])  # best first, unless an ordering is asked for
        return cases.order_by(*ORDERINGS[given["ordering"]]) if "ordering" in given else cases
    return cases.order_by(*ORDERINGS[given.get("ordering", "due_at")])


# A customer's page (the workspace) and detail (the API): the same facts.


def cases_newest_first():
    """Cases newest first, each with its `message_count` (a customer's, prefetched by the API)."""
    return Case.objects.annotate(message_count=Count("messages")).order_by("-created_at", "-pk")


def customer_cases(customer):
    """All the customer's cases, every state, newest first, each with its `message_count`."""
    return cases_newest_first().filter(customer=customer)


def customer_decisions(customer):
    """What the customer was asked through a link and what became of it, newest first."""
    return (
        ConfirmationRequest.objects.filter(case__customer=customer)
        .select_related("case")
        .only(*DECISION_FIELDS, "case__reference")
        .order_by("-created_at", "-pk")
    )


DECISION_FIELDS = ("case", "kind", "status", "outcome", "decided_at", "created_at", "expires_at")
