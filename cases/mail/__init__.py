"""Email in: parse what senders send, and put it into the one intake pipeline."""
