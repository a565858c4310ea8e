"""The hook point for systems downstream of a customer's decision.

`decision_recorded` is sent after the commit that stored a customer's accept or decline, with
`case`, `confirmation` and `outcome` (the chosen option or accepted adjustment, or the decline
and its comment); a receiver's error never undoes a decision. Webhooks do not use it: their
`customer.decided` deliveries are outbox rows written in the decision's own transaction
(`cases.webhooks.record_case_event`), so no decision can commit without them.
"""

from django.dispatch import Signal

decision_recorded = Signal()
