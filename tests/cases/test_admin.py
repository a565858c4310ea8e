"""The admin's transition buttons run the one transition path, and re-check permissions.

The admin is the supervisors' (tests/admin/test_access.py): an agent is refused even with the
case permissions granted one by one, so the buttons are exercised as a supervisor.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import CaseEvent, State
from tests.factories import UserFactory, case_in


def admin_user(username, role):
    user = UserFactory(username=username, role=role)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "change_case"]))
    return user


def change_form_post(client, case, transition):
    """The POST the change form makes when a transition button is clicked."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else getattr(value, "pk", value))
        for name, value in form.initial.items()
        if name in form.fields
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    data["due_at_0"], data["due_at_1"] = "2030-01-01", "10:00:00"
    data.pop("due_at", None)
    data["_fsm_transition_to"] = transition
    return client.post(url, data)


@pytest.fixture
def admin_agent(db):
    return admin_user("agent", "agent")


@pytest.fixture
def admin_supervisor(db):
    return admin_user("supervisor", "supervisor")


def test_an_approve_button_runs_the_transition_path(client, admin_supervisor):
    case = case_in(State.IN_REVIEW)
    client.force_login(admin_supervisor)
    response = change_form_post(client, case, "approve")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    event = CaseEvent.objects.get(case=case)
    assert (event.name, event.actor_user, event.actor_kind) == (
        "approve",
        admin_supervisor,
        "supervisor",
    )


def test_an_agent_cannot_post_a_transition_button_even_with_case_permissions(client, admin_agent):
    case = case_in(State.IN_REVIEW)
    client.force_login(admin_agent)
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client.post(url, {"_fsm_transition_to": "approve"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_crafted_post_of_a_transition_the_user_may_not_run_is_refused(client, admin_supervisor):
    # Four eyes: whoever approved already may not be the second pair; no button, and the
    # crafted POST is refused by the transition path.
    case = case_in(State.IN_REVIEW, four_eyes=True)
    client.force_login(admin_supervisor)
    change_form_post(client, case, "approve")
    assert list(CaseEvent.objects.filter(case=case).values_list("name", flat=True)) == [
        "approval_recorded"
    ]
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert 'value="approve"' not in page
    response = change_form_post(client, case, "approve")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("name", ["automate", "customer_accept", "expire"])
def test_system_and_customer_transitions_cannot_be_posted_from_the_admin(
    client, admin_supervisor, name
):
    case = case_in(State.NEW if name == "automate" else State.AWAITING_CUSTOMER, automatable=True)
    client.force_login(admin_supervisor)
    change_form_post(client, case, name)
    before = case.state
    case.refresh_from_db()
    assert case.state == before
    assert not CaseEvent.objects.filter(case=case).exists()


def test_only_staff_transitions_get_buttons(client, admin_supervisor):
    case = case_in(State.AWAITING_CUSTOMER)
    client.force_login(admin_supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert 'value="reopen"' not in page
    assert 'value="customer_accept"' not in page


def test_escalate_from_the_admin_asks_for_a_reason(client, admin_supervisor):
    case = case_in(State.IN_REVIEW)
    client.force_login(admin_supervisor)
    url = reverse("admin:cases_case_transition", args=[case.pk, "escalate"])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, with its error
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    client.post(url, {"reason": "The customer threatens to leave"})
    case.refresh_from_db()
    assert case.state == State.ESCALATED
    assert CaseEvent.objects.get(case=case).comment == "The customer threatens to leave"


def test_case_events_are_read_only_in_the_admin(client, admin_supervisor):
    admin_supervisor.is_superuser = True
    admin_supervisor.save()
    client.force_login(admin_supervisor)
    assert client.get(reverse("admin:cases_caseevent_add")).status_code == 403


@pytest.mark.browser
def test_a_supervisor_takes_over_a_case_in_the_admin_with_a_browser(live_server, page: Page):
    supervisor = admin_user("supervisor", "supervisor")
    case = case_in(State.ESCALATED)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/cases/case/{case.pk}/change/")
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Take over").click()
    expect(page.get_by_text("Take over: done.")).to_be_visible()
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.IN_PROGRESS, supervisor)
