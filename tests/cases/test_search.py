"""Search that finds everything: one selector (cases.search) for the queue and the API's `?q=`,
every state and every field, on SQLite and on PostgreSQL (DATABASE_URL); ranking, snippets and
indexes on PostgreSQL; bad input; and the customer page it links to."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, Message, State
from cases.search import search_cases
from cases.transitions import Actor
from customers.models import ConfirmationRequest
from tests.factories import CustomerFactory, MessageFactory, UserFactory, case_in

HTMX_LIST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-list"}


def note(case, user, text):
    return CaseEvent.objects.record(
        case, "note", actor_kind=Actor.staff(user).kind, actor_user=user, comment=text
    )


@pytest.fixture
def world(db, agent):
    """One case in every state, each findable by a word in a different field."""
    cases = {state: case_in(state) for state in State.values}
    Case.objects.filter(pk=cases["resolved"].pk).update(subject="Thermostat shows nothing")
    MessageFactory(case=cases["closed"], text="The parcel with the quokka figurine is lost.")
    note(cases["escalated"], agent, "Called them: the walrus costume is a gift.")
    grimsby = CustomerFactory(name="Hilda Grimsby", email="zebra.keeper@example.net")
    Case.objects.filter(pk=cases["in_progress"].pk).update(customer=grimsby)
    MessageFactory(
        case=cases["awaiting_customer"], language="de", text="Die Rechnungen fehlen seit Mai."
    )
    return cases


# query (a function of the cases) → the states of the cases it finds
QUERIES = [
    (lambda c: c["new"].reference, {"new"}),
    (lambda c: "#" + c["new"].reference.lower(), {"new"}),
    (lambda c: "thermostat", {"resolved"}),  # the subject
    (lambda c: "Quokka", {"closed"}),  # a message's body, of a closed case
    (lambda c: "walrus", {"escalated"}),  # an internal note
    (lambda c: "Grimsby", {"in_progress"}),  # the customer's name
    (lambda c: "zebra.keeper@example.net", {"in_progress"}),  # the customer's address
    (lambda c: "Rechnungen", {"awaiting_customer"}),  # a German body
    (lambda c: "quokka figurine", {"closed"}),
    (lambda c: "pelican", set()),
    (lambda c: "", set()),
]


def found(world, text) -> set[str]:
    states = {case.reference: state for state, case in world.items()}
    return {
        states[ref]
        for ref in search_cases(Case.objects.all(), text).values_list("reference", flat=True)
    }


@pytest.mark.parametrize("query, expected", QUERIES)
def test_the_selector_finds_each_field_in_every_state(world, query, expected):
    assert found(world, query(world)) == expected


def listed(content: str) -> list[str]:
    return re.findall(r"data-row-link><strong>(\w+)</strong>", content)


@pytest.mark.parametrize("query, expected", [q for q in QUERIES if q[1]])
def test_the_queue_and_the_api_find_the_same_cases(
    client, agent, integrator, world, query, expected
):
    text = query(world)
    wanted = sorted(world[state].reference for state in expected)
    client.force_login(agent)
    assert sorted(listed(client.get("/", {"q": text}).content.decode())) == wanted
    assert sorted(listed(client.get("/", {"q": text}, **HTMX_LIST).content.decode())) == wanted
    api = APIClient()
    api.force_authenticate(integrator)
    body = api.get("/api/v1/cases/", {"q": text}).json()
    assert sorted(case["reference"] for case in body["results"]) == wanted


def test_a_chosen_state_narrows_the_search(client, agent, world):
    client.force_login(agent)
    closed = client.get("/", {"q": "quokka", "state": "closed"}).content.decode()
    assert listed(closed) == [world["closed"].reference]
    assert listed(client.get("/", {"q": "quokka", "state": "resolved"}).content.decode()) == []


def test_the_state_filter_offers_every_state(client, agent, world):
    content = client.force_login(agent) or client.get("/").content.decode()
    options = re.findall(r'<option value="(\w*)"', content[content.index('id="filter-state"') :])
    assert options[: len(State.values) + 2] == ["", "all", *State.values]
    assert ">Resolved</option>" in content and ">Closed</option>" in content


def test_the_row_shows_the_matching_text_escaped_with_the_match_marked(client, agent, world):
    MessageFactory(case=world["closed"], text="<script>alert(1)</script> quokka <b>bold</b>")
    content = client.force_login(agent) or client.get("/", {"q": "quokka"}).content.decode()
    snippets = re.findall(r'<span class="snippet">(.*?)</span>', content)
    assert len(snippets) == 1 and "<mark>quokka</mark>" in snippets[0].lower()
    assert "<script>" not in content.split("</nav>")[-1].split('<aside class="shortcuts"')[0]
    assert re.sub(r"</?mark>", "", snippets[0]).count("<") == 0  # only the marks are HTML


def test_search_results_link_to_the_customer_page(client, agent, world):
    content = client.force_login(agent) or client.get("/", {"q": "Grimsby"}).content.decode()
    customer = Case.objects.get(pk=world["in_progress"].pk).customer_id
    assert f'<a href="/customers/{customer}/">Hilda Grimsby</a>' in content


@pytest.mark.parametrize(
    "text, status",
    # A NUL is refused by the one guard for unstorable text (a 400 that says so); the rest
    # is searched for.
    [("quo\x00kka", 400), ("\x00", 400), ("q" * 10_000, 200), ("a & | ! ( ) : * ' \"", 200)],
)
def test_odd_queries_never_fail_in_the_queue(client, agent, world, text, status):
    response = client.force_login(agent) or client.get("/", {"q": text})
    assert response.status_code == status


@pytest.mark.parametrize(
    "text, status",
    [("quo\x00kka", 400), ("q" * 201, 400), ("q" * 200, 200), ("a & | ! ( ) : * '", 200)],
)
def test_odd_queries_in_the_api_are_a_400_or_a_result(integrator, world, text, status):
    api = APIClient()
    api.force_authenticate(integrator)
    response = api.get("/api/v1/cases/", {"q": text})
    assert response.status_code == status, response.content
    if status == 400:
        assert "q" in response.json()["errors"] or "q" in str(response.json())


def test_the_api_orders_a_search_as_asked(integrator, world):
    MessageFactory(case=world["new"], text="another quokka")
    api = APIClient()
    api.force_authenticate(integrator)
    body = api.get("/api/v1/cases/", {"q": "quokka", "ordering": "created_at"}).json()
    created = [Case.objects.get(reference=c["reference"]).created_at for c in body["results"]]
    assert len(created) == 2 and created == sorted(created)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_search_costs_the_same_for_2_and_60_matching_cases(client, agent):
    client.force_login(agent)
    for _ in range(2):
        MessageFactory(case=case_in(State.CLOSED), text="a lost quokka")
    client.get("/?q=quokka")
    few = queries(client, "/?q=quokka"), queries(client, "/api/v1/cases/?q=quokka")
    for _ in range(58):
        MessageFactory(case=case_in(State.RESOLVED), text="another quokka")
    many = queries(client, "/?q=quokka"), queries(client, "/api/v1/cases/?q=quokka")
    assert few == many


# PostgreSQL: ranking, the highlight and the indexes.


def test_the_best_match_comes_first(postgres, client, agent):
    once = case_in(State.CLOSED)
    MessageFactory(case=once, text="a quokka")
    twice = case_in(State.CLOSED)
    Case.objects.filter(pk=twice.pk).update(subject="Quokka trouble")
    MessageFactory(case=twice, text="the quokka and the other quokka")
    refs = list(search_cases(Case.objects.all(), "quokka").values_list("reference", flat=True))
    assert refs == [twice.reference, once.reference]
    # An exact reference beats every word.
    MessageFactory(case=once, text=f"see also {twice.reference.lower()}")
    refs = search_cases(Case.objects.all(), twice.reference).values_list("reference", flat=True)
    assert refs[0] == twice.reference


def test_only_the_newest_matches_are_ranked_and_older_ones_follow_newest_first(
    postgres, db, monkeypatch
):
    monkeypatch.setattr("cases.search.RANKED", 2)
    now = timezone.now()
    made = []
    for days, text in [(1, "quokka"), (2, "quokka quokka quokka"), (3, "quokka"), (4, "quokka")]:
        case = case_in(State.CLOSED)
        Case.objects.filter(pk=case.pk).update(created_at=now - timezone.timedelta(days=days))
        MessageFactory(case=case, text=text)
        made.append(case.reference)
    refs = list(search_cases(Case.objects.all(), "quokka").values_list("reference", flat=True))
    assert refs == [made[1], made[0], made[2], made[3]]


def test_german_and_english_words_are_found_by_their_stem(postgres, world):
    assert found(world, "Rechnung") == {"awaiting_customer"}  # German: Rechnungen → rechnung
    assert found(world, "figurines") == {"closed"}  # English: figurines → figurin


@pytest.mark.parametrize(
    "index, sql",
    [
        ("cases_message_search_idx", "SELECT case_id FROM cases_message WHERE {doc} @@ {q}"),
        ("cases_case_subject_search_idx", "SELECT id FROM cases_case WHERE {doc} @@ {q}"),
        (
            "cases_caseevent_note_search_idx",
            "SELECT case_id FROM cases_caseevent WHERE name = 'note' AND {doc} @@ {q}",
        ),
    ],
)
def test_the_full_text_indexes_serve_the_search(postgres, world, index, sql):
    column = {"cases_message": "text", "cases_case": "subject", "cases_caseevent": "comment"}
    table = sql.split("FROM ")[1].split()[0]
    doc = (
        f"(to_tsvector('english'::regconfig, {column[table]}) || "
        f"to_tsvector('german'::regconfig, {column[table]}))"
    )
    q = "websearch_to_tsquery('english'::regconfig, 'quokka')"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql.format(doc=doc, q=q))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


# The customer page.


@pytest.fixture
def customer_world(db, agent):
    customer = CustomerFactory(name="Ada Lovelace", email="ada@example.org", language="de")
    old = case_in(State.CLOSED)
    new = case_in(State.AWAITING_CUSTOMER)  # a pending link (case_in issues it)
    Case.objects.filter(pk__in=[old.pk, new.pk]).update(customer=customer)
    Case.objects.filter(pk=old.pk).update(
        subject="Old question", created_at=timezone.now() - timezone.timedelta(days=30)
    )
    decided = ConfirmationRequest.issue(
        case=old, kind="choose", options=[{"id": "a", "label": "Monday"}]
    )
    decided.status, decided.decided_at = "accepted", timezone.now()
    decided.outcome = {
        "accepted": True,
        "option": {"id": "a", "label": "Monday"},
        "comment": "Gern",
    }
    decided.save()
    MessageFactory(case=old, text="one more")
    return customer, old, new


def test_the_customer_page_shows_every_case_the_messages_and_the_decisions(
    client, agent, customer_world
):
    customer, old, new = customer_world
    content = client.force_login(agent) or client.get(f"/customers/{customer.pk}/").content.decode()
    assert "<h1>Ada Lovelace</h1>" in content
    assert "<dt>Language</dt><dd>de</dd>" in content
    assert '<dd id="personal-data">Stored</dd>' in content
    messages = Message.objects.filter(case__customer=customer).count()
    assert f'<dd id="message-count">{messages} messages</dd>' in content
    table = content[content.index('id="customer-cases"') : content.index('id="customer-decisions"')]
    assert re.findall(r"<strong>(\w+)</strong>", table) == [new.reference, old.reference]
    assert '<span class="state state-closed">Closed</span>' in table
    decisions = content[content.index('id="customer-decisions"') :]
    assert "<td>Accepted: Monday<br>“Gern”</td>" in decisions
    assert "<td>Pending</td>" in decisions


def test_an_erased_customer_says_so(client, agent, customer_world):
    customer = customer_world[0]
    customer.email, customer.name = f"erased-{customer.pk}@erased.invalid", ""
    customer.save()
    content = client.force_login(agent) or client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Erased: name, address and texts were removed; cases and history kept." in content


def test_the_case_page_links_to_its_customer(client, agent, customer_world):
    customer, old, _new = customer_world
    content = client.force_login(agent) or client.get(f"/cases/{old.reference}/").content.decode()
    assert (
        f'<a href="/customers/{customer.pk}/">Ada Lovelace &lt;ada@example.org&gt;</a>' in content
    )


@pytest.mark.parametrize("role, status", [("agent", 200), ("supervisor", 200), ("", 403)])
def test_the_customer_page_is_for_staff_who_work_cases(client, customer_world, role, status):
    user = UserFactory(username=f"u-{role or 'none'}", role=role or None)
    client.force_login(user)
    assert client.get(f"/customers/{customer_world[0].pk}/").status_code == status


def test_anonymous_visitors_are_sent_to_log_in_from_the_customer_page(client, customer_world):
    response = client.get(f"/customers/{customer_world[0].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_customer_page_costs_the_same_for_2_and_30_cases(client, agent, customer_world):
    customer = customer_world[0]
    client.force_login(agent)
    client.get(f"/customers/{customer.pk}/")
    few = queries(client, f"/customers/{customer.pk}/")
    for _ in range(28):
        case = case_in(State.RESOLVED)
        Case.objects.filter(pk=case.pk).update(customer=customer)
    assert queries(client, f"/customers/{customer.pk}/") == few


def test_the_api_customer_detail_has_the_same_facts(integrator, customer_world):
    customer, old, new = customer_world
    api = APIClient()
    api.force_authenticate(integrator)
    body = api.get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["erased"] is False and body["language"] == "de"
    assert [c["reference"] for c in body["cases"]] == [new.reference, old.reference]
    assert body["message_count"] == Message.objects.filter(case__customer=customer).count()
    # Newest first: the decided question was asked after the pending one (see the fixture).
    assert [(d["case"], d["status"]) for d in body["decisions"]] == [
        (old.reference, "accepted"),
        (new.reference, "pending"),
    ]
    accepted = next(d for d in body["decisions"] if d["status"] == "accepted")
    assert accepted["outcome"]["option"]["label"] == "Monday"
