"""`{% queue_rows_html rows %}`: the queue's rows, rendered in one pass (`cases.queue_html`)."""

from django import template

from cases.queue_html import queue_rows_html as rows_html

register = template.Library()


@register.simple_tag
def queue_rows_html(rows):
    return rows_html(rows)
