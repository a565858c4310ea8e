"""A staff user's permissions are read once per session, and again after any change of grants.

`cases.access.session_permissions` keeps them in the session under a generation the signals in
`cases.apps` renew; these tests pin that a change applies on the next page, never later.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.access import PERMISSIONS_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def permission_reads(client, path="/"):
    """The response, and how many statements read a user's grants (as ModelBackend does)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    grants = 'SELECT "django_content_type"."app_label" AS "content_type__app_label"'
    reads = [q for q in captured.captured_queries if q["sql"].startswith(grants)]
    return response, len(reads)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_second_staff_page_reads_no_permission(client, agent):
    client.force_login(agent)
    first, reads_first = permission_reads(client)
    second, reads_second = permission_reads(client)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (reads_first, reads_second) == (2, 0)  # the user's and their groups' grants
    _generation, user_id, perms = client.session[PERMISSIONS_KEY]
    assert user_id == agent.pk and "cases.work_case" in perms


def test_leaving_the_group_refuses_the_next_page(client, agent):
    client.force_login(agent)
    assert client.get("/").status_code == 200
    agent.groups.clear()
    assert permission_reads(client)[0].status_code == 403


def test_a_permission_taken_from_the_group_applies_on_the_next_page(client, agent):
    client.force_login(agent)
    assert client.get("/").status_code == 200
    work = Permission.objects.get(content_type__app_label="cases", codename="work_case")
    Group.objects.get(name="agent").permissions.remove(work)
    assert client.get("/").status_code == 403


def test_a_grant_applies_on_the_next_page(client):
    user = UserFactory(username="newcomer")
    client.force_login(user)
    assert client.get("/").status_code == 403
    user.groups.add(Group.objects.get(name="agent"))
    assert client.get("/").status_code == 200


def test_a_direct_grant_and_its_removal_apply_on_the_next_page(client):
    user = UserFactory(username="direct")
    client.force_login(user)
    work = Permission.objects.get(content_type__app_label="cases", codename="work_case")
    assert client.get("/").status_code == 403
    user.user_permissions.add(work)
    assert client.get("/").status_code == 200
    user.user_permissions.remove(work)
    assert client.get("/").status_code == 403


def test_deactivating_applies_at_once(client, agent):
    client.force_login(agent)
    assert client.get("/").status_code == 200
    agent.is_active = False
    agent.save()
    assert client.get("/").status_code == 302  # logged out: to the login page


def test_a_deleted_group_applies_on_the_next_page(client, agent):
    extra = Group.objects.create(name="extra")
    work = Permission.objects.get(content_type__app_label="cases", codename="work_case")
    extra.permissions.add(work)
    agent.groups.set([extra])
    client.force_login(agent)
    assert client.get("/").status_code == 200
    extra.delete()
    assert client.get("/").status_code == 403


def test_a_cache_that_lost_the_generation_reads_them_again(client, agent):
    client.force_login(agent)
    client.get("/")
    cache.clear()
    response, reads = permission_reads(client)
    assert response.status_code == 200 and reads == 2


def test_another_user_in_the_same_session_never_gets_the_first_ones_permissions(client, agent):
    client.force_login(agent)
    assert client.get("/").status_code == 200
    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    assert client.get("/").status_code == 403
    # Even with the agent's copy planted in the stranger's session: it names the agent.
    session = client.session
    session[PERMISSIONS_KEY] = [session[PERMISSIONS_KEY][0], agent.pk, ["cases.work_case"]]
    session.save()
    assert client.get("/").status_code == 403
