"""The review app's admin; importing the modules registers their model admins."""

from review.admin import intents, learning, records

__all__ = ["intents", "learning", "records"]
