"""Search over every case: the one selector behind the queue's search box and the API's `?q=`.

What it searches, in every state: the exact reference ("6WK4E585", "#6wk4e585"), the
customer's name and address, the subject, every message's text and the agents' notes (the
`comment` of "note" events, `cases.transitions.handlers.handle_note`).

On PostgreSQL: full-text search in German and English at once (each text is indexed under
both configurations, and the query is read under both), GIN expression indexes
(migration `cases.0021_search_indexes`), results ranked best first (`SearchRank`), and a
highlighted snippet of the message or note that matched (`SearchHeadline`). The customer's
name and address are matched as substrings with trigram indexes (pg_trgm), as on SQLite.
On SQLite: every word of the query must occur (case-insensitively) in one of the same
fields; the newest cases first, the snippet cut around the first word in Python.

The index expressions in the migration are written with the same SQL as `BothLanguages`:
PostgreSQL uses an expression index only for the identical expression.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case as Cases
from django.db.models import (
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cases.models import Case, CaseEvent, Message
from customers.models import Customer

MAX_QUERY_CHARS = 200
MAX_WORDS = 10
RANKED = 100  # the newest matches that are ranked: two pages of the queue
CONFIGS = ("english", "german")
# What ts_headline puts around a match: characters nobody types, replaced by <mark> after the
# whole snippet has been escaped (the only HTML in it).
START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
SNIPPET_CHARS = 160


class BothLanguages(Func):
    """A text's tsvector under the English and the German configuration, concatenated."""

    template = (
        "(to_tsvector('english'::regconfig, %(expressions)s) || "
        "to_tsvector('german'::regconfig, %(expressions)s))"
    )
    output_field = SearchVectorField()


def normalized(text: str) -> str:
    """The query as searched: no NUL bytes (PostgreSQL refuses them), no surrounding space."""
    return text.replace("\x00", "").strip()[:MAX_QUERY_CHARS]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def query_for(text: str):
    """The text as one tsquery under both configurations (websearch syntax: never an error)."""
    first, second = (SearchQuery(text, config=c, search_type="websearch") for c in CONFIGS)
    return first | second


def search_cases(cases, text: str):
    """The cases that match the text, best first, each with a `snippet` of what matched.

    `cases` is a Case queryset (already filtered); the result keeps its filters. A blank
    text matches nothing.
    """
    text = normalized(text)
    if not text:
        return cases.none()
    if is_postgres():
        return full_text(cases, text)
    return plain(cases, text)


def reference_of(text: str) -> str:
    return text.lstrip("#").strip().upper()


def customers_named(text: str):
    return Customer.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))


# PostgreSQL.


def full_text(cases, text: str):
    query = query_for(text)
    messages = Message.objects.alias(document=BothLanguages("text")).filter(document=query)
    notes = (
        CaseEvent.objects.filter(name="note")
        .alias(document=BothLanguages("comment"))
        .filter(document=query)
    )
    by_subject = Case.objects.alias(document=BothLanguages("subject")).filter(document=query)
    # One list of ids from the indexes, then the cases: an OR over subqueries would scan them all.
    customers = customers_named(text).order_by().values("pk")
    ids = (
        Case.objects.filter(reference=reference_of(text))
        .order_by()
        .values("pk")
        .union(
            by_subject.order_by().values("pk"),
            Case.objects.filter(customer__in=customers).order_by().values("pk"),
            messages.order_by().values("case_id"),
            notes.order_by().values("case_id"),
            all=True,
        )
    )
    best_message = messages.filter(case=OuterRef("pk")).annotate(
        rank=SearchRank(F("document"), query)
    )
    best_note = notes.filter(case=OuterRef("pk")).annotate(rank=SearchRank(F("document"), query))
    headline = {"start_sel": START, "stop_sel": STOP, "max_words": 24, "min_words": 8}
    found = cases.filter(pk__in=ids)
    # Ranking reads every candidate's texts again: only the newest RANKED matches are ranked
    # (best first), older ones follow them newest first (rank -1). A common word at 1M cases
    # would otherwise rank tens of thousands of cases for one page (bench/search.py).
    newest = found.order_by("-created_at").values("created_at")[RANKED - 1 : RANKED]
    return (
        found.alias(
            rank=Cases(
                When(
                    created_at__gte=Coalesce(Subquery(newest), F("created_at")),
                    then=Value(2.0) * Coalesce(SearchRank(BothLanguages("subject"), query), 0.0)
                    + Coalesce(Subquery(best_message.order_by("-rank").values("rank")[:1]), 0.0)
                    + Coalesce(Subquery(best_note.order_by("-rank").values("rank")[:1]), 0.0)
                    + Cases(
                        When(reference=reference_of(text), then=Value(10.0)), default=Value(0.0)
                    ),
                ),
                default=Value(-1.0),
                output_field=FloatField(),
            )
        )
        .annotate(
            snippet=Coalesce(
                Subquery(
                    best_message.order_by("-rank", "pk")
                    .annotate(h=SearchHeadline("text", query, config="english", **headline))
                    .values("h")[:1]
                ),
                Subquery(
                    best_note.order_by("-rank", "pk")
                    .annotate(h=SearchHeadline("comment", query, config="english", **headline))
                    .values("h")[:1]
                ),
                Value(""),
                output_field=TextField(),
            )
        )
        .order_by("-rank", "-created_at", "-pk")
    )


# SQLite (and any other database): substrings of the same fields.


def plain(cases, text: str):
    words = text.split()[:MAX_WORDS]
    found = Q()
    for word in words:
        messages = Message.objects.filter(case=OuterRef("pk"), text__icontains=word)
        notes = CaseEvent.objects.filter(case=OuterRef("pk"), name="note", comment__icontains=word)
        found &= (
            Q(subject__icontains=word)
            | Q(customer__name__icontains=word)
            | Q(customer__email__icontains=word)
            | Exists(messages)
            | Exists(notes)
        )
    first = words[0]
    texts = Message.objects.filter(case=OuterRef("pk"), text__icontains=first).order_by("pk")
    comments = CaseEvent.objects.filter(case=OuterRef("pk"), name="note", comment__icontains=first)
    return (
        cases.filter(Q(reference=reference_of(text)) | found)
        .annotate(
            snippet=Coalesce(
                Subquery(texts.values("text")[:1]),
                Subquery(comments.order_by("pk").values("comment")[:1]),
                Value(""),
                output_field=TextField(),
            ),
            snippet_word=Value(first),
        )
        .order_by("-created_at", "-pk")
    )


# The snippet as the queue shows it.


def snippet_html(snippet: str, word: str = "") -> str:
    """The snippet, escaped, with only the matches marked; `word` marks a plain search's."""
    if not snippet:
        return ""
    if word:
        snippet = excerpt(snippet, word)
    snippet = " ".join(snippet.split())
    marked = MARKED.sub(r"<mark>\1</mark>", escape(snippet))
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


def excerpt(text: str, word: str) -> str:
    """The text around the word's first occurrence, the word between the highlight marks."""
    text = text.replace(START, "").replace(STOP, "")
    at = text.lower().find(word.lower())
    if at < 0:
        return text[:SNIPPET_CHARS]
    start = max(0, at - SNIPPET_CHARS // 2)
    end = at + len(word)
    before = ("…" if start else "") + text[start:at]
    after = text[end : end + SNIPPET_CHARS // 2] + (
        "…" if end + SNIPPET_CHARS // 2 < len(text) else ""
    )
    return f"{before}{START}{text[at:end]}{STOP}{after}"
