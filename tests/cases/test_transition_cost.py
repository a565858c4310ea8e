"""What a transition and the case page cost, and that the cheaper path saves and shows the same.

docs/performance.md, "Case page and transitions (28 Nov 2026)": the case is read once (locked,
with its related rows), saved with only the columns the handler changed, the webhook
subscriptions are remembered per process, and the htmx panel renders the saved case as it is.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from cases import views, webhooks
from cases.models import Case, State, WebhookDelivery, WebhookEndpoint, transitions_of
from cases.transitions import Actor, case_transition, handlers
from tests.attachments import add_messages_with_attachments
from tests.factories import CaseFactory, case_in

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-main"}

# Every transition from one of its source states, with what it needs.
RUNS = [
    ("automate", State.NEW, {}),
    ("route_to_review", State.NEW, {}),
    ("approve", State.IN_REVIEW, {}),
    ("amend", State.ESCALATED, {"reply": "A better reply."}),
    ("take_over", State.IN_REVIEW, {}),
    ("escalate", State.IN_PROGRESS, {"reason": "The customer asks for a manager"}),
    ("reply", State.IN_PROGRESS, {"text": "We have fixed it."}),
    ("reply_and_wait", State.IN_PROGRESS, {"text": "Could you send a photo?"}),
    ("propose", State.IN_PROGRESS, {"options": ["Monday", "Tuesday"]}),
    ("customer_accept", State.AWAITING_CUSTOMER, {"option": "a"}),
    ("customer_decline", State.AWAITING_CUSTOMER, {"wants_human": True}),
    ("expire", State.AWAITING_CUSTOMER, {}),
    ("reopen", State.RESOLVED, {}),
    ("close", State.RESOLVED, {}),
    ("merge", State.IN_REVIEW, {"into": "KEPT2345"}),  # prepared() makes the kept case
]


def actor_for(name, case, user):
    by = transitions_of()[name][0].custom["by"]
    if "customer" in by and name != "reopen":
        return Actor.customer(case.confirmations.pending().first())
    if "staff" in by:
        return Actor.staff(user)
    return Actor.system()


def prepared(name, state):
    case = case_in(state, automatable=(name == "automate"))
    if name == "expire":
        case.confirmations.update(expires_at=timezone.now() - timedelta(minutes=1))
    if name == "close":
        Case.objects.filter(pk=case.pk).update(closed_at=None, outcome={"kept": True})
    if name == "merge":
        CaseFactory(customer=case.customer, state=State.IN_REVIEW, reference="KEPT2345")
    return case


def columns(case: Case) -> dict:
    return {f.attname: f.value_from_object(case) for f in Case._meta.concrete_fields}


def statements(captured) -> list[str]:
    """What a request sent, without transaction control (BEGIN, COMMIT, savepoints)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured if not q["sql"].startswith(control)]


# Saved: every column a handler changed, and only those.


def test_the_runs_cover_every_transition():
    assert {name for name, _state, _payload in RUNS} == set(transitions_of())


@pytest.mark.parametrize(("name", "state", "payload"), RUNS, ids=[r[0] for r in RUNS])
def test_the_row_saved_is_the_case_the_handler_left(name, state, payload, supervisor):
    """A column changed in memory but missing from update_fields would differ after a reload."""
    case = prepared(name, state)
    stored = columns(Case.objects.get(pk=case.pk))
    event = case_transition(
        case=case.pk, name=name, actor=actor_for(name, case, supervisor), payload=payload
    )
    left = columns(event.case)
    assert columns(Case.objects.get(pk=case.pk)) == left
    assert left["state"] != stored["state"] and left["updated_at"] > stored["updated_at"]


def test_the_fields_each_transition_changes_reach_the_database(supervisor):
    taken = case_in(State.IN_REVIEW)
    case_transition(case=taken, name="take_over", actor=Actor.staff(supervisor))
    taken.refresh_from_db()
    assert (taken.state, taken.assignee) == (State.IN_PROGRESS, supervisor)

    proposed = case_in(State.IN_PROGRESS)
    case_transition(
        case=proposed, name="propose", actor=Actor.staff(supervisor), payload={"options": ["Mon"]}
    )
    proposed.refresh_from_db()
    assert proposed.proposal_version == 1
    assert proposed.proposal["options"] == [{"id": "1", "label": "Mon"}]

    accepted = case_in(State.AWAITING_CUSTOMER)
    actor = Actor.customer(accepted.confirmations.pending().first())
    case_transition(case=accepted, name="customer_accept", actor=actor, payload={"option": "a"})
    accepted.refresh_from_db()
    assert accepted.outcome["option"] == {"id": "a", "label": "Monday"}
    assert accepted.resolved_at is not None

    replied = case_in(State.IN_PROGRESS)
    case_transition(
        case=replied, name="reply", actor=Actor.staff(supervisor), payload={"text": "Done."}
    )
    replied.refresh_from_db()
    assert (replied.state, replied.resolved_at is not None) == (State.RESOLVED, True)

    closed = case_in(State.RESOLVED)
    case_transition(case=closed, name="close", actor=Actor.system())
    closed.refresh_from_db()
    assert (closed.state, closed.closed_at is not None) == (State.CLOSED, True)

    reopened = case_in(State.RESOLVED)
    case_transition(case=reopened, name="reopen", actor=Actor.system())
    reopened.refresh_from_db()
    assert (reopened.state, reopened.resolved_at) == (State.IN_REVIEW, None)


def test_a_field_a_handler_sets_is_saved_without_being_listed_anywhere(supervisor, monkeypatch):
    """A future handler that sets another column (or changes a JSON one in place) is covered."""
    take_over = handlers.HANDLERS["take_over"]

    def take_over_and_more(step):
        step.case.subject = "Renamed by the handler"
        step.case.proposal["note"] = "changed in place"
        return take_over(step)

    monkeypatch.setitem(handlers.HANDLERS, "take_over", take_over_and_more)
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="take_over", actor=Actor.staff(supervisor))
    case.refresh_from_db()
    assert (case.subject, case.proposal) == ("Renamed by the handler", {"note": "changed in place"})
    assert case.assignee == supervisor


def test_a_take_over_writes_only_the_columns_it_changes(supervisor):
    case = case_in(State.IN_REVIEW)
    with CaptureQueriesContext(connection) as captured:
        case_transition(case=case, name="take_over", actor=Actor.staff(supervisor))
    (update,) = [s for s in statements(captured) if s.startswith('UPDATE "cases_case"')]
    assert re.findall(r'"(\w+)" = ', update.split(" WHERE ")[0]) == [
        "state",
        "assignee_id",
        "updated_at",
    ]
    # The optimistic lock still guards the save: WHERE id = … AND state = <state when read>.
    assert "in_review" in update.split(" WHERE ")[1]


def test_a_first_approval_of_four_eyes_still_touches_updated_at(agent):
    case = case_in(State.IN_REVIEW, four_eyes=True)
    before = Case.objects.get(pk=case.pk).updated_at
    event = case_transition(case=case, name="approve", actor=Actor.staff(agent))
    assert event.name == "approval_recorded"
    case.refresh_from_db()
    assert (case.state, case.updated_at > before) == (State.IN_REVIEW, True)


# Statements: the case read once, no lazy loads, no endpoint look-up without subscriptions.


def warm(agent):
    """The per-process webhook memory and the content types, as in a running worker."""
    case_transition(case=case_in(State.IN_REVIEW), name="take_over", actor=Actor.staff(agent))


def test_a_transition_reads_the_case_once_and_loads_nothing_lazily(agent):
    warm(agent)
    case = case_in(State.IN_REVIEW)
    with CaptureQueriesContext(connection) as captured:
        case_transition(
            reference=case.reference, name="take_over", actor=Actor.staff(agent), payload={}
        )
    sent = statements(captured)
    print("take_over:", *sent, sep="\n  ")
    reads = [s for s in sent if s.startswith("SELECT")]
    assert len(reads) == 1 and 'FROM "cases_case"' in reads[0]
    if connection.features.has_select_for_update:
        assert 'FOR UPDATE OF "cases_case"' in reads[0]
    # The lock, the review item decided, the training example, the case, the event.
    assert len(sent) == 5


def test_take_over_costs_7_statements_and_14_with_the_panel(client, agent):
    client.force_login(agent)
    warm(agent)
    client.get("/review/")  # the session's first request remembers the staff language
    counts = {}
    for kind, headers in (("post", {}), ("htmx", HTMX)):
        case = case_in(State.IN_REVIEW)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/cases/{case.reference}/do/take_over/", {"expected_state": "in_review"}, **headers
            )
        assert response.status_code == (302 if kind == "post" else 200)
        counts[kind] = len(statements(captured))
    # Session, user; the transition's five; the panel's six (review item, messages, their
    # attachments, the emails to the customer, events, other cases of the customer), the
    # canned replies of the reply form the panel now offers, and the tags. Were 13 and 19; the
    # emails joined the conversation in issue 12, canned replies and tags in 13; the two
    # permission look-ups went to the session in issue 16 (cases.access.session_permissions;
    # with the database as the cache, one statement reads the grants' generation). The
    # attachments are read only when a message has any (issue 16, "Case page and take over"):
    # 15 -> 14.
    assert counts == {"post": 7, "htmx": 14}


def test_the_case_page_costs_9_statements(client, agent):
    client.force_login(agent)
    case = case_in(State.IN_REVIEW)
    url = f"/cases/{case.reference}/"
    client.get(url)  # the session's first request remembers the staff language
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Session, user (permissions from the session since issue 16), the case (with customer,
    # assignee, suggestion and intent, and the open review item's reasons), intents (amend
    # offered), messages (whether each has attachments: none here, so no read of them), the
    # emails to the customer (the conversation shows them), events, other cases of the
    # customer, the tags (issue 13: all of them, marked whether the case has each). Was 11:
    # the review item and the attachments had a statement each (issue 16).
    assert len(statements(captured)) == 9


def test_attachments_cost_one_statement_and_only_when_a_message_has_any(client, agent):
    client.force_login(agent)
    case = case_in(State.IN_REVIEW)
    url = f"/cases/{case.reference}/"
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    add_messages_with_attachments(case, 3)  # the case's first message keeps none
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert len(statements(captured)) == len(statements(without)) + 1
    # Each message lists its own files, in order, after its text and before the next message.
    marks = ["Message 0", "photo-0-0", "photo-0-1", "Message 1", "photo-1-0", "photo-1-1"]
    marks += ["Message 2", "photo-2-0", "photo-2-1", 'id="timeline"']
    positions = [page.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert page.count('class="attachments"') == 3


# The htmx panel after a transition: the saved case rendered as it is, the same as read again.


def without_csrf(content: bytes) -> str:
    text = content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def panel_read_again(agent, reference: str, done: str) -> str:
    request = RequestFactory().post(f"/cases/{reference}/do/x/", **HTMX)
    request.user = agent
    request.htmx = HtmxDetails(request)
    return without_csrf(views.after_action(request, reference, done=done).content)


PANEL_RUNS = [
    ("take_over", State.IN_REVIEW, {}, "Done: take over."),
    ("approve", State.IN_REVIEW, {}, "Done: approve. The reply was sent to {customer}."),
    ("amend", State.IN_REVIEW, {"reply": "Better.", "intent": "test_reply"}, None),
    ("escalate", State.IN_PROGRESS, {"reason": "Manager"}, "Done: escalate."),
    (
        "reply",
        State.IN_PROGRESS,
        {"text": "Fixed."},
        "Done: reply and resolve. The reply was sent to {customer}.",
    ),
    ("propose", State.IN_PROGRESS, {"options": "Monday\nTuesday"}, None),
    ("close", State.RESOLVED, {}, "Done: close."),
]


@pytest.mark.parametrize(
    ("name", "state", "data", "done"), PANEL_RUNS, ids=[r[0] for r in PANEL_RUNS]
)
def test_the_panel_after_a_transition_is_the_panel_read_again(
    client, supervisor, name, state, data, done
):
    client.force_login(supervisor)
    case = case_in(state)
    if state == State.IN_PROGRESS:
        Case.objects.filter(pk=case.pk).update(assignee=supervisor)
    response = client.post(f"/cases/{case.reference}/do/{name}/", data, **HTMX)
    assert response.status_code == 200
    rendered = without_csrf(response.content)
    done = done.format(customer=case.customer.name) if done else None
    done = done or re.search(r"Done: [^<]*\.", rendered).group(0)
    assert done in rendered
    assert rendered == panel_read_again(supervisor, case.reference, done)


def test_a_refused_transition_shows_the_case_as_it_is_now(client, agent):
    client.force_login(agent)
    case = case_in(State.IN_REVIEW)
    response = client.post(
        f"/cases/{case.reference}/do/reply/", {"expected_state": "in_review", "text": "x"}, **HTMX
    )
    assert response.status_code == 200
    assert "reply is not possible while the case is In review" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["post", "htmx"])
@pytest.mark.parametrize(
    ("name", "data"),
    [("escalate", {}), ("approve", {}), ("no_such_transition", {})],
    ids=["refused-payload", "valid-payload", "unknown-transition"],
)
def test_an_unknown_case_is_404_whatever_the_payload(client, agent, name, data, headers):
    client.force_login(agent)
    response = client.post(f"/cases/NOPE2345/do/{name}/", data, **headers)
    assert response.status_code == 404


def test_an_unknown_transition_on_a_known_case_is_403(client, agent):
    client.force_login(agent)
    case = case_in(State.IN_REVIEW)
    assert client.post(f"/cases/{case.reference}/do/no_such/").status_code == 403


# Webhook subscriptions, remembered per process.


def endpoint_reads(captured) -> int:
    return sum('FROM "cases_webhookendpoint"' in s for s in statements(captured))


def take_over(agent):
    case = case_in(State.IN_REVIEW)
    with CaptureQueriesContext(connection) as captured:
        case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    return case, endpoint_reads(captured)


def deliveries(case) -> list:
    return list(WebhookDelivery.objects.filter(case=case).values_list("endpoint__url", flat=True))


def test_without_subscriptions_a_transition_reads_no_endpoint(agent):
    warm(agent)
    case, reads = take_over(agent)
    assert reads == 0 and deliveries(case) == []


def test_a_new_endpoint_gets_the_next_event_in_the_same_process(agent):
    warm(agent)  # remembers: nobody subscribed
    WebhookEndpoint.objects.create(url="https://erp.example.com/hooks")
    case, reads = take_over(agent)
    assert reads == 1
    assert deliveries(case) == ["https://erp.example.com/hooks"]


def test_a_switched_off_or_deleted_endpoint_gets_nothing_more(agent):
    kept = WebhookEndpoint.objects.create(url="https://kept.example.com/")
    off = WebhookEndpoint.objects.create(url="https://off.example.com/")
    gone = WebhookEndpoint.objects.create(url="https://gone.example.com/")
    case, _reads = take_over(agent)
    assert sorted(deliveries(case)) == sorted([kept.url, off.url, gone.url])
    off.is_active = False
    off.save()
    gone.delete()
    case, _reads = take_over(agent)
    assert deliveries(case) == [kept.url]


def test_subscribers_are_read_in_the_transaction_never_from_memory(agent):
    """An endpoint another process deleted or switched off never gets a delivery (nor a
    delivery whose foreign key would fail the commit), even while this process remembers it."""
    off = WebhookEndpoint.objects.create(url="https://off.example.com/")
    gone = WebhookEndpoint.objects.create(url="https://gone.example.com/")
    take_over(agent)  # remembers: case.transitioned has subscribers
    # Another process: no signal reaches this one.
    WebhookEndpoint.objects.filter(pk=off.pk).update(is_active=False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_webhookdelivery WHERE endpoint_id = %s", [gone.pk])
        cursor.execute("DELETE FROM cases_webhookendpoint WHERE id = %s", [gone.pk])
    case, reads = take_over(agent)
    assert reads == 1 and deliveries(case) == []


def test_a_subscription_made_by_another_process_counts_after_the_cache_time(agent, monkeypatch):
    warm(agent)  # remembers: nobody subscribed
    # Another process subscribes: bulk_create sends no signal to this one.
    WebhookEndpoint.objects.bulk_create([WebhookEndpoint(url="https://late.example.com/")])
    case, reads = take_over(agent)
    assert (reads, deliveries(case)) == (0, [])  # within ENDPOINT_CACHE_SECONDS: not yet
    monkeypatch.setattr(webhooks, "ENDPOINT_CACHE_SECONDS", 0)  # the time has passed
    case, reads = take_over(agent)
    assert (reads, deliveries(case)) == (1, ["https://late.example.com/"])


def test_events_nobody_subscribed_to_need_no_endpoint_read(agent):
    WebhookEndpoint.objects.create(
        url="https://decisions.example.com/", event_types=["customer.decided"]
    )
    take_over(agent)  # reads them once, remembers what they want
    case, reads = take_over(agent)
    assert (reads, deliveries(case)) == (0, [])
