"""How cases are selected: open ones, by intent, by the reasons a human is asked."""

from datetime import timedelta

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models.choices import State

# The statuses of a review item a human still has to look at: what review's
# `ReviewItem.objects.open()` selects (tests/cases/test_selectors.py keeps the two in step).
OPEN_REVIEW_STATUSES = ("open", "claimed")


def open_review_items():
    """The open review items, reached through `Case.review_items`: cases never imports review."""
    items = apps.get_model("cases", "Case")._meta.get_field("review_items").related_model
    return items._default_manager.filter(status__in=OPEN_REVIEW_STATUSES)


# The indexes of `Case` (its Meta), beside the queries they serve.
CASE_INDEXES = [
    models.Index(fields=["state", "due_at"]),
    # The queue: open cases in due order; a partial index stays small as history grows.
    models.Index(
        fields=["due_at", "-priority", "id"],
        condition=models.Q(state__in=["in_review", "escalated", "in_progress"]),
        name="case_actionable_due_idx",
    ),
    # The queue's counts by state: (state, id) of open cases only, so the count is an
    # index-only scan of a few thousand entries, not a heap visit per open case.
    models.Index(
        fields=["state", "id"],
        condition=models.Q(
            state__in=["new", "in_review", "escalated", "in_progress", "awaiting_customer"]
        ),
        name="case_open_state_idx",
    ),
    # The case page's "other cases of this customer", newest first: a few index entries
    # per customer instead of a backward scan of all cases by `created_at`.
    models.Index(fields=["customer", "created_at"], name="case_customer_created_idx"),
]


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=[State.RESOLVED, State.CLOSED])

    def with_intent(self, slug: str):
        """Cases whose current suggestion has this intent."""
        return self.filter(current_suggestion__intent__slug=slug)

    def with_open_review_reason(self, code: str):
        """Cases whose open review item lists this reason code: what the queue's facet counts.

        The current suggestion's codes alone do not count: a human is asked to look at a case
        through its open review item, and only those reasons are shown and counted.
        """
        # The JSON list as text (portable to SQLite); quoted, so a code matches only whole.
        items = open_review_items().filter(reason_codes__icontains=f'"{code}"')
        return self.filter(pk__in=items.values("case_id"))

    def with_tag(self, name: str):
        """Cases tagged `name`, whatever its case."""
        return self.filter(tags__name__iexact=name)

    def with_open_reasons(self):
        """Annotate `open_reasons`: the codes of the case's open review item (at most one)."""
        items = open_review_items().filter(case=OuterRef("pk")).values("reason_codes")
        return self.annotate(open_reasons=Subquery(items[:1]))

    def awaiting_suggestion(self):
        return self.filter(state=State.NEW)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def quiet_resolved(self, days: int, now=None):
        since = (now or timezone.now()) - timedelta(days=days)
        return self.filter(state=State.RESOLVED, resolved_at__lt=since)
