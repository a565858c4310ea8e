"""Customer emails, rendered at send time in the customer's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from customers.models import ConfirmationRequest, EmailOutbox


def link_for(confirmation: ConfirmationRequest) -> str:
    return settings.SITE_URL + reverse("customer-link", args=[confirmation.link_token()])


def opens_with_greeting(text: str) -> bool:
    """A letter's salutation is its first line, ending with a comma ("Hello Ada," "Guten Tag,")."""
    first = text.strip().split("\n", 1)[0].strip()
    return first.endswith(",") and len(first) <= 80


def email_context(outbox: EmailOutbox) -> dict:
    confirmation = outbox.confirmation
    case = outbox.case
    # The question's own text (older rows: the case's proposal, which it was then).
    text = confirmation.text or case.proposal.get("text", "")
    if outbox.kind == EmailOutbox.Kind.DECIDED:
        text = ""
    return {
        "case": case,
        "customer": case.customer,
        "confirmation": confirmation,
        "kind": outbox.kind,
        "link": link_for(confirmation) if outbox.kind != EmailOutbox.Kind.DECIDED else "",
        "text": text,
        # The approved text greets the customer already: the email does not greet twice.
        "greeted": opens_with_greeting(text),
    }


def render_email(outbox: EmailOutbox) -> EmailMultiAlternatives:
    """Build the email of an outbox row (its link is derived, never stored)."""
    context = email_context(outbox)
    with translation.override(outbox.language):
        subject = render_to_string("customers/email/subject.txt", context).strip()
        # (its end is trimmed: the template's optional closing lines leave blank lines behind)
        text = render_to_string("customers/email/body.txt", context).rstrip() + "\n"
        html = render_to_string("customers/email/body.html", context)
    last_in = outbox.case.messages.filter(direction="in").exclude(message_id="").last()
    headers = {"Message-ID": outbox.message_id, "Auto-Submitted": "auto-generated"}
    if last_in is not None:
        headers["In-Reply-To"] = last_in.message_id
        headers["References"] = " ".join(filter(None, [last_in.references, last_in.message_id]))
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200],  # one line: no header injection from the subject
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbox.to_email],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def feedback_footer(case) -> str:
    """The "did this help?" line under a reply, with the case's pending feedback link."""
    confirmation = (
        case.confirmations.pending().filter(kind=ConfirmationRequest.Kind.FEEDBACK).first()
    )
    if confirmation is None:
        return ""
    with translation.override(case.language or case.customer.language):
        return render_to_string(
            "customers/email/feedback_footer.txt", {"link": link_for(confirmation)}
        )
