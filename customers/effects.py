"""What the customers' side does when a case moves: email the customer about their question.

Registered with the core's transition path (`cases.transitions.effects`) and its outgoing
replies (`cases.outbound.footers`) from `CustomersConfig.ready()`.
"""

from cases.background import enqueue
from cases.outbound import footers
from cases.transitions import effects
from cases.transitions.step import Step
from customers.emails import feedback_footer
from customers.models import ConfirmationRequest, EmailOutbox


def connect() -> None:
    """Sign every reply with the "did this help?" link (the effects register on import)."""
    footers.register(feedback_footer)


@effects.after.register("automate", "approve", "amend", "propose")
def proposal_email(step: Step) -> None:
    """A new question (choose a date, confirm an adjustment) goes to the customer by email."""
    if step.issued is not None and step.issued.kind != ConfirmationRequest.Kind.FEEDBACK:
        email(step, step.issued, EmailOutbox.Kind.REQUEST)


@effects.after.register("customer_accept", "customer_decline")
def decision_email(step: Step) -> None:
    """The customer gets a confirmation of what they decided."""
    email(step, step.settled, EmailOutbox.Kind.DECIDED)


def email(step: Step, confirmation: ConfirmationRequest, kind: str) -> None:
    """Queue one email about this confirmation; it is sent after the commit, once."""
    row, created = EmailOutbox.queue(kind=kind, confirmation=confirmation)
    if created:
        step.on_commit(lambda: enqueue("customers.tasks.email_send", row.pk))
