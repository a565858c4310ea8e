"""The queue's rows as HTML, in one pass in Python (templates/cases/queue.html, `case-list`).

Fifty rows of some twenty template nodes each, two `blocktranslate`s and two includes per row
were most of the queue page's cost (docs/performance.md, "Queue rows in one pass"). Here
every label and pattern of the rows is translated once per page, every value is escaped once,
and each row is one string. The output is byte for byte what the row template printed
(tests/cases/test_queue_rows.py renders both and compares); change one, change the other.

Reason codes read as review says them (`review.reasons`): the core never imports review, so
review hands its words over from its `AppConfig.ready()` (`say_reasons_with`), the words its
template filter `explain` prints.
"""

from collections.abc import Callable, Iterable
from html import escape
from urllib.parse import quote

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_reason_words: dict[str, Callable[[str], str]] = {"explain": str}


def say_reasons_with(words: Callable[[str], str]) -> None:
    """Called from review's `AppConfig.ready()`: a reason code in the reader's words."""
    _reason_words["explain"] = words


def queue_rows_html(rows: Iterable[dict]) -> SafeString:
    """The rows of `cases.presenters.queue_rows` (with `tags`, and `presence` where known) as
    the table's body rows, in the active language."""
    l_case, l_customer, l_intent, l_why, l_state, l_due, l_assignee = (
        conditional_escape(_(label))
        for label in ("Case", "Customer", "Intent", "Why", "State", "Due", "Assignee")
    )
    overdue_tag = f' <span class="tag overdue">{conditional_escape(_("overdue"))}</span>'
    # As `blocktranslate` does: the translation as it is, the values escaped.
    select, priority_of = _("Select %(reference)s"), _("Priority: %(priority)s")
    typing, open_by = _("%(name)s is typing"), _("open by %(name)s")
    explain = _reason_words["explain"]
    reasons_of: dict[tuple, str] = {}  # the same reasons recur down the list
    targets: dict[str, str] = {}  # the service levels' names, said once
    out = []
    for row in rows:
        reference, priority = escape(row["reference"]), row["priority"]
        codes = tuple(row["reasons"])
        if codes not in reasons_of:
            reasons_of[codes] = "".join(
                f'<span class="tag" title="{escape(code)}">{escape(explain(code))}</span> '
                for code in codes
            )
        priority_tag = (
            f' <span class="tag priority priority-{priority}">'
            f"{priority_of % {'priority': escape(row['priority_label'])}}</span>"
            if row["priority_label"]
            else ""
        )
        tags = "".join(
            f' <span class="tag case-tag">{escape(name)}</span>' for name, _colour in row["tags"]
        )
        snippet = (
            f'<br><span class="snippet">{conditional_escape(row["snippet"])}</span>'
            if row["snippet"]
            else ""
        )
        intent = (
            f'{escape(row["intent"])} <span class="muted">{escape(row["confidence"])}</span>'
            if row["intent"] is not None
            else "—"
        )
        out.append(
            f'\n          <tr class="priority-{priority}{" overdue" if row["overdue"] else ""}">'
            f'\n            <td class="select"><input type="checkbox" name="case"'
            f' value="{reference}" form="bulk" aria-label="{select % {"reference": reference}}">'
            "</td>"
            f'\n            <td data-label="{l_case}"><a href="{escape(row["url"])}"'
            f" data-row-link><strong>{reference}</strong></a>{priority_tag}"
            f'<br><span class="subject">{escape(row["subject"])}</span>{tags}{snippet}'
            f"{presence_html(row.get('presence'), typing, open_by)}</td>"
            f'\n            <td data-label="{l_customer}"><a href="{escape(row["customer_url"])}">'
            f"{escape(row['customer'])}</a></td>"
            f'\n            <td data-label="{l_intent}">{intent}</td>'
            f'\n            <td data-label="{l_why}">{reasons_of[codes]}</td>'
            f'\n            <td data-label="{l_state}"><span class="state'
            f' state-{escape(row["state"])}">{escape(row["state_label"])}</span></td>'
            f'\n            <td data-label="{l_due}"><time datetime="{escape(row["due_iso"])}">'
            f"{escape(row['due'])}</time>{overdue_tag if row['overdue'] else ''}"
            f"{sla_html(row['sla'], targets)}</td>"
            f'\n            <td data-label="{l_assignee}">{escape(row["assignee"])}</td>'
            "\n          </tr>\n        "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def presence_html(people, typing: str, open_by: str) -> str:
    """Who else has the case open, and who is typing (`cases.presence`)."""
    if not people:
        return ""
    said = ", ".join(
        (typing if person["typing"] else open_by) % {"name": escape(person["name"])}
        for person in people
    )
    return f'<br><span class="presence-marker">{said}</span>\n'


def sla_html(countdown, targets: dict[str, str]) -> str:
    """The service level the case waits for and its countdown (`cases.sla.next_countdown`);
    `targets` remembers the levels' names for the page."""
    if not countdown:
        return ""
    if countdown.target not in targets:
        targets[countdown.target] = escape(countdown.label)
    label = targets[countdown.target]
    return (
        f'<br><span class="sla sla-{escape(countdown.status)}" title="{label}">'
        f"{label}: {escape(countdown.text)}</span>\n"
    )


# The filters' choices: a few dozen options and facet lines, the same loop of nodes each.


def options_html(choices: Iterable[tuple], selected: str) -> SafeString:
    """`<option>`s of (value, label) pairs, the one equal to `selected` selected."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<option value="{escape(str(value))}" {"selected" if selected == value else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )


def reason_options_html(reason_counts: Iterable[tuple], selected: str) -> SafeString:
    """The reason filter's options: each code of (code, open items) in the reader's words."""
    explain = _reason_words["explain"]
    return options_html(((code, explain(code)) for code, _n in reason_counts), selected)


def reason_facets_html(reason_counts: Iterable[tuple]) -> SafeString:
    """The reason facet's lines: each code in the reader's words, a link filtering by it, and
    how many open review items give it."""
    explain = _reason_words["explain"]
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'\n      <li><a href="?reason={escape(quote(code))}" title="{escape(code)}">'
            f'{escape(explain(code))}</a> <span class="count">{escape(localize(n))}</span>'
            "</li>\n      "
            for code, n in reason_counts
        )
    )
