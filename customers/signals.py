"""The hook point for systems downstream of a customer's decision.

`decision_recorded` is sent after the commit that stored a customer's accept or decline, with
`case`, `confirmation` and `outcome` (the chosen option or accepted adjustment, or the decline
and its comment). The webhooks issue consumes it; a receiver's error never undoes a decision.
"""

from django.dispatch import Signal

decision_recorded = Signal()
