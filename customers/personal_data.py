"""The customers app's part of a customer's export and erasure (see `cases.personal_data`).

Exported per case: confirmation requests (without the links' secrets) and emails. Erased: the
confirmations' options, adjustments, texts and the customer's comments (pending links revoked), the
outbox's addresses (pending emails cancelled), the admin log's descriptions of the customer,
and last the customer row itself: no name, the address becomes `erased-<id>@erased.invalid`.
Registered in `CustomersConfig`, to run after every other contribution.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, prefetch_related_objects

from cases.personal_data import ERASED, OWNER, Contribution, ExportParts, Subject, redacted, row
from customers.models import ERASED_DOMAIN, ConfirmationRequest, Customer, EmailOutbox


def pseudonym(customer: Customer) -> str:
    return f"erased-{customer.pk}@{ERASED_DOMAIN}"


def is_erased(customer: Customer) -> bool:
    return customer.is_erased


def export(subject: Subject, parts: ExportParts) -> None:
    prefetch_related_objects(subject.cases, "confirmations", "emails")
    for case in subject.cases:
        sections = parts.cases[case.pk]
        sections["confirmations"] = [row(c) for c in case.confirmations.all()]
        sections["emails"] = [row(e) for e in case.emails.all()]


def erase(subject: Subject) -> dict[str, int]:
    customer = subject.customer
    confirmations = ConfirmationRequest.objects.filter(case_id__in=subject.case_ids)
    revoked = confirmations.pending().update(status=ConfirmationRequest.Status.REVOKED)
    for confirmation in confirmations.exclude(outcome={}):
        confirmations.filter(pk=confirmation.pk).update(outcome=redacted(confirmation.outcome))
    confirmations.update(options=[], adjustment={}, text="")
    emails = EmailOutbox.objects.filter(case_id__in=subject.case_ids)
    emails.pending().update(status=EmailOutbox.Status.CANCELLED)
    emails.update(to_email=pseudonym(customer))
    forget_in_admin_log(customer, subject.email)
    customer.email, customer.name = pseudonym(customer), ""
    customer.save(update_fields=["email", "name", "updated_at"])
    return {"revoked_links": revoked}


# Last: the pseudonymised row is what says the erasure happened (`is_erased`), so it changes
# once everything else has.
CONTRIBUTION = Contribution(name="customers", export=export, erase=erase, order=OWNER)


def forget_in_admin_log(customer: Customer, email: str) -> None:
    """The admin's own log names what it changed ("Ada <ada@…>")."""
    LogEntry.objects.filter(
        Q(object_repr__icontains=email)
        | Q(content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk))
    ).update(object_repr=ERASED)
