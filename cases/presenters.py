"""What the workspace's pages print, formatted in Python once: their templates only output it.

`queue_rows` presents the queue's rows (templates/cases/queue.html, `case-list`);
`action_forms` the case page's transition forms (templates/cases/case_detail.html).
"""

import functools
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from cases.blanks import blanks_in, slot_label
from cases.formats import deadline_texts, german
from cases.models import Priority, State
from cases.search import is_postgres, snippet_html
from cases.sla import next_countdown
from cases.transitions.forms import transition_form

# What a queue row shows (no JSON payloads, no password hashes), as plain values: building
# five model instances per row cost more than the query itself.
QUEUE_COLUMNS = (
    "reference",
    "subject",
    "state",
    "customer_id",
    "priority",
    "due_at",
    "first_response_due_at",
    "first_responded_at",
    "customer__name",
    "customer__email",
    "assignee__username",
    "current_suggestion__confidence",
    "current_suggestion__intent__name",
    "current_suggestion__intent__name_de",
    "open_reasons",
)


def search_columns() -> tuple[str, ...]:
    """A search's rows add what matched (cases.search): a snippet of a message or note."""
    return ("snippet",) if is_postgres() else ("snippet", "snippet_word")


CENT = Decimal("0.01")


def queue_rows(cases, now) -> list[dict]:
    """What each row prints (from QUEUE_COLUMNS), formatted once: the template only outputs it.

    The same output as the filters and tags the row used to call (`{% url %}`, `date`,
    `floatformat:2`, `truncatechars:60`, `get_state_display`), at a fraction of their cost:
    they were most of the queue's CPU (docs/performance.md, "Queue render fixes").
    """
    labels = {state: str(label) for state, label in State.choices}  # in the active language
    # Priority in words where the row is marked (a coloured border alone says nothing to many).
    priorities = {p: str(p.label) for p in Priority if p >= Priority.HIGH}
    separator = formats.get_format("DECIMAL_SEPARATOR")
    # The case URL up to the reference (the pattern ends in "<reference>/").
    url_head, _marker, url_tail = reverse("case-page", args=["REFERENCE"]).rpartition("REFERENCE")
    customer_head, _marker, customer_tail = reverse("customer-page", args=[0]).rpartition("0")
    # The intent in the reader's language, as `Intent.display_name` (German where it has one).
    in_german = german()
    deadline_text = deadline_texts()  # the language's format, parsed once for the page
    say = functools.cache(gettext)  # the countdowns' words, translated once for the page
    zone = timezone.get_current_timezone()
    rows = []
    for case in cases:
        subject = unicodedata.normalize("NFC", case["subject"])  # as truncatechars does
        if len(subject) > 60:
            subject = Truncator(subject).chars(60)
        intent = case["current_suggestion__intent__name"]  # None: no suggestion or no intent
        if in_german and case["current_suggestion__intent__name_de"]:
            intent = case["current_suggestion__intent__name_de"]
        confidence = ""
        if intent is not None:  # floatformat:2 (half up, the language's separator), in [0, 1]
            confidence = Decimal(repr(case["current_suggestion__confidence"]))
            confidence = str(confidence.quantize(CENT, ROUND_HALF_UP)).replace(".", separator)
        due = timezone.localtime(case["due_at"], zone) if case["due_at"] else None
        rows.append(
            {
                "reference": case["reference"],
                "url": f"{url_head}{case['reference']}{url_tail}",
                "subject": subject,
                "priority": case["priority"],
                "priority_label": priorities.get(case["priority"], ""),
                "customer": case["customer__name"] or case["customer__email"],
                "customer_url": f"{customer_head}{case['customer_id']}{customer_tail}",
                "snippet": snippet_html(case.get("snippet", ""), case.get("snippet_word", "")),
                "intent": intent,
                "confidence": confidence,
                "reasons": case["open_reasons"] or (),
                "state": case["state"],
                "state_label": labels[case["state"]],
                "due_iso": due.isoformat() if due else "",
                "due": deadline_text(due) if due else "",
                "overdue": bool(due and due < now),
                "assignee": case["assignee__username"] or "—",
                "sla": next_countdown(
                    state=case["state"],
                    first_response_due_at=case["first_response_due_at"],
                    first_responded_at=case["first_responded_at"],
                    due_at=case["due_at"],
                    now=now,
                    _=say,
                ),
            }
        )
    return rows


def action_forms(case, suggestion, available: list[str], reply_text: str | None = None) -> dict:
    """The forms of the transitions the agent may run, as the case page shows them.

    The same forms the path validates with (`cases.transitions.forms`), filled with what the
    AI proposed, so that what the agent sees and edits is what is posted.
    """
    labels = "\n".join(option["label"] for option in (suggestion.options if suggestion else []))
    initial = {
        "approve": {
            "intent": suggestion.intent.slug if suggestion and suggestion.intent else "",
            "reply": suggestion.draft_reply if suggestion else "",
            "options": labels,
        },
        # The draft, or the canned reply the agent chose.
        "reply": {
            "text": reply_text if reply_text is not None else getattr(suggestion, "draft_reply", "")
        },
        "propose": {"options": labels},
        "escalate": {},
    }
    return {
        name: transition_form(name)(initial=initial[name], auto_id=f"{name}-%s-{case.reference}")
        for name in available
        if name in initial
    }


def draft_blanks(suggestion) -> list[tuple[str, str]]:
    """The blanks left in the AI's draft, as (name, label): the composer asks for each."""
    if suggestion is None:
        return []
    texts = [suggestion.draft_reply, *(o["label"] for o in suggestion.options or [])]
    texts += [str(v) for v in (suggestion.adjustment or {}).values()]
    return [(name, slot_label(name)) for name in blanks_in(*texts)]


# What the customer decided, by the event that recorded it (its `data` holds the outcome).
DECISIONS = ("customer_accept", "customer_decline", "customer_feedback", "reopen")


@dataclass(frozen=True)
class Entry:
    """One line of the conversation: a message, an email to the customer, or their decision."""

    when: object
    message: object = None
    email: object = None
    decision: object = None


def conversation(messages, events, emails) -> list[Entry]:
    """Everything the customer wrote, received and decided, in order: the whole truth."""
    entries = [Entry(m.created_at, message=m) for m in messages]
    entries += [Entry(e.sent_at or e.created_at, email=e) for e in emails]
    entries += [
        Entry(e.created_at, decision=e)
        for e in events
        if e.name in DECISIONS and (e.name != "reopen" or e.confirmation_id)
    ]
    return sorted(entries, key=lambda entry: entry.when)
