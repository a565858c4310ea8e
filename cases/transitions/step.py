"""One run of the transition path: the locked case, who acts, and what the run records."""

from collections.abc import Callable
from dataclasses import dataclass, field

from cases.models import Case
from cases.transitions.actors import Actor
from customers.models import ConfirmationRequest


@dataclass
class Step:
    """What the handler and the registered effects of one transition share.

    The handler (the core's own work) and the effects (other apps' work) write here what the
    path records: reason codes and data for the event, work to run after the commit. `held`
    stops the transition before it happens (the first of four eyes): the path then records
    the event and leaves the state as it is.
    """

    case: Case
    name: str
    actor: Actor
    data: dict
    from_state: str
    reason_codes: list[str] = field(default_factory=list)
    event_name: str = ""
    event_data: dict = field(default_factory=dict)
    comment: str | None = None  # the event's comment, when not the payload's comment or reason
    # What a person changed in the AI's proposal (approve/amend): reply, action, options,
    # adjustment, and the intent by its slug. Filled by the app that records approvals.
    amendment: dict = field(default_factory=dict)
    # The customer's question this step issued (a proposal, or "did this help?"), and the
    # one it settled (the customer's decision): other apps email the customer about them.
    issued: ConfirmationRequest | None = None
    settled: ConfirmationRequest | None = None
    held: bool = False
    # Whose case a supervisor decided deliberately, although it was assigned to them.
    forced_from: str = ""
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # Actions the path records on other cases after this step's event, in this transaction,
    # through `case_record` (a merge: `merged_from` on the kept case): (case, name, payload).
    records_elsewhere: list[tuple] = field(default_factory=list)

    def hold(self, event_name: str, **data) -> None:
        """Record `event_name` instead of the transition: the case stays where it is."""
        self.held = True
        self.event_name = event_name
        self.event_data = data

    def on_commit(self, func: Callable[[], None]) -> None:
        """Run `func` once the transaction has committed (never for a rolled-back one)."""
        self.after_commit.append(func)
