"""The queue page's repeated parts, rendered in one pass in Python (`cases.queue_html`):
`{% queue_rows_html rows %}`, `{% options choices selected %}`, `{% reason_options
reason_counts selected %}`, `{% reason_facets reason_counts %}`."""

from django import template

from cases import queue_html

register = template.Library()


@register.simple_tag
def queue_rows_html(rows):
    return queue_html.queue_rows_html(rows)


@register.simple_tag
def options(choices, selected):
    return queue_html.options_html(choices, selected)


@register.simple_tag
def reason_options(reason_counts, selected):
    return queue_html.reason_options_html(reason_counts, selected)


@register.simple_tag
def reason_facets(reason_counts):
    return queue_html.reason_facets_html(reason_counts)
