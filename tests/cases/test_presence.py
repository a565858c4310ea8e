"""Presence: who else has a case open or types on it, from heartbeats kept briefly in the cache.

No sleeping: the functions take `now`, and the views read the clock through `time.time`,
which the tests move forward."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cases import presence
from cases.models import State
from tests.factories import UserFactory, case_in

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ben(db):
    return UserFactory(username="ben", first_name="Ben", role="agent")


@pytest.fixture
def clock(monkeypatch):
    """time.time, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(presence.time, "time", lambda: now[0])
    return now


def test_a_heartbeat_shows_the_viewer_to_others_but_not_to_themselves(agent, ben):
    presence.beat("K7M2ABCD", ben, now=100.0)
    assert presence.on_case("K7M2ABCD", agent, now=101.0) == [{"name": "Ben", "typing": False}]
    assert presence.on_case("K7M2ABCD", ben, now=101.0) == []


def test_presence_expires_after_30_seconds_without_a_heartbeat(agent, ben):
    presence.beat("K7M2ABCD", ben, now=100.0)
    assert presence.on_case("K7M2ABCD", agent, now=129.9) != []
    assert presence.on_case("K7M2ABCD", agent, now=130.0) == []


def test_the_cache_forgets_the_case_when_nobody_beats(agent, ben):
    presence.beat("K7M2ABCD", ben)
    cache.delete(presence.key("K7M2ABCD"))  # what the TTL does
    assert presence.on_case("K7M2ABCD", agent) == []


def test_typing_shows_for_8_seconds_then_viewing_again(agent, ben):
    presence.beat("K7M2ABCD", ben, typing=True, now=100.0)
    presence.beat("K7M2ABCD", ben, now=105.0)  # the 10 s heartbeat keeps the typing time
    assert presence.on_case("K7M2ABCD", agent, now=107.9) == [{"name": "Ben", "typing": True}]
    assert presence.on_case("K7M2ABCD", agent, now=108.0) == [{"name": "Ben", "typing": False}]


def test_several_people_are_listed_by_name(agent, ben):
    anna = UserFactory(username="anna", first_name="", role="agent")
    presence.beat("K7M2ABCD", ben, now=100.0)
    presence.beat("K7M2ABCD", anna, now=100.0)
    names = [p["name"] for p in presence.on_case("K7M2ABCD", agent, now=100.0)]
    assert names == ["Ben", "anna"]  # the username without a first name


def test_the_heartbeat_view_answers_with_the_others_on_the_case(client, agent, ben, clock):
    case = case_in(State.IN_REVIEW)
    client.force_login(ben)
    assert client.post(f"/cases/{case.reference}/presence/").content.decode().count("<p") == 0
    client.force_login(agent)
    response = client.post(f"/cases/{case.reference}/presence/", **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert '<p class="presence-line">Ben is viewing this case</p>' in content
    # The answer polls on, without beating again at once (no "load" trigger: no loop).
    assert 'hx-trigger="every 10s"' in content


def test_typing_is_a_heartbeat_with_typing(client, agent, ben, clock):
    case = case_in(State.IN_REVIEW)
    client.force_login(ben)
    client.post(f"/cases/{case.reference}/presence/?typing=1")
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert '<p class="presence-line typing">Ben is typing a reply</p>' in content
    clock[0] += 9
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert '<p class="presence-line">Ben is viewing this case</p>' in content
    clock[0] += 30
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Ben is" not in content


def test_the_case_page_polls_and_beats_at_once(client, agent):
    case = case_in(State.IN_REVIEW)
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'hx-post="/cases/{case.reference}/presence/" hx-trigger="load, every 10s"' in content
    assert f'hx-post="/cases/{case.reference}/presence/?typing=1"' in content


def test_presence_in_german(client, agent, ben, clock):
    case = case_in(State.IN_REVIEW)
    client.force_login(ben)
    client.post(f"/cases/{case.reference}/presence/")
    client.force_login(agent)
    client.post("/settings/language/", {"language": "de", "next": "/"})
    content = client.get(f"/cases/{case.reference}/").content.decode()
    with translation.override("de"):
        expected = gettext("%(name)s is viewing this case") % {"name": "Ben"}
    assert expected in content


def test_the_queue_marks_the_rows_of_cases_someone_else_has_open(client, agent, ben, clock):
    watched, quiet = case_in(State.IN_REVIEW), case_in(State.IN_REVIEW)
    client.force_login(ben)
    client.post(f"/cases/{watched.reference}/presence/")
    client.post(f"/cases/{watched.reference}/presence/")
    client.force_login(agent)
    client.post(f"/cases/{quiet.reference}/presence/")  # my own presence is no marker
    content = client.get("/").content.decode()
    rows = {
        ref: content.split(f"<strong>{ref}</strong>")[1].split("</tr>")[0]
        for ref in (watched.reference, quiet.reference)
    }
    assert '<span class="presence-marker">open by Ben</span>' in rows[watched.reference]
    assert "presence-marker" not in rows[quiet.reference]


def test_the_heartbeat_of_an_unknown_case_is_404_and_a_get_is_405(client, agent):
    client.force_login(agent)
    assert client.post("/cases/NOPE2345/presence/").status_code == 404
    assert client.get("/cases/NOPE2345/presence/").status_code == 405
    assert cache.get(presence.key("NOPE2345")) is None


def test_the_heartbeat_costs_the_same_whoever_else_is_there(client, agent):
    case = case_in(State.IN_REVIEW)
    client.force_login(agent)
    url = f"/cases/{case.reference}/presence/"
    client.post(url)
    with CaptureQueriesContext(connection) as alone:
        client.post(url)
    for i in range(20):
        presence.beat(case.reference, UserFactory(username=f"colleague{i}"))
    with CaptureQueriesContext(connection) as crowded:
        content = client.post(url).content.decode()
    assert content.count("is viewing this case") == 20
    # The session, the user, the staff language, two permission look-ups, the case, marking
    # its notifications read.
    assert len(crowded) == len(alone) <= 7


def test_the_queue_costs_no_query_more_with_people_on_its_cases(client, agent, ben):
    cases = [case_in(State.IN_REVIEW) for _ in range(3)]
    client.force_login(agent)
    client.get("/")
    with CaptureQueriesContext(connection) as nobody:
        client.get("/")
    for case in cases:
        presence.beat(case.reference, ben, typing=True)
    with CaptureQueriesContext(connection) as busy:
        content = client.get("/").content.decode()
    assert content.count("Ben is typing") == 3
    assert len(busy) == len(nobody)


def test_names_are_escaped(client, agent):
    case = case_in(State.IN_REVIEW)
    presence.beat(case.reference, UserFactory(username="eve", first_name="<b>Eve</b>"))
    client.force_login(agent)
    content = client.post(f"/cases/{case.reference}/presence/").content.decode()
    assert "&lt;b&gt;Eve&lt;/b&gt; is viewing this case" in content


def test_wall_clock_is_used_without_a_given_time(agent, ben):
    presence.beat("K7M2ABCD", ben)
    assert presence.on_case("K7M2ABCD", agent, now=time.time()) != []
