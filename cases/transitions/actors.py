"""Who acts on a case: the system, the AI, a staff member, or a customer through a link."""

from dataclasses import dataclass

from cases.models import CUSTOMER, STAFF, SYSTEM, ActorKind
from customers.models import ConfirmationRequest


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None
    confirmation: ConfirmationRequest | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    @classmethod
    def ai(cls) -> "Actor":
        return cls(ActorKind.AI)

    @classmethod
    def staff(cls, user) -> "Actor":
        supervisor = user.has_perm("cases.handle_escalated")
        return cls(ActorKind.SUPERVISOR if supervisor else ActorKind.AGENT, user=user)

    @classmethod
    def customer(cls, confirmation: ConfirmationRequest | None = None) -> "Actor":
        return cls(ActorKind.CUSTOMER, confirmation=confirmation)

    @property
    def role(self) -> str:
        if self.kind in (ActorKind.AGENT, ActorKind.SUPERVISOR):
            return STAFF
        if self.kind == ActorKind.CUSTOMER:
            return CUSTOMER
        return SYSTEM
