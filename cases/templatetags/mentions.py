"""The timeline's notes with their @mentions marked (`cases.mentions.mark_mentions`)."""

from django import template

from cases.mentions import mark_mentions

register = template.Library()


@register.filter
def with_mentions(text, mentions):
    """The note escaped, the mentions its event resolved in <mark>."""
    return mark_mentions(str(text), mentions)
