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


ROW = (
    '\n          <tr class="priority-{priority}{overdue_class}">'
    '\n            <td class="select"><input type="checkbox" name="case" value="{reference}"'
    ' form="bulk" aria-label="{select}"></td>'
    '\n            <td data-label="{l_case}"><a href="{url}" data-row-link><strong>{reference}'
    '</strong></a>{priority_tag}<br><span class="subject">{subject}</span>{tags}{snippet}'
    "{presence}</td>"
    '\n            <td data-label="{l_customer}"><a href="{customer_url}">{customer}</a></td>'
    '\n            <td data-label="{l_intent}">{intent}</td>'
    '\n            <td data-label="{l_why}">{reasons}</td>'
    '\n            <td data-label="{l_state}"><span class="state state-{state}">{state_label}'
    "</span></td>"
    '\n            <td data-label="{l_due}"><time datetime="{due_iso}">{due}</time>{overdue_tag}'
    "{sla}</td>"
    '\n            <td data-label="{l_assignee}">{assignee}</td>'
    "\n          </tr>\n        "
)


def queue_rows_html(rows: Iterable[dict]) -> SafeString:
    """The rows of `cases.presenters.queue_rows` (with `tags`, and `presence` where known) as
    the table's body rows, in the active language."""
    labels = {
        "l_case": conditional_escape(_("Case")),
        "l_customer": conditional_escape(_("Customer")),
        "l_intent": conditional_escape(_("Intent")),
        "l_why": conditional_escape(_("Why")),
        "l_state": conditional_escape(_("State")),
        "l_due": conditional_escape(_("Due")),
        "l_assignee": conditional_escape(_("Assignee")),
    }
    overdue_tag = f' <span class="tag overdue">{conditional_escape(_("overdue"))}</span>'
    # As `blocktranslate` does: the translation as it is, the values escaped.
    select, priority_of = _("Select %(reference)s"), _("Priority: %(priority)s")
    typing, open_by = _("%(name)s is typing"), _("open by %(name)s")
    explain = _reason_words["explain"]
    reasons_of: dict[tuple, str] = {}  # the same reasons recur down the list
    out = []
    for row in rows:
        reference = escape(row["reference"])
        priority = row["priority"]
        codes = tuple(row["reasons"])
        reasons = reasons_of.get(codes)
        if reasons is None:
            reasons = reasons_of[codes] = "".join(
                f'<span class="tag" title="{escape(code)}">{escape(explain(code))}</span> '
                for code in codes
            )
        out.append(
            ROW.format(
                priority=priority,
                overdue_class=" overdue" if row["overdue"] else "",
                reference=reference,
                select=select % {"reference": reference},
                url=escape(row["url"]),
                priority_tag=(
                    f' <span class="tag priority priority-{priority}">'
                    f"{priority_of % {'priority': escape(row['priority_label'])}}</span>"
                    if row["priority_label"]
                    else ""
                ),
                subject=escape(row["subject"]),
                tags="".join(
                    f' <span class="tag case-tag">{escape(name)}</span>'
                    for name, _colour in row["tags"]
                ),
                snippet=(
                    f'<br><span class="snippet">{conditional_escape(row["snippet"])}</span>'
                    if row["snippet"]
                    else ""
                ),
                presence=presence_html(row.get("presence"), typing, open_by),
                customer_url=escape(row["customer_url"]),
                customer=escape(row["customer"]),
                intent=(
                    f'{escape(row["intent"])} <span class="muted">{escape(row["confidence"])}'
                    "</span>"
                    if row["intent"] is not None
                    else "—"
                ),
                reasons=reasons,
                state=escape(row["state"]),
                state_label=escape(row["state_label"]),
                due_iso=escape(row["due_iso"]),
                due=escape(row["due"]),
                overdue_tag=overdue_tag if row["overdue"] else "",
                sla=sla_html(row["sla"]),
                assignee=escape(row["assignee"]),
                **labels,
            )
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


def sla_html(countdown) -> str:
    """The service level the case waits for and its countdown (`cases.sla.next_countdown`)."""
    if not countdown:
        return ""
    label = escape(countdown.label)
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
