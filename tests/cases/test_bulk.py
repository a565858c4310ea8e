"""Many cases at once: each case through the one path, each on its own, each outcome said by
its reference; tags on the case page, in bulk and as the queue's filter (docs/bulk.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.bulk import cases_bulk
from cases.models import Case, CaseEvent, State, Tag
from cases.transitions import Actor, InvalidPayload
from tests.cases.test_workspace import HTMX, flash, login
from tests.factories import UserFactory, case_in


def outcome_of(outcomes):
    return [(o.reference, o.ok, o.status, o.message) for o in outcomes]


@pytest.fixture
def billing(db):
    return Tag.objects.create(name="Billing", colour="#2a6fdb")


@pytest.fixture
def users(agent, agent2, supervisor, integrator):
    return {"agent": agent, "agent2": agent2, "supervisor": supervisor, "integrator": integrator}


# (action, fields, the case's state and holder, who acts) → (ok, status, message, state after)
BULK = [
    ("close", {"reason": "Done"}, State.RESOLVED, None, "agent", (True, 200, "Done.", "closed")),
    (
        "close",
        {"reason": "Done"},
        State.IN_REVIEW,
        None,
        "agent",
        (False, 409, "Cannot be closed while In review.", "in_review"),
    ),
    (
        "escalate",
        {"reason": "Angry"},
        State.IN_REVIEW,
        None,
        "agent",
        (True, 200, "Done.", "escalated"),
    ),
    (
        "escalate",
        {"reason": "Angry"},
        State.IN_PROGRESS,
        "agent2",
        "agent",
        (False, 403, "You may not escalate this case.", "in_progress"),
    ),
    (
        "escalate",
        {"reason": "Angry"},
        State.RESOLVED,
        None,
        "agent",
        (False, 409, "Cannot be escalated while Resolved.", "resolved"),
    ),
    ("assign_me", {}, State.IN_REVIEW, None, "agent", (True, 200, "Done.", "in_review")),
    (
        "assign_me",
        {},
        State.IN_REVIEW,
        "agent2",
        "agent",
        (False, 409, "Already assigned to Agent2.", "in_review"),
    ),
    (
        "assign",
        {"assignee": "agent2"},
        State.IN_REVIEW,
        None,
        "agent",
        (True, 200, "Done.", "in_review"),
    ),
    (
        "assign",
        {"assignee": "agent"},
        State.IN_REVIEW,
        "agent2",
        "agent",
        (False, 409, "Already assigned to Agent2.", "in_review"),
    ),
    (
        "assign",
        {"assignee": "agent"},
        State.IN_REVIEW,
        "agent2",
        "supervisor",
        (True, 200, "Done.", "in_review"),
    ),
    (
        "assign",
        {"assignee": "nobody"},
        State.IN_REVIEW,
        None,
        "agent",
        (False, 400, "nobody does not work cases.", "in_review"),
    ),
    ("tag", {"tag": "billing"}, State.CLOSED, None, "agent", (True, 200, "Done.", "closed")),
    (
        "untag",
        {"tag": "billing"},
        State.IN_REVIEW,
        None,
        "agent",
        (False, 409, "Not tagged Billing.", "in_review"),
    ),
    (
        "tag",
        {"tag": "nope"},
        State.IN_REVIEW,
        None,
        "agent",
        (False, 400, "There is no tag nope.", "in_review"),
    ),
    (
        "close",
        {"reason": "Done"},
        State.RESOLVED,
        None,
        "integrator",
        (False, 403, "You may not work cases.", "resolved"),
    ),
]


@pytest.mark.parametrize(("action", "fields", "state", "holder", "who", "expected"), BULK)
def test_each_bulk_outcome(db, billing, users, action, fields, state, holder, who, expected):
    case = case_in(state)
    if holder:
        Case.objects.filter(pk=case.pk).update(assignee=users[holder])
    events = CaseEvent.objects.filter(case=case).count()
    [outcome] = cases_bulk(
        references=[case.reference], action=action, actor=Actor.staff(users[who]), **fields
    )
    case.refresh_from_db()
    assert (outcome.ok, outcome.status, outcome.message, case.state) == expected
    assert CaseEvent.objects.filter(case=case).count() == events + outcome.ok


def test_one_refusal_does_not_undo_the_others(db, agent, agent2):
    done = [case_in(State.RESOLVED) for _ in range(2)]
    in_review = case_in(State.IN_REVIEW)
    refs = [done[0].reference, in_review.reference, done[1].reference, "ZZZZZZZZ"]
    outcomes = cases_bulk(references=refs, action="close", actor=Actor.staff(agent), reason="ok")
    assert outcome_of(outcomes) == [
        (done[0].reference, True, 200, "Done."),
        (in_review.reference, False, 409, "Cannot be closed while In review."),
        (done[1].reference, True, 200, "Done."),
        ("ZZZZZZZZ", False, 404, "No such case."),
    ]
    for case in done:
        event = CaseEvent.objects.filter(case=case).last()
        assert (event.name, event.comment, event.actor_user) == ("close", "ok", agent)


def test_a_lost_race_names_who_was_first(db, agent, agent2, monkeypatch):
    """The case was resolved when read, and closed by Agent2 before its turn."""
    case = case_in(State.RESOLVED)
    from cases import bulk

    real = bulk.one

    def meanwhile(found, *args):
        from cases.transitions import case_transition

        case_transition(case=found.pk, name="close", actor=Actor.staff(agent2))
        return real(found, *args)

    monkeypatch.setattr(bulk, "one", meanwhile)
    [outcome] = cases_bulk(
        references=[case.reference], action="close", actor=Actor.staff(agent), reason="x"
    )
    assert outcome.status == 409
    assert outcome.message.startswith("Already handled by Agent2 at ")
    assert outcome.message.endswith(": the case is now Closed.")


def test_assigning_to_a_colleague_gives_them_the_review_item_too(db, agent, agent2):
    from review.models import ReviewItem

    case = case_in(State.IN_REVIEW)
    item = ReviewItem.objects.create(case=case, suggestion=case.current_suggestion)
    cases_bulk(
        references=[case.reference], action="assign", actor=Actor.staff(agent), assignee="agent2"
    )
    item.refresh_from_db()
    case.refresh_from_db()
    assert (case.assignee, item.status, item.claimed_by) == (agent2, "claimed", agent2)
    event = CaseEvent.objects.get(case=case)
    assert (event.name, event.data, event.actor_user) == ("assigned", {"assignee": "agent2"}, agent)


def test_what_cannot_be_a_reference_is_no_such_case(db, agent):
    outcomes = cases_bulk(
        references=["AB\x00CD", "x" * 500, "#ab-cd"], action="assign_me", actor=Actor.staff(agent)
    )
    assert [(o.reference, o.status) for o in outcomes] == [
        ("AB\x00CD", 404),
        ("X" * 20, 404),
        ("AB-CD", 404),
    ]


BAD = [
    ({"action": "delete", "references": ["A"]}, "Unknown bulk action delete."),
    ({"action": "close", "references": []}, "Choose at least one case."),
    ({"action": "close", "references": "ABC"}, "references must be a list of case references."),
    ({"action": "close", "references": ["ABCDEFGH"]}, "reason is required."),
    (
        {"action": "close", "references": ["A"] * 2 + [str(i) for i in range(100)]},
        "At most 100 cases at once.",
    ),
    ({"action": "assign", "references": ["A"]}, "assignee is required."),
]


@pytest.mark.parametrize(("given", "message"), BAD)
def test_a_bad_bulk_request_is_refused_as_a_whole(db, agent, given, message):
    with pytest.raises(InvalidPayload) as refused:
        cases_bulk(actor=Actor.staff(agent), **given)
    assert refused.value.message == message


# The queue.


def test_the_queue_rows_have_checkboxes_for_the_bulk_form(client, agent):
    case = case_in(State.IN_REVIEW)
    login(client, agent)
    content = client.get("/").content.decode()
    assert '<form id="bulk" class="bulk filters" method="post" action="/queue/bulk/"' in content
    assert (
        f'<input type="checkbox" name="case" value="{case.reference}" form="bulk" '
        f'aria-label="Select {case.reference}">'
    ) in content


def test_bulk_closing_with_htmx_swaps_the_list_and_says_what_happened(client, agent):
    resolved = [case_in(State.RESOLVED) for _ in range(2)]
    other = case_in(State.IN_REVIEW)
    login(client, agent)
    response = client.post(
        "/queue/bulk/",
        {"case": [c.reference for c in [*resolved, other]], "action": "close", "reason": "Done"},
        HTTP_HX_CURRENT_URL="http://testserver/?state=resolved",
        **HTMX,
    )
    content = response.content.decode()
    assert content.strip().startswith('<div id="case-list">')
    assert '<p class="error">2 of 3 cases done.</p>' in content
    assert (
        f"<li><strong>{other.reference}</strong>: Cannot be closed while In review.</li>" in content
    )
    assert "0 cases" in content  # the resolved list, now empty
    assert {c.state for c in Case.objects.filter(pk__in=[c.pk for c in resolved])} == {"closed"}


def test_bulk_without_htmx_redirects_with_messages(client, agent):
    resolved = case_in(State.RESOLVED)
    other = case_in(State.IN_REVIEW)
    login(client, agent)
    response = client.post(
        "/queue/bulk/",
        {"case": [resolved.reference, other.reference], "action": "close", "reason": "Done",
         "next": "/?state=resolved"},
    )  # fmt: skip
    assert (response.status_code, response["Location"]) == (302, "/?state=resolved")
    assert flash(response) == [
        "1 of 2 cases done.",
        f"{other.reference}: Cannot be closed while In review.",
    ]


def test_bulk_refuses_an_outside_next(client, agent):
    login(client, agent)
    response = client.post("/queue/bulk/", {"action": "close", "next": "https://evil.test/"})
    assert response["Location"] == "/"
    assert flash(response) == ["Choose at least one case."]


def test_bulk_as_anonymous_or_without_permission_changes_nothing(client, integrator):
    case = case_in(State.RESOLVED)
    data = {"case": case.reference, "action": "close", "reason": "x"}
    assert "/accounts/login/" in client.post("/queue/bulk/", data)["Location"]
    assert login(client, integrator).post("/queue/bulk/", data).status_code == 403
    case.refresh_from_db()
    assert case.state == State.RESOLVED


# Tags.


def test_tags_are_unique_whatever_their_case(billing):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="BILLING")


def test_an_agent_adds_and_removes_a_tag_on_the_case_page(client, agent, billing):
    case = case_in(State.IN_REVIEW)
    login(client, agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert '<option value="Billing">Billing</option>' in content
    content = client.post(f"/cases/{case.reference}/tags/", {"tag": "billing"}, **HTMX)
    content = content.content.decode()
    done = '<p class="success" data-result="done" data-announce="result" tabindex="-1">'
    assert f"{done}Tagged billing.</p>" in content
    assert 'aria-label="Remove tag Billing"' in content
    assert "Tagged Billing" in content  # the timeline
    content = client.post(
        f"/cases/{case.reference}/tags/", {"tag": "Billing", "remove": "1"}, **HTMX
    ).content.decode()
    assert "Tag Billing removed" in content
    assert list(CaseEvent.objects.filter(case=case).values_list("name", "data")) == [
        ("tagged", {"tag": "Billing"}),
        ("untagged", {"tag": "Billing"}),
    ]
    assert not case.tags.exists()


def test_tagging_twice_says_so(client, agent, billing):
    case = case_in(State.IN_REVIEW)
    billing.cases.add(case)
    login(client, agent)
    content = client.post(f"/cases/{case.reference}/tags/", {"tag": "billing"}, **HTMX)
    assert '<p class="error" role="alert">Already tagged Billing.</p>' in content.content.decode()


def test_the_queue_filters_by_tag_and_shows_the_tags(client, agent, billing):
    tagged, untagged = case_in(State.IN_REVIEW), case_in(State.IN_REVIEW)
    billing.cases.add(tagged)
    login(client, agent)
    content = client.get("/", {"tag": "BILLING"}).content.decode()
    assert tagged.reference in content and untagged.reference not in content
    assert '<option value="Billing" selected>Billing</option>' in content
    assert '<span class="tag case-tag">Billing</span>' in content


def test_the_queue_with_tags_costs_the_same_queries_for_many_rows(client, agent, billing):
    vip = Tag.objects.create(name="VIP")
    login(client, agent)

    def add(n):
        for _ in range(n):
            case = case_in(State.IN_REVIEW)
            billing.cases.add(case)
            vip.cases.add(case)

    add(2)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add(20)
    with CaptureQueriesContext(connection) as many:
        content = client.get("/").content.decode()
    assert content.count(">VIP</span>") == 22
    assert len(many) == len(few)


def test_supervisors_manage_tags_in_the_admin_and_agents_do_not(client, supervisor, agent):
    login(client, supervisor)
    response = client.post("/admin/cases/tag/add/", {"name": "Urgent", "colour": "#ff0000"})
    assert response.status_code == 302 and Tag.objects.filter(name="Urgent").exists()
    assert "Urgent" in client.get("/admin/cases/tag/").content.decode()
    login(client, agent)
    assert client.get("/admin/cases/tag/").status_code in (302, 403)


def test_a_colleague_list_offers_people_who_work_cases(client, agent, agent2, integrator):
    UserFactory(username="former", role="agent", is_active=False)
    login(client, agent)
    content = client.get("/").content.decode()
    assert '<option value="agent2">agent2</option>' in content
    assert "integrator</option>" not in content and "former</option>" not in content


def test_a_tag_colour_is_a_hex_colour_only(client, supervisor):
    login(client, supervisor)
    response = client.post("/admin/cases/tag/add/", {"name": "X", "colour": "red;x:y"})
    assert "A colour such as #2a6fdb." in response.content.decode()
    assert not Tag.objects.exists()
