"""What the queue's cheaper rendering must not change: each row prints what the template's
filters printed, in every language; the staff language is read once per session, not per request."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import date, floatformat, truncatechars
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases.models import Case, StaffProfile, State
from review.models import Suggestion
from tests.cases.test_workspace import bulk_cases, login
from tests.factories import CustomerFactory, IntentFactory, case_in


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """The middleware activates a user's language for the rest of the thread: the test client
    runs requests in the test's thread, and later tests expect English."""
    yield
    translation.deactivate()


def rows(content: str) -> dict[str, str]:
    """The queue's rows by reference, as HTML."""
    body = content[content.index("<tbody>") : content.index("</tbody>")]
    return {
        re.search(r"<strong>(\w+)</strong>", row)[1]: row
        for row in re.findall(r"<tr class=.*?</tr>", body, re.S)
    }


@pytest.fixture
def odd_cases(agent2):
    """Rows with every edge a filter used to handle: long and decomposed text, rounding half
    up, no intent, no customer name, no due date, overdue, an assignee."""
    long = case_in(State.IN_REVIEW, confidence=0.125)
    long.current_suggestion.intent.name_de = "Störung der Wärmepumpe"  # German where it has one
    long.current_suggestion.intent.save()
    subject = "Re\u0301clamation: " + "the heat pump makes a loud noise at night " * 2
    # Half a minute past two hours: the countdown reads "overdue by 2 h 1 min" from the first
    # request to the last (exactly two hours read "2 h" for a second, then "2 h 1 min").
    Case.objects.filter(pk=long.pk).update(
        subject=subject, assignee=agent2, due_at=timezone.now() - timedelta(hours=2, seconds=30)
    )
    rounding = case_in(State.ESCALATED, confidence=0.995)
    nameless = case_in(State.IN_PROGRESS, confidence=0.0)
    nameless.customer.name = ""
    nameless.customer.save()
    Case.objects.filter(pk=nameless.pk).update(due_at=None)
    no_intent = case_in(State.IN_REVIEW)
    no_intent.current_suggestion.intent = None
    no_intent.current_suggestion.save()
    return {
        "long": (long, subject),
        "rounding": (rounding, None),
        "nameless": (nameless, None),
        "no_intent": (no_intent, None),
    }


def cell(label: str) -> str:
    """A row's cell, labelled for the narrow layout (docs/accessibility.md), in the language on."""
    return f'<td data-label="{gettext(label)}">'


@pytest.mark.parametrize("language", ["en", "de"])
def test_each_row_prints_what_the_template_filters_printed(client, agent, odd_cases, language):
    login(client, agent).post("/settings/language/", {"language": language})
    listed = rows(client.get("/").content.decode())
    with translation.override(language):
        for name, (case, subject) in odd_cases.items():
            case.refresh_from_db()
            row = listed[case.reference]
            assert f'<a href="/cases/{case.reference}/" data-row-link>' in row, name
            shown = truncatechars(subject or case.subject, 60)
            assert f'<span class="subject">{shown}</span>' in row, name
            customer = f'<a href="/customers/{case.customer_id}/">'
            name_shown = case.customer.name or case.customer.email
            assert f"{cell('Customer')}{customer}{name_shown}</a></td>" in row
            suggestion = case.current_suggestion
            if suggestion.intent:
                confidence = floatformat(suggestion.confidence, 2)
                intent = suggestion.intent.display_name(language)  # the reader's language
                assert f'{intent} <span class="muted">{confidence}</span>' in row
            else:
                assert f"{cell('Intent')}—</td>" in row, name
            label = case.get_state_display()
            assert f'<span class="state state-{case.state}">{label}</span>' in row, name
            due = timezone.localtime(case.due_at) if case.due_at else None
            # The language's one format, with the time zone: a deadline (issue 17).
            shown = f"{date(due, 'DATETIME_FORMAT')} {date(due, 'T')}" if due else ""
            assert f'<time datetime="{date(due, "c")}">{shown}</time>' in row
            assignee = case.assignee.username if case.assignee else "—"
            assert f"{cell('Assignee')}{assignee}</td>" in row, name
    long_row = listed[odd_cases["long"][0].reference]
    assert long_row.startswith('<tr class="priority-2 overdue">') and "…" in long_row
    assert ("0,13" if language == "de" else "0.13") in long_row  # half up, as floatformat
    assert ("Störung der Wärmepumpe" in long_row) is (language == "de")
    assert ("1,00" if language == "de" else "1.00") in listed[odd_cases["rounding"][0].reference]


def test_the_list_partial_prints_the_same_rows_as_the_page(client, agent, odd_cases):
    login(client, agent)
    page = rows(client.get("/").content.decode())
    htmx = client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-list")
    partial = rows(htmx.content.decode())
    assert page == partial and len(page) == 4


def test_the_queue_reads_no_row_of_a_related_table_per_row(client, agent, agent2, monkeypatch):
    """Different customers, intents and assignees on every row: no lazy load may hide."""
    # The shared facets stay cached through the test: on a slow machine adding the cases took
    # longer than their few seconds, and reading them again is not a read per row.
    monkeypatch.setattr("cases.views.FACETS_SECONDS", 3600)
    login(client, agent)
    client.get("/")

    def add(n):
        for i in range(n):
            case = case_in(State.IN_REVIEW)
            intent = IntentFactory(slug=f"intent_{case.pk}")
            Suggestion.objects.filter(pk=case.current_suggestion_id).update(intent=intent)
            Case.objects.filter(pk=case.pk).update(
                customer=CustomerFactory(), assignee=agent2 if i % 2 else None
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add(30)
    bulk_cases(15)
    with CaptureQueriesContext(connection) as many:
        content = client.get("/").content.decode()
    assert len(rows(content)) == 47
    assert len(many) == len(few)


# The staff language: from the profile once per session, then from the session.


def statements(client, url="/review/") -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_user_without_a_profile_costs_no_query_for_the_language_after_the_first_request(
    client, agent
):
    login(client, agent)
    first = statements(client)
    second, third = statements(client), statements(client)
    assert any("cases_staffprofile" in sql for sql in first)
    assert not any("cases_staffprofile" in sql for sql in second + third)
    assert len(second) == len(third)  # and the session is not written again
    assert not any(sql.startswith(("UPDATE", "INSERT")) for sql in second + third)
    assert not StaffProfile.objects.exists()  # reading the language creates nothing


def test_the_profile_language_is_read_once_per_session(client, agent):
    StaffProfile.objects.create(user=agent, language="de")
    login(client, agent)
    assert '<html lang="de">' in client.get("/").content.decode()
    assert not any("cases_staffprofile" in sql for sql in statements(client))
    assert '<html lang="de">' in client.get("/review/").content.decode()


def test_a_language_change_takes_effect_on_the_next_request(client, agent):
    StaffProfile.objects.create(user=agent, language="de")
    login(client, agent)
    client.get("/")  # the language is now in the session
    client.post("/settings/language/", {"language": "en"})
    assert '<html lang="en">' in client.get("/").content.decode()
    assert StaffProfile.objects.get(user=agent).language == "en"
    client.post("/settings/language/", {"language": "de"})
    assert '<html lang="de">' in client.get("/review/").content.decode()


def test_logging_in_as_someone_else_does_not_keep_the_previous_users_language(
    client, agent, agent2
):
    login(client, agent).post("/settings/language/", {"language": "de"})
    assert '<html lang="de">' in client.get("/").content.decode()
    response = client.post("/accounts/login/", {"username": "agent2", "password": "pw"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()
    # and the first user, in a browser of their own, still reads German
    assert '<html lang="de">' in login(Client(), agent).get("/").content.decode()


def test_a_profile_language_set_elsewhere_applies_from_the_next_login(client, agent):
    login(client, agent)
    client.get("/")  # no profile: English, remembered for this session
    StaffProfile.objects.create(user=agent, language="de")  # e.g. by a supervisor in the admin
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert '<html lang="de">' in login(client, agent).get("/").content.decode()


# Issue 16: the statements a queue request costs, exactly.

HTMX_LIST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-list"}


def sql(client, url="/", **headers) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **headers).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_queue_costs_6_statements_and_its_list_5(client, agent, agent2):
    login(client, agent)
    bulk_cases(60, assignee=agent2)
    bulk_cases(5)  # unassigned
    client.get("/")  # the session's language and permissions, the facets
    page = sql(client)
    # Session, user, counts by state (they also tell the paginator how many cases it lists),
    # the 50 rows, their tags, the newest case. Reason counts, intents, tags and colleagues
    # come from the shared cache for a few seconds; the permissions from the session.
    assert len(page) == 6, page
    assert not any("COUNT(*)" in s for s in page)
    assert len(sql(client, **HTMX_LIST)) == 5  # no newest case; the counts tell the paginator
    # A filter the counts by state cannot answer: a COUNT of the list instead (the page still
    # shows the counts by state).
    filtered = sql(client, "/?assigned=none")
    assert len(filtered) == 7 and sum("COUNT(*)" in s for s in filtered) == 1
    assert len(sql(client, "/?assigned=none", **HTMX_LIST)) == 5


@pytest.mark.parametrize(
    ("query", "listed"),
    [("", 70), ("?state=escalated", 10), ("?state=in_review", 60), ("?state=awaiting_customer", 3)],
)
def test_the_pages_are_counted_from_the_counts_by_state(client, agent, query, listed):
    login(client, agent)
    bulk_cases(60)
    bulk_cases(10, state=State.ESCALATED)
    bulk_cases(3, state=State.AWAITING_CUSTOMER)  # open, not actionable: not in the default list
    bulk_cases(4, state=State.RESOLVED)
    content = client.get("/" + query).content.decode()
    pages = -(-listed // 50)
    assert (f"Page 1 of {pages}" in content) == (pages > 1)
    assert len(rows(content)) == min(listed, 50)
    if pages > 1:
        last = client.get("/" + (query + "&" if query else "?") + f"page={pages}").content
        assert len(rows(last.decode())) == listed - 50


def test_the_facets_are_at_most_a_few_seconds_old(client, agent, monkeypatch):
    from django.core.cache.backends import locmem

    from cases.models import Tag
    from cases.views import FACETS_SECONDS

    login(client, agent)
    client.get("/")
    Tag.objects.create(name="fresh-tag")
    assert "fresh-tag" not in client.get("/").content.decode()  # the cached facets
    later = locmem.time.time() + FACETS_SECONDS + 1
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert "fresh-tag" in client.get("/").content.decode()
