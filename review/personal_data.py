"""The review app's part of a customer's export and erasure (see `cases.personal_data`).

Exported per case: suggestions (with their approvals) and review items; and the training
examples made from the customer's messages. Erased: the suggestions' drafts, slots, options
and adjustments (their figures stay), the approvals' amendments, the training examples
(deleted) and the admin log's descriptions of those examples. Review items hold no personal
data and stay. Registered in `ReviewConfig`.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, prefetch_related_objects

from cases.personal_data import ERASED, Contribution, ExportParts, Subject, row, rows_by
from review.models import Approval, ReviewItem, Suggestion, TrainingExample


def export(subject: Subject, parts: ExportParts) -> None:
    case_ids = subject.case_ids
    prefetch_related_objects(subject.cases, "suggestions")
    items = ReviewItem.objects.filter(case_id__in=case_ids).order_by("pk")
    review_items = rows_by(items, "case_id")
    approvals = rows_by(
        Approval.objects.filter(suggestion__case_id__in=case_ids).order_by("pk"), "suggestion_id"
    )
    for case in subject.cases:
        sections = parts.cases[case.pk]
        sections["suggestions"] = [
            row(s) | {"approvals": approvals.get(s.pk, [])} for s in case.suggestions.all()
        ]
        sections["review_items"] = review_items.get(case.pk, [])
    parts.sections["training_examples"] = [row(e) for e in customers_training_examples(case_ids)]


def erase(subject: Subject) -> dict[str, int]:
    case_ids = subject.case_ids
    Suggestion.objects.filter(case_id__in=case_ids).update(
        slots={}, options=[], adjustment={}, draft_reply=""
    )
    Approval.objects.filter(suggestion__case_id__in=case_ids).update(payload={})
    examples = customers_training_examples(case_ids)
    example_ids = list(examples.values_list("pk", flat=True))
    examples.delete()
    forget_examples_in_admin_log(example_ids)
    return {"training_examples_deleted": len(example_ids)}


CONTRIBUTION = Contribution(name="review", export=export, erase=erase)


def customers_training_examples(case_ids):
    return TrainingExample.objects.filter(
        Q(case_id__in=case_ids) | Q(suggestion__case_id__in=case_ids)
    ).order_by("pk")


def forget_examples_in_admin_log(example_ids: list[int]) -> None:
    """The admin's own log names the examples it changed by their first words."""
    if example_ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(TrainingExample),
            object_id__in=[str(pk) for pk in example_ids],
        ).update(object_repr=ERASED)
