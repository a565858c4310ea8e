"""Single-key shortcuts a person turns off (WCAG 2.1.4; docs/accessibility.md): the choice is
stored on their profile, holds for every session, and the pages say it to the script."""

import pytest
from django.test import Client

from cases.models import StaffProfile, State
from tests.factories import case_in


def login(client, user):
    client.force_login(user)
    return client


def body_of(client, url="/") -> str:
    content = client.get(url).content.decode()
    return content.split("<body", 1)[1].split(">", 1)[0]


def test_shortcuts_are_on_until_the_person_turns_them_off(client, agent):
    login(client, agent)
    assert 'data-shortcuts="on"' in body_of(client)
    response = client.post("/settings/shortcuts/", {"shortcuts": "off", "next": "/review/"})
    assert response.status_code == 302 and response["Location"] == "/review/"
    assert StaffProfile.objects.get(user=agent).shortcuts is False
    page = client.get("/review/").content.decode()
    assert 'data-shortcuts="off"' in page
    assert "Single-key shortcuts are off." in page
    assert "<kbd>" not in page
    assert '<button type="submit" class="link">Turn them on</button>' in page


def test_the_choice_holds_in_a_new_session_and_in_the_persons_language(agent):
    StaffProfile.objects.create(user=agent, language="de")
    login(Client(), agent).post("/settings/shortcuts/", {"shortcuts": "off"})
    profile = StaffProfile.objects.get(user=agent)
    assert (profile.shortcuts, profile.language) == (False, "de")
    again = login(Client(), agent)
    assert 'data-shortcuts="off"' in body_of(again)
    again.post("/settings/shortcuts/", {"shortcuts": "on"})
    assert 'data-shortcuts="on"' in body_of(again)
    assert 'data-shortcuts="on"' in body_of(login(Client(), agent))


def test_a_first_profile_keeps_the_language_the_person_sees(client, agent):
    login(client, agent)
    client.post("/settings/shortcuts/", {"shortcuts": "off"}, HTTP_ACCEPT_LANGUAGE="de")
    assert StaffProfile.objects.get(user=agent).language == "de"


@pytest.mark.parametrize("value", ["", "maybe", "OFF"])
def test_anything_but_on_or_off_is_refused(client, agent, value):
    login(client, agent)
    response = client.post("/settings/shortcuts/", {"shortcuts": value})
    assert response.status_code == 400
    assert response.content.decode() == "Say on or off."
    assert not StaffProfile.objects.filter(user=agent).exists()


def test_a_foreign_next_goes_back_to_the_queue(client, agent):
    login(client, agent)
    response = client.post(
        "/settings/shortcuts/", {"shortcuts": "off", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_one_persons_choice_is_not_anothers(agent, agent2):
    login(Client(), agent).post("/settings/shortcuts/", {"shortcuts": "off"})
    assert 'data-shortcuts="on"' in body_of(login(Client(), agent2))


def test_the_case_page_offers_the_toggle_and_marks_approve_as_asking_first(client, agent):
    case = case_in(State.IN_REVIEW)
    login(client, agent)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "<kbd>a</kbd> approve (asks first)" in page
    assert '<dialog id="approve-confirm"' in page
    assert "Turn single-key shortcuts off" in page
    assert page.count('aria-live="polite"') == 1


def test_the_login_page_has_no_shortcuts(client):
    assert 'data-shortcuts="off"' in body_of(client, "/accounts/login/")
