"""REST API v1: message intake, cases and what belongs to them, customers, and transitions.

Every answer that is not a success has one format: {"detail", "code", "errors"}. Filters and
orderings are an allowlist mapped to fixed ORM lookups: no query parameter name or value ever
becomes part of a lookup. POSTs take an `Idempotency-Key` (cases.idempotency).
"""
