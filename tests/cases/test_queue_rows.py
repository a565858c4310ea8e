"""The queue's rows rendered in one pass in Python (`cases.queue_html`) print exactly what the
row template printed: the same bytes for every kind of row, in English and German, and the
texts an agent and a screen reader get, word for word."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from cases import presence
from cases.models import Case, State, Tag
from cases.queue_html import queue_rows_html
from cases.sla import Countdown
from tests.factories import UserFactory, case_in

# The row template as it was (templates/cases/queue.html before issue 16's one-pass rows, with
# live/queue_presence.html and live/queue_row.html inlined as its includes printed them).
ROW_TEMPLATE = (
    "{% load i18n reasons %}"
    '{% translate "Case" as l_case %}{% translate "Customer" as l_customer %}'
    '{% translate "Intent" as l_intent %}{% translate "Why" as l_why %}'
    '{% translate "State" as l_state %}{% translate "Due" as l_due %}'
    '{% translate "Assignee" as l_assignee %}{% translate "overdue" as l_overdue %}'
    """{% for row in rows %}
          <tr class="priority-{{ row.priority }}{% if row.overdue %} overdue{% endif %}">
            <td class="select"><input type="checkbox" name="case" value="{{ row.reference }}" form="bulk" aria-label="{% blocktranslate with reference=row.reference %}Select {{ reference }}{% endblocktranslate %}"></td>
            <td data-label="{{ l_case }}"><a href="{{ row.url }}" data-row-link><strong>{{ row.reference }}</strong></a>{% if row.priority_label %} <span class="tag priority priority-{{ row.priority }}">{% blocktranslate with priority=row.priority_label %}Priority: {{ priority }}{% endblocktranslate %}</span>{% endif %}<br><span class="subject">{{ row.subject }}</span>{% for name, colour in row.tags %} <span class="tag case-tag">{{ name }}</span>{% endfor %}{% if row.snippet %}<br><span class="snippet">{{ row.snippet }}</span>{% endif %}{% if row.presence %}{% if row.presence %}<br><span class="presence-marker">{% for person in row.presence %}{% if person.typing %}{% blocktranslate with name=person.name %}{{ name }} is typing{% endblocktranslate %}{% else %}{% blocktranslate with name=person.name %}open by {{ name }}{% endblocktranslate %}{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}</span>{% endif %}
{% endif %}</td>
            <td data-label="{{ l_customer }}"><a href="{{ row.customer_url }}">{{ row.customer }}</a></td>
            <td data-label="{{ l_intent }}">{% if row.intent is not None %}{{ row.intent }} <span class="muted">{{ row.confidence }}</span>{% else %}—{% endif %}</td>
            <td data-label="{{ l_why }}">{% for code in row.reasons %}<span class="tag" title="{{ code }}">{{ code|explain }}</span> {% endfor %}</td>
            <td data-label="{{ l_state }}"><span class="state state-{{ row.state }}">{{ row.state_label }}</span></td>
            <td data-label="{{ l_due }}"><time datetime="{{ row.due_iso }}">{{ row.due }}</time>{% if row.overdue %} <span class="tag overdue">{{ l_overdue }}</span>{% endif %}{% if row.sla %}{% if row.sla %}<br><span class="sla sla-{{ row.sla.status }}" title="{{ row.sla.label }}">{{ row.sla.label }}: {{ row.sla.text }}</span>{% endif %}
{% endif %}</td>
            <td data-label="{{ l_assignee }}">{{ row.assignee }}</td>
          </tr>
        {% endfor %}"""  # noqa: E501
)


def template_rows(rows) -> str:
    return engines["django"].from_string(ROW_TEMPLATE).render({"rows": rows})


def row(**given) -> dict:
    """A row as `cases.presenters.queue_rows` makes it, with tags and presence added."""
    values = {
        "reference": "K7M2ABCD",
        "url": "/cases/K7M2ABCD/",
        "subject": "Where is my order?",
        "priority": 1,
        "priority_label": "",
        "customer": "Ada Lovelace",
        "customer_url": "/customers/7/",
        "snippet": "",
        "intent": "Order status",
        "confidence": "0.42",
        "reasons": (),
        "state": "in_review",
        "state_label": "In review",
        "due_iso": "2026-12-07T09:30:00+01:00",
        "due": "7 Dec 2026, 09:30 CET",
        "overdue": False,
        "assignee": "—",
        "sla": None,
        "tags": (),
        "presence": [],
    }
    return values | given


# Every branch of the row, and text that must be escaped wherever a value goes.
DIVERSE = [
    row(),
    row(
        reference="Q9X4WXYZ",
        url="/cases/Q9X4WXYZ/",
        subject='Rückzahlung <b>"sofort"</b> & mehr…',
        priority=3,
        priority_label="Urgent",
        customer="O'Brien & <Sons>",
        customer_url="/customers/12/",
        snippet=mark_safe("the <mark>contract</mark> 4711 &amp; more"),
        intent="Kündigung",
        confidence="0.13",
        reasons=("risk_class:legal", "low_confidence", "made_up_<code>"),
        state="escalated",
        state_label="Escalated",
        due_iso="2026-12-05T08:00:00+01:00",
        due="5 Dec 2026, 08:00 CET",
        overdue=True,
        assignee="agent2",
        sla=Countdown("resolution", "breached", "overdue by 1 d 2 h"),
        tags=(("billing", "#2a6fdb"), ("<vip>", "")),
        presence=[{"name": "Ben", "typing": True}, {"name": "Cleo & Co", "typing": False}],
    ),
    row(
        reference="N3W4CASE",
        url="/cases/N3W4CASE/",
        priority=2,
        priority_label="High",
        intent=None,
        confidence="",
        reasons=("out_of_scope",),
        state="in_progress",
        state_label="In progress",
        sla=Countdown("first_response", "soon", "due in 45 min"),
        presence=[{"name": "Ben", "typing": False}],
    ),
    row(reference="AWA1TING", state="awaiting_customer", due_iso="", due="", priority=0),
    row(reference="R3S0LVED", state="resolved", reasons=("low_confidence",)),
    row(reference="CL0SED00", state="closed", tags=(("x", ""),)),
    row(reference="NEWCASE0", state="new", reasons=("low_confidence",), sla=None),
]


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_rows_print_what_the_row_template_printed_byte_for_byte(language):
    with translation.override(language):
        assert queue_rows_html(DIVERSE) == template_rows(DIVERSE)


def test_a_row_in_english_word_for_word():
    with translation.override("en"):
        html = queue_rows_html([DIVERSE[1]])
    assert html == (
        '\n          <tr class="priority-3 overdue">'
        '\n            <td class="select"><input type="checkbox" name="case" value="Q9X4WXYZ"'
        ' form="bulk" aria-label="Select Q9X4WXYZ"></td>'
        '\n            <td data-label="Case"><a href="/cases/Q9X4WXYZ/" data-row-link>'
        "<strong>Q9X4WXYZ</strong></a>"
        ' <span class="tag priority priority-3">Priority: Urgent</span>'
        '<br><span class="subject">Rückzahlung &lt;b&gt;&quot;sofort&quot;&lt;/b&gt; &amp; mehr…'
        "</span>"
        ' <span class="tag case-tag">billing</span> <span class="tag case-tag">&lt;vip&gt;</span>'
        '<br><span class="snippet">the <mark>contract</mark> 4711 &amp; more</span>'
        '<br><span class="presence-marker">Ben is typing, open by Cleo &amp; Co</span>\n</td>'
        '\n            <td data-label="Customer"><a href="/customers/12/">'
        "O&#x27;Brien &amp; &lt;Sons&gt;</a></td>"
        '\n            <td data-label="Intent">Kündigung <span class="muted">0.13</span></td>'
        '\n            <td data-label="Why">'
        '<span class="tag" title="risk_class:legal">legal risk: a human must decide</span> '
        '<span class="tag" title="low_confidence">the AI is not confident enough</span> '
        '<span class="tag" title="made_up_&lt;code&gt;">made_up_&lt;code&gt;</span> </td>'
        '\n            <td data-label="State"><span class="state state-escalated">Escalated'
        "</span></td>"
        '\n            <td data-label="Due"><time datetime="2026-12-05T08:00:00+01:00">'
        '5 Dec 2026, 08:00 CET</time> <span class="tag overdue">overdue</span>'
        '<br><span class="sla sla-breached" title="Resolution">Resolution: overdue by 1 d 2 h'
        "</span>\n</td>"
        '\n            <td data-label="Assignee">agent2</td>'
        "\n          </tr>\n        "
    )


def test_a_row_in_german_says_its_labels_and_patterns_in_german():
    with translation.override("de"):
        html = queue_rows_html([DIVERSE[1], DIVERSE[2]])
    for text in (
        'aria-label="Q9X4WXYZ auswählen"',
        '<td data-label="Fall">',
        '<td data-label="Kunde">',
        '<td data-label="Anliegen">',
        '<td data-label="Grund">',
        '<td data-label="Status">',
        '<td data-label="Fällig">',
        '<td data-label="Zuständig">',
        "Priorität: Urgent",  # the label comes translated from queue_rows
        "Ben schreibt, geöffnet von Cleo &amp; Co",
        '<span class="tag overdue">überfällig</span>',
        "rechtliches Risiko: ein Mensch muss entscheiden",
        '<span class="presence-marker">geöffnet von Ben</span>',
    ):
        assert text in html, text


def test_no_rows_print_nothing():
    assert queue_rows_html([]) == ""


# The page itself: real cases in every state through the view, compared with the template.


def table_body(content: str) -> str:
    return content[content.index("<tbody>") + len("<tbody>") : content.index("</tbody>")]


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_page_prints_the_rows_the_template_printed(client, agent, language):
    ben = UserFactory(username="ben", first_name="Ben", role="agent")
    cases = [case_in(state) for state in State.values]
    watched = cases[1]
    Case.objects.filter(pk=watched.pk).update(
        priority=3, due_at=timezone.now() - timedelta(hours=3), assignee=ben
    )
    Tag.objects.create(name="billing").cases.add(watched, cases[2])
    presence.beat(watched.reference, ben, typing=True)
    client.force_login(agent)
    client.post("/settings/language/", {"language": language})
    for query in ("?state=all", "?state=all&q=order", "?q=nothing-like-it"):
        response = client.get("/" + query)
        rows = response.context["rows"]
        with translation.override(language):
            expected = template_rows(rows) or (
                f'\n          <tr><td colspan="8">{gettext("No cases match.")}</td></tr>\n        '
            )
        assert table_body(response.content.decode()) == f"\n        {expected}\n        ", query
        if "q=order" in query:
            assert any(r["snippet"] for r in rows)  # a search shows what matched
    everything = client.get("/?state=all").context["rows"]
    assert {r["state"] for r in everything} == set(State.values)
    assert any(r["presence"] for r in everything) and any(r["tags"] for r in everything)


@pytest.mark.parametrize("language", ["en", "de"])
def test_deadlines_of_a_page_read_as_date_format_reads_them(language):
    """`deadline_texts` says each day once per page: across days, months, years and both
    changes of summer time it prints what `date_format` prints."""
    from datetime import UTC, datetime

    from django.utils.formats import date_format

    from cases.formats import deadline_text, deadline_texts

    start = datetime(2026, 3, 28, 22, 59, 30, tzinfo=UTC)
    values = [start + timedelta(minutes=97 * i) for i in range(60)]  # over the March change
    values += [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC) + timedelta(minutes=30 * i) for i in range(6)
    ]
    values += [datetime(2026, 12, 31, 22, 59, tzinfo=UTC), datetime(2027, 1, 1, 0, 1, tzinfo=UTC)]
    with translation.override(language):
        texts = deadline_texts()
        for value in values * 2:  # the second time from what it said before
            local = timezone.localtime(value)
            expected = f"{date_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"
            assert texts(value) == deadline_text(value) == expected
        assert texts(values[0]) == (
            "28.03.2026, 23:59 CET" if language == "de" else "28 Mar 2026, 23:59 CET"
        )


# The filters' options and the reason facet, as their loops printed them.

OPTIONS = (
    '{% for value, label in choices %}<option value="{{ value }}" '
    "{% if selected == value %}selected{% endif %}>{{ label }}</option>{% endfor %}"
)
REASON_OPTIONS = (
    '{% load reasons %}{% for code, n in reason_counts %}<option value="{{ code }}" '
    "{% if selected == code %}selected{% endif %}>{{ code|explain }}</option>{% endfor %}"
)
REASON_FACETS = (
    "{% load reasons %}{% for code, n in reason_counts %}\n"
    '      <li><a href="?reason={{ code|urlencode }}" title="{{ code }}">{{ code|explain }}</a>'
    ' <span class="count">{{ n }}</span></li>\n      {% endfor %}'
)
REASONS = [("low_confidence", 1234), ("risk_class:legal", 7), ("odd code/&\"<'>", 1)]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("selected", ["", "in_review", "low_confidence", "odd code/&\"<'>"])
def test_the_options_and_facets_print_what_their_loops_printed(language, selected):
    from cases.queue_html import options_html, reason_facets_html, reason_options_html

    def loop(source, **context):
        return engines["django"].from_string(source).render(context)

    choices = [*State.choices, ("a&b", 'say "<b>"'), ("", "—")]
    with translation.override(language):
        assert options_html(State.choices, selected) == loop(
            OPTIONS, choices=State.choices, selected=selected
        )
        assert options_html(choices, selected) == loop(OPTIONS, choices=choices, selected=selected)
        assert reason_options_html(REASONS, selected) == loop(
            REASON_OPTIONS, reason_counts=REASONS, selected=selected
        )
        assert reason_facets_html(REASONS) == loop(REASON_FACETS, reason_counts=REASONS)
    assert ("selected>" in options_html(State.choices, selected)) is (selected == "in_review")


def test_the_reason_facet_in_words_word_for_word():
    from cases.queue_html import reason_facets_html, reason_options_html

    with translation.override("de"):
        assert reason_facets_html(REASONS[1:2]) == (
            '\n      <li><a href="?reason=risk_class%3Alegal" title="risk_class:legal">'
            'rechtliches Risiko: ein Mensch muss entscheiden</a> <span class="count">7</span>'
            "</li>\n      "
        )
        assert reason_options_html(REASONS[:1], "low_confidence").startswith(
            '<option value="low_confidence" selected>'
        )
