"""Cases in the supervisors' admin: find them, read their history, move them only by transitions."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import ActorKind, Case, CaseEvent, State
from review.models import ReviewItem
from tests.factories import (
    CustomerFactory,
    IntentFactory,
    MessageFactory,
    UserFactory,
    case_in,
)


def changelist(client, **query) -> set[str]:
    """The references a case list shows for these filters or search."""
    response = client.get(reverse("admin:cases_case_changelist"), query)
    assert response.status_code == 200
    return {case.reference for case in response.context["cl"].result_list}


@pytest.fixture
def cases(db):
    """Four cases that differ in one thing each."""
    reviewed = case_in(State.IN_REVIEW)
    ReviewItem.objects.create(
        case=reviewed, reason_codes=["low_confidence", "missing_slot:order_number"]
    )
    escalated = case_in(State.ESCALATED)
    ReviewItem.objects.create(case=escalated, reason_codes=["risk_class:legal"])
    resolved = case_in(State.RESOLVED, automatable=True)
    resolved.current_suggestion.intent = IntentFactory(slug="invoice_copy")
    resolved.current_suggestion.save()
    old = case_in(State.CLOSED)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    return {"reviewed": reviewed, "escalated": escalated, "resolved": resolved, "old": old}


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state__exact": "in_review"}, {"reviewed"}),
        ({"state__exact": "escalated"}, {"escalated"}),
        ({"reason": "risk_class:legal"}, {"escalated"}),
        ({"reason": "missing_slot:order_number"}, {"reviewed"}),
        ({"reason": "low_confidence"}, {"reviewed"}),
    ],
)
def test_the_case_list_filters_by_state_and_reason_code(logged_in, cases, query, expected):
    assert changelist(logged_in, **query) == {cases[name].reference for name in expected}


def test_the_case_list_filters_by_intent(logged_in, cases):
    intent = cases["resolved"].current_suggestion.intent
    found = changelist(logged_in, current_suggestion__intent__id__exact=intent.pk)
    assert found == {cases["resolved"].reference}


def test_the_case_list_filters_by_assignee(logged_in, cases, supervisor):
    Case.objects.filter(pk=cases["reviewed"].pk).update(assignee=supervisor)
    assert changelist(logged_in, assignee__id__exact=supervisor.pk) == {cases["reviewed"].reference}


def test_the_case_list_filters_by_date(logged_in, cases):
    since = str(timezone.localtime() - timedelta(days=7))  # as the date filter's links write it
    found = changelist(logged_in, created_at__gte=since)
    assert cases["old"].reference not in found and cases["reviewed"].reference in found


def test_the_reason_filter_offers_the_codes_that_occur(logged_in, cases):
    response = logged_in.get(reverse("admin:cases_case_changelist"))
    page = response.content.decode()
    for code in ("low_confidence", "missing_slot:order_number", "risk_class:legal"):
        assert f"reason={quote(code)}" in page


def test_search_finds_a_case_by_reference_customer_email_and_text(logged_in, db):
    customer = CustomerFactory(email="ingrid.search@example.com")
    case = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=case.pk).update(customer=customer)
    MessageFactory(case=case, text="The blue teapot arrived broken")
    other = case_in(State.IN_REVIEW)
    for term in (
        case.reference,
        case.reference.lower(),
        f"#{case.reference}",
        "ingrid.search",
        "blue teapot",
    ):
        assert changelist(logged_in, q=term) == {case.reference}, term
    assert other.reference not in changelist(logged_in, q="teapot")


def test_the_change_page_shows_messages_suggestions_and_events_read_only(logged_in, db):
    case = case_in(State.IN_REVIEW)
    MessageFactory(case=case, text="Hello, where is my parcel?")
    CaseEvent.objects.create(
        case=case, name="route_to_review", from_state="new", to_state="in_review", actor_kind="ai"
    )
    response = logged_in.get(reverse("admin:cases_case_change", args=[case.pk]))
    page = response.content.decode()
    assert "Hello, where is my parcel?" in page
    assert "route_to_review" in page
    assert case.current_suggestion.draft_reply in page
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission


def test_the_state_cannot_be_edited_in_the_admin(logged_in, db):
    case = case_in(State.IN_REVIEW)
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = logged_in.get(url)
    assert "state" not in response.context["adminform"].form.fields
    # A crafted save that carries a state: the state is ignored and no event is written.
    data = {
        "state": State.RESOLVED,
        "priority": 2,
        "subject": case.subject,
        "due_at_0": "2030-01-01",
        "due_at_1": "10:00:00",
    }
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    assert logged_in.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_transition_button_writes_a_supervisor_event_with_the_versions(logged_in, supervisor):
    from tests.cases.test_admin import change_form_post

    case = case_in(State.ESCALATED, policy_version=7, model_label="tfidf-3-abc")
    change_form_post(logged_in, case, "take_over")
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_PROGRESS, supervisor)
    event = CaseEvent.objects.get(case=case)
    assert (event.name, event.actor_kind, event.actor_user) == (
        "take_over",
        ActorKind.SUPERVISOR,
        supervisor,
    )
    assert (event.policy_version, event.model_version) == (7, "tfidf-3-abc")


@pytest.mark.parametrize("who", ["supervisor", "superuser"])
def test_no_one_adds_changes_or_deletes_an_event_in_the_admin(client, db, who):
    user = (
        UserFactory(username="root", is_superuser=True)
        if who == "superuser"
        else UserFactory(username="sup", role="supervisor")
    )
    client.force_login(user)
    case = case_in(State.IN_REVIEW)
    event = CaseEvent.objects.create(
        case=case,
        name="note",
        from_state="in_review",
        to_state="in_review",
        actor_kind="agent",
        comment="original",
    )
    change = reverse("admin:cases_caseevent_change", args=[event.pk])
    assert client.get(reverse("admin:cases_caseevent_add")).status_code == 403
    assert client.post(change, {"comment": "rewritten", "name": "note"}).status_code == 403
    assert (
        client.post(
            reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:cases_caseevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.comment == "original"
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    # Viewing is allowed: the change page is a read-only view.
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
