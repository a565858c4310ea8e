"""The admin is the supervisors': supervisors get in, agents and anonymous visitors do not."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cases.roles import ROLES
from tests.factories import UserFactory, case_in

# Every page of the admin a supervisor works with (list pages; change pages are tested by topic).
SUPERVISOR_PAGES = [
    "admin:index",
    "admin:cases_case_changelist",
    "admin:cases_caseevent_changelist",
    "admin:review_intent_changelist",
    "admin:review_modelversion_changelist",
    "admin:review_trainingrun_changelist",
    "admin:review_trainingexample_changelist",
    "admin:review_suggestion_changelist",
    "admin:review_reviewitem_changelist",
    "admin:review_auditentry_changelist",
    "admin:customers_customer_changelist",
    "admin:customers_confirmationrequest_changelist",
    "admin:customers_emailoutbox_changelist",
    "admin:cases_webhookdelivery_changelist",
    "admin:cases_quarantinedemail_changelist",
    "admin:cases_attachment_changelist",
]


@pytest.mark.parametrize("url_name", SUPERVISOR_PAGES)
def test_a_supervisor_opens_every_admin_page(client, supervisor, url_name):
    client.force_login(supervisor)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", SUPERVISOR_PAGES)
def test_an_agent_is_refused_on_every_admin_page(client, agent, url_name):
    client.force_login(agent)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url_name", SUPERVISOR_PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_agent_who_logs_in_to_the_admin_is_told_so(client, agent):
    client.force_login(agent)
    page = client.get(reverse("admin:login")).content.decode()
    assert "not authorized to access this page" in page


def test_an_agent_with_admin_permissions_granted_one_by_one_is_still_refused(client, agent):
    agent.user_permissions.add(*Permission.objects.filter(codename__in=["change_case"]))
    client.force_login(agent)
    case = case_in("in_review")
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 302


def test_a_supervisor_who_is_not_staff_is_refused(client, db):
    supervisor = UserFactory(username="sup", role="supervisor", is_staff=False)
    client.force_login(supervisor)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_gets_in(client, db):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:django_q_schedule_changelist",
    ],
)
def test_supervisors_do_not_manage_users_groups_or_the_scheduler(client, supervisor, url_name):
    client.force_login(supervisor)
    assert client.get(reverse(url_name)).status_code == 403


def test_the_admin_index_shows_a_supervisor_what_they_work_with(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:index")).content.decode()
    for section in ("Cases", "Intents", "Model versions", "Customers", "Audit entries"):
        assert section in page
    assert "Users" not in page and "Groups" not in page


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_has_exactly_the_permissions_it_lists_and_they_all_exist(db, role):
    granted = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert granted == set(ROLES[role])


def test_agents_get_no_admin_permission_beyond_the_workspace(db):
    assert set(ROLES["agent"]) == {"cases.view_case", "cases.work_case", "review.view_suggestion"}
