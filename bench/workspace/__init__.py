"""Load test of the agents' workspace (queue, case page, a transition) on PostgreSQL."""
