"""Merging a duplicate: the core's work on the locked cases (docs/bulk.md).

The duplicate's `merge` closes it into the case it repeats and moves its messages there (their
attachments come with them); `merged_from` records the same merge on the kept case, through
the same path and in the same transaction, whoever asks for the merge (workspace, API, admin).
"""

from django.utils import timezone

from cases.models import Message
from cases.transitions.fields import LineField
from cases.transitions.forms import PayloadForm
from cases.transitions.step import Step
from customers.models import ConfirmationRequest


class MergedFromForm(PayloadForm):
    source = LineField(max_length=20, required=True)
    messages = LineField(max_length=20)


def handle_merge(step: Step) -> None:
    case = step.case
    target = case.merged_into
    case.merge()
    case.closed_at = timezone.now()
    moved = Message.objects.filter(case=case).update(case=target)
    # An unanswered "did it help?" lapses with the case, as on close.
    case.confirmations.pending().update(status=ConfirmationRequest.Status.EXPIRED)
    step.event_data = {"into": target.reference, "messages": moved}
    # The kept case records the merge too, in this transaction: both events or neither.
    step.records_elsewhere.append(
        (target, "merged_from", {"source": case.reference, "messages": str(moved)})
    )


def handle_merged_from(step: Step) -> None:
    step.event_data = {"from": step.data["source"], "messages": int(step.data.get("messages", 0))}
