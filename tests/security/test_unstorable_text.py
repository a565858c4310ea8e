"""A NUL byte (or a lone surrogate) anywhere is a 400 with a message, never a 500: the issue's
list, as the right user, and with no login at all."""

import pytest

from cases.models import State
from tests.factories import case_in

MESSAGE = "The request holds a NUL character or invalid Unicode; nothing was changed."
PAGE = f'<!doctype html><title>400</title><p role="alert">{MESSAGE}</p>'


@pytest.mark.parametrize(
    "path",
    [
        "/?q=%00",
        "/?intent=%00",
        "/?reason=%00",
        "/?state=in_review&q=a%00b",
        "/cases/%00/",
        "/cases/%00/do/approve/",
        "/cases/%00/claim/",
        "/admin/cases/case/?state=%00",
        "/admin/cases/case/?q=%00",
        "/review/?page=%00",
    ],
)
def test_a_nul_in_the_path_or_query_is_a_400(client, supervisor, path):
    client.force_login(supervisor)
    response = client.get(path)
    assert response.status_code == 400
    assert response.content.decode() == PAGE


def test_the_api_answers_in_its_own_documented_format(client, supervisor):
    """The API validates its own parameters (tests/api/test_contract.py): JSON, never a 500."""
    client.force_login(supervisor)
    for path in ("/api/v1/cases/?q=%00", "/api/v1/cases/?intent=%00"):
        response = client.get(path)
        assert response.status_code < 500 and response["Content-Type"] == "application/json"


def test_a_nul_in_a_form_is_a_400_and_changes_nothing(client, agent):
    case = case_in(State.IN_REVIEW)
    client.force_login(agent)
    response = client.post(f"/cases/{case.reference}/note/", {"note": "a\x00b"})
    assert response.status_code == 400
    assert not case.events.filter(name="note").exists()


def test_a_customer_link_with_a_nul_in_the_comment_is_a_400_without_login(client, db):
    response = client.post("/c/", {"decision": "no", "comment": "a\x00b"})
    assert response.status_code == 400 and response.content.decode() == PAGE


def test_ordinary_text_passes(client, agent):
    client.force_login(agent)
    assert client.get("/?q=Müller%20%E2%82%AC").status_code == 200


@pytest.mark.parametrize(
    ("name", "subject", "shown_name", "shown_subject"),
    [
        ("Bob\u202egnp.exe", "Invoice\u202e fdp.exe", "Bobgnp.exe", "Invoice fdp.exe"),
        ("Ann\u200b Lee", "Re:\u2066 refund\u2069", "Ann Lee", "Re: refund"),
        ("Müller", "Größe ändern", "Müller", "Größe ändern"),
    ],
)
def test_names_and_subjects_lose_direction_overrides(db, name, subject, shown_name, shown_subject):
    from cases.intake import message_receive

    intake = message_receive(
        from_email="x@example.com", from_name=name, subject=subject, body="Hello"
    )
    assert (intake.case.customer.name, intake.case.subject) == (shown_name, shown_subject)
    assert intake.message.subject == shown_subject
