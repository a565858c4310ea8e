"""A case's attachments on the case page and through the one view that serves them: only to
those who may open the case, only the case's own, always as a download.
"""

import os
import re
import stat
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Attachment, State, attachment_storage
from tests.attachments import HTML, PNG, SVG, add_messages_with_attachments, attach, download
from tests.factories import UserFactory, case_in

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments land in a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(attachment, case=None) -> str:
    case = case or attachment.message.case
    return f"/cases/{case.reference}/attachments/{attachment.pk}/"


@pytest.fixture
def case(db):
    return case_in(State.IN_REVIEW)


@pytest.fixture
def photo(case):
    return attach(case)


# Who may download: exactly who may open the case page.


def test_an_agent_downloads_the_bytes_as_a_private_download(client, agent, photo):
    client.force_login(agent)
    response, body = download(client, url(photo))
    assert response.status_code == 200
    assert body == PNG
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_supervisor_downloads_it_too(client, supervisor, photo):
    client.force_login(supervisor)
    response, body = download(client, url(photo))
    assert response.status_code == 200
    assert body == PNG


@pytest.mark.parametrize("who", ["integrator", "roleless"])
def test_a_user_who_may_not_open_the_case_page_is_refused_as_there(client, integrator, who, photo):
    user = integrator if who == "integrator" else UserFactory(username="roleless")
    client.force_login(user)
    case_page = client.get(f"/cases/{photo.message.case.reference}/")
    response, body = download(client, url(photo))
    assert case_page.status_code == response.status_code == 403
    assert PNG not in body


def test_anonymous_visitors_are_sent_to_log_in(client, photo):
    response, body = download(client, url(photo))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"] == [url(photo)]
    assert PNG not in body


def test_a_customer_with_a_link_session_is_sent_to_log_in(client, db):
    case = case_in(State.AWAITING_CUSTOMER)
    photo = attach(case)
    token = case.confirmations.get().link_token()
    assert client.get(f"/c/{token}/").status_code == 302
    assert client.get("/c/").status_code == 200  # the customer's own page opens
    response, body = download(client, url(photo))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"
    assert PNG not in body


def test_the_storage_path_itself_is_not_served(client, agent, photo):
    assert stat.S_IMODE(os.stat(photo.file.path).st_mode) == 0o600
    for who in (None, agent):
        if who:
            client.force_login(who)
        for address in (f"/media/{photo.file.name}", f"/{photo.file.name}"):
            response, body = download(client, address)
            assert response.status_code == 404
            assert PNG not in body


@pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
def test_only_get_is_allowed(client, agent, photo, method):
    client.force_login(agent)
    response = getattr(client, method)(url(photo))
    assert response.status_code == 405
    assert Attachment.objects.filter(pk=photo.pk).exists()


# Child-object IDOR: the attachment must belong to the case in the URL.


def test_another_cases_attachment_under_this_cases_url_is_not_found(client, agent, case):
    other = attach(case_in(State.IN_REVIEW), b"someone else's secret")
    client.force_login(agent)
    response, body = download(client, url(other, case=case))
    assert response.status_code == 404
    assert b"secret" not in body
    assert download(client, url(other))[0].status_code == 200  # under its own case it opens


@pytest.mark.parametrize(
    "address", ["/cases/NOPE2345/attachments/{pk}/", "/cases/{ref}/attachments/999999/"]
)
def test_an_unknown_case_or_attachment_is_not_found(client, agent, photo, address):
    client.force_login(agent)
    address = address.format(ref=photo.message.case.reference, pk=photo.pk)
    assert download(client, address)[0].status_code == 404


# No file to send.


def test_a_refused_attachment_is_not_found_and_says_why(client, agent, case):
    refused = attach(
        case,
        filename="setup.exe",
        content_type="application/x-msdownload",
        rejected="executable content (application/x-msdownload, exe)",
    )
    client.force_login(agent)
    response, body = download(client, url(refused))
    assert response.status_code == 404
    assert b"refused and not stored: executable content" in body
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_deleted_from_disk_is_not_found_not_an_error(client, agent, photo):
    attachment_storage().delete(photo.file.name)
    client.force_login(agent)
    response, body = download(client, url(photo))
    assert response.status_code == 404
    assert b"missing" in body


def test_a_row_without_a_file_is_not_found_and_not_linked(client, agent, case, photo):
    Attachment.objects.filter(pk=photo.pk).update(file="")
    client.force_login(agent)
    response, body = download(client, url(photo))
    assert response.status_code == 404
    assert b"missing" in body
    assert url(photo) not in client.get(f"/cases/{case.reference}/").content.decode()


# Active content never renders in our origin (T20).


@pytest.mark.parametrize(
    "data, filename, content_type",
    [
        (HTML, "invoice.html", "text/html"),
        (SVG, "logo.svg", "image/svg+xml"),
        (PDF, "invoice.pdf", "application/pdf"),
        (b"<?xml version='1.0'?><x/>", "data.xml", "application/xml"),
        (HTML, "harmless.png", "text/html"),  # the name lies; the sniffed type decides
    ],
)
def test_active_content_is_sent_as_bare_bytes_to_download(
    client, agent, case, data, filename, content_type
):
    attachment = attach(case, data, filename=filename, content_type=content_type)
    client.force_login(agent)
    response, body = download(client, url(attachment))
    assert response.status_code == 200
    assert body == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "stored_name, sent",
    [
        ("../../etc/passwd", 'attachment; filename="passwd"'),
        ("..\\..\\boot.ini", 'attachment; filename="boot.ini"'),
        ("invoice\u202efdp.exe.png", 'attachment; filename="invoicefdp.exe.png"'),
        ('quote".png\r\nSet-Cookie: x=1', 'attachment; filename="quote\\".pngSet-Cookie: x=1"'),
        ("Rechnung März.png", "attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.png"),
        ("../", 'attachment; filename="attachment-'),
    ],
)
def test_the_download_name_carries_no_path_direction_trick_or_header_break(
    client, agent, case, stored_name, sent
):
    # Stored as is: rows from before the intake cleaned names, or written by other code.
    attachment = attach(case, filename=stored_name)
    client.force_login(agent)
    response, _ = download(client, url(attachment))
    disposition = response["Content-Disposition"]
    assert disposition.startswith(sent)
    assert "/" not in disposition.removeprefix("attachment; filename*=utf-8''")
    assert ".." not in disposition and "\\" not in disposition.replace('\\"', "")
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition.upper()
    assert "\n" not in disposition and "Set-Cookie" not in response.cookies


# The case page lists them.


def test_the_case_page_lists_each_messages_attachments_with_a_link(client, agent, case, photo):
    refused = attach(
        case,
        filename="setup.exe",
        content_type="application/x-msdownload",
        rejected="executable content (application/x-msdownload, exe)",
    )
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'href="{url(photo)}"' in content
    assert "photo.png" in content and "image/png" in content and "40\xa0bytes" in content
    assert "setup.exe" in content
    assert "executable content (application/x-msdownload, exe)" in content
    assert url(refused) not in content
    links = re.findall(r'href="(/cases/[^"]+/attachments/\d+/)"', content)
    assert links == [url(photo)]


def test_an_attachment_name_is_shown_as_text_not_markup(client, agent, case):
    attach(case, filename='<img src=x onerror="alert(1)">.png')
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert "<img src=x" not in content
    assert "&lt;img src=x" in content


def test_the_case_page_costs_the_same_for_5_and_200_messages_with_attachments(client, agent, case):
    def grow(n):
        add_messages_with_attachments(case, n)

    client.force_login(agent)
    page = f"/cases/{case.reference}/"
    grow(5)
    client.get(page)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    grow(195)
    with CaptureQueriesContext(connection) as many:
        content = client.get(page).content.decode()
    print(f"queries, case page with attachments: {len(few)} for 5 messages, {len(many)} for 200")
    assert len(few) == len(many)
    stored = Attachment.objects.filter(message__case=case, rejected="").count()
    assert content.count(f"/cases/{case.reference}/attachments/") == stored
