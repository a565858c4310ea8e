"""A case's attachments through the REST API: listed with each message, downloaded only by
whoever may read the case, only the case's own, always as a private download with the same
headers as the staff view.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Attachment, State, attachment_storage
from tests.attachments import HTML, PNG, SVG, add_messages_with_attachments, attach, download
from tests.factories import UserFactory, case_in

EXE = "executable content (application/x-msdownload, exe)"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments land in a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def refused(case):
    return attach(case, filename="setup.exe", content_type="application/x-msdownload", rejected=EXE)


def file_url(attachment, case=None) -> str:
    case = case or attachment.message.case
    return f"/api/v1/cases/{case.reference}/attachments/{attachment.pk}/"


def with_token(user) -> APIClient:
    """An integrator's client: a real token in the header, as in production."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def api_error(response, code: str) -> bool:
    body = response.json()
    return set(body) == {"detail", "code", "errors"} and body["code"] == code


@pytest.fixture
def case(db):
    return case_in(State.IN_REVIEW)


@pytest.fixture
def photo(case):
    return attach(case)


# The list: each message of the case detail carries its attachments.


def test_the_case_detail_lists_each_messages_attachments(integrator, case, photo):
    no_file = refused(case)
    response = with_token(integrator).get(f"/api/v1/cases/{case.reference}/")
    assert response.status_code == 200
    listed = {a["id"]: a for m in response.json()["messages"] for a in m["attachments"]}
    assert listed[photo.pk] == {
        "id": photo.pk,
        "filename": "photo.png",
        "content_type": "image/png",
        "size": len(PNG),
        "sha256": photo.sha256,
        "inline": False,
        "rejected": "",
        "url": f"http://testserver{file_url(photo)}",
    }
    assert listed[no_file.pk]["rejected"] == EXE
    assert listed[no_file.pk]["url"] is None
    assert listed[no_file.pk]["size"] == 0


def test_the_messages_endpoint_lists_them_too(integrator, case, photo):
    response = with_token(integrator).get(f"/api/v1/cases/{case.reference}/messages/")
    assert response.status_code == 200
    attachments = [a for m in response.json() for a in m["attachments"]]
    assert [a["url"] for a in attachments] == [f"http://testserver{file_url(photo)}"]


def test_a_message_without_attachments_has_an_empty_list(integrator, case):
    response = with_token(integrator).get(f"/api/v1/cases/{case.reference}/")
    assert response.json()["messages"]
    assert all(m["attachments"] == [] for m in response.json()["messages"])


def test_a_row_whose_file_is_gone_from_the_row_has_no_url(integrator, case, photo):
    Attachment.objects.filter(pk=photo.pk).update(file="")
    response = with_token(integrator).get(f"/api/v1/cases/{case.reference}/")
    [listed] = [a for m in response.json()["messages"] for a in m["attachments"]]
    assert listed["url"] is None


@pytest.mark.parametrize("endpoint", ["", "messages/"])
def test_the_case_detail_costs_the_same_for_5_and_200_messages_with_attachments(
    integrator, case, endpoint
):
    def grow(n):
        add_messages_with_attachments(case, n)

    def queries() -> tuple[int, dict]:
        # A fresh user each time: cold permission caches, as in production.
        client = APIClient()
        client.force_authenticate(type(integrator).objects.get(pk=integrator.pk))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/cases/{case.reference}/{endpoint}")
        assert response.status_code == 200
        return len(captured), response.json()

    grow(5)
    few, _ = queries()
    grow(195)
    many, body = queries()
    print(f"queries, /{endpoint} with attachments: {few} for 5 messages, {many} for 200")
    assert few == many
    messages = body if endpoint else body["messages"]
    urls = [a["url"] for m in messages for a in m["attachments"] if a["url"]]
    assert len(urls) == Attachment.objects.filter(message__case=case, rejected="").count()


# The download: the bytes, with the staff view's headers.


def test_an_integrators_token_downloads_the_bytes_as_a_private_download(integrator, photo):
    response, body = download(with_token(integrator), file_url(photo))
    assert response.status_code == 200
    assert body == PNG
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(PNG))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_the_url_in_the_listing_is_the_one_that_downloads(integrator, case, photo):
    client = with_token(integrator)
    detail = client.get(f"/api/v1/cases/{case.reference}/").json()
    [address] = [a["url"] for m in detail["messages"] for a in m["attachments"]]
    response, body = download(client, address)
    assert response.status_code == 200
    assert body == PNG


def test_a_browser_session_downloads_it_as_well(client, agent, photo):
    client.force_login(agent)
    response, body = download(client, file_url(photo))
    assert response.status_code == 200
    assert body == PNG


@pytest.mark.parametrize(
    "accept", ["application/octet-stream", "image/png", "text/html", "application/json", "*/*"]
)
def test_whatever_the_client_accepts_it_gets_the_file_not_a_406(integrator, photo, accept):
    response, body = download(with_token(integrator), file_url(photo), Accept=accept)
    assert response.status_code == 200
    assert body == PNG
    assert response["Content-Type"] == "image/png"


def test_a_format_override_changes_nothing(integrator, photo):
    response, body = download(with_token(integrator), file_url(photo) + "?format=api")
    assert response.status_code == 200
    assert body == PNG


@pytest.mark.parametrize(
    "data, filename, content_type",
    [
        (PNG, "photo.png", "image/png"),
        (HTML, "invoice.html", "text/html"),
        (SVG, "logo.svg", "image/svg+xml"),
        (HTML, "harmless.png", "text/html"),  # the name lies; the sniffed type decides
        (b"a;b\n1;2\n", "Rechnung März.csv", "text/csv"),
        (PNG, "../../etc/passwd", "image/png"),
    ],
)
def test_the_api_sends_exactly_what_the_staff_view_sends(
    client, agent, integrator, case, data, filename, content_type
):
    attachment = attach(case, data, filename=filename, content_type=content_type)
    client.force_login(agent)
    staff, staff_body = download(client, f"/cases/{case.reference}/attachments/{attachment.pk}/")
    api, api_body = download(with_token(integrator), file_url(attachment))
    assert staff.status_code == api.status_code == 200
    assert staff_body == api_body == data
    # Every header the staff view sends, with the same value; DRF adds only `Allow`.
    sent = dict(api.headers)
    assert sent.pop("Allow") == "GET, HEAD, OPTIONS"
    assert sent == dict(staff.headers)


@pytest.mark.parametrize(
    "data, filename, content_type",
    [(HTML, "invoice.html", "text/html"), (SVG, "logo.svg", "image/svg+xml")],
)
def test_active_content_is_sent_as_bare_bytes_to_download(
    integrator, case, data, filename, content_type
):
    attachment = attach(case, data, filename=filename, content_type=content_type)
    response, body = download(with_token(integrator), file_url(attachment))
    assert response.status_code == 200
    assert body == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# Who may download: exactly who may read the case detail.


@pytest.mark.parametrize(
    "role, status", [("integrator", 200), ("agent", 200), ("supervisor", 200), ("nobody", 403)]
)
def test_each_role_downloads_exactly_when_it_may_read_the_case(case, photo, role, status):
    user = UserFactory(username=role, role=None if role == "nobody" else role)
    detail = with_token(user).get(f"/api/v1/cases/{case.reference}/")
    response, body = download(with_token(user), file_url(photo))
    assert detail.status_code == response.status_code == status
    if status == 403:
        assert api_error(response, "permission_denied")
        assert response.json()["detail"] == "You may not read cases."
        assert PNG not in body


@pytest.mark.parametrize("header", [None, "Token not-a-real-token"])
def test_no_or_a_wrong_token_is_a_401_like_the_other_endpoints(photo, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    detail = client.get(f"/api/v1/cases/{photo.message.case.reference}/")
    response, body = download(client, file_url(photo))
    assert detail.status_code == response.status_code == 401
    assert api_error(response, detail.json()["code"])
    assert PNG not in body


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(integrator, photo, method):
    response = getattr(with_token(integrator), method)(file_url(photo), {}, format="json")
    assert response.status_code == 405
    assert api_error(response, "method_not_allowed")
    assert Attachment.objects.filter(pk=photo.pk).exists()


# Child-object IDOR: the attachment must belong to the case in the URL.


def test_another_cases_attachment_under_this_cases_url_is_a_404(integrator, case):
    other = attach(case_in(State.IN_REVIEW), b"someone else's secret")
    client = with_token(integrator)
    response, body = download(client, file_url(other, case=case))
    assert response.status_code == 404
    assert api_error(response, "not_found")
    assert b"secret" not in body
    assert download(client, file_url(other))[0].status_code == 200  # under its own case it opens


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/cases/ZZZZZZZZ/attachments/{pk}/",
        "/api/v1/cases/{ref}/attachments/999999/",
        "/api/v1/cases/{ref}/attachments/-1/",
        "/api/v1/cases/{ref}/attachments/abc/",
        "/api/v1/cases/{ref}/attachments/99999999999999999999999/",
    ],
)
def test_an_unknown_case_or_attachment_is_a_404_in_the_error_format(integrator, photo, address):
    address = address.format(ref=photo.message.case.reference, pk=photo.pk)
    response, body = download(with_token(integrator), address)
    assert PNG not in body
    assert response.status_code == 404
    assert api_error(response, "not_found")


# No file to send.


def test_a_refused_attachment_has_no_url_and_is_a_404_that_says_why(integrator, case):
    no_file = refused(case)
    response, _ = download(with_token(integrator), file_url(no_file))
    assert response.status_code == 404
    assert api_error(response, "not_found")
    assert response.json()["detail"] == f"This attachment was refused and not stored: {EXE}."


def test_a_file_deleted_from_disk_is_a_404_not_an_error(integrator, photo):
    attachment_storage().delete(photo.file.name)
    response, _ = download(with_token(integrator), file_url(photo))
    assert response.status_code == 404
    assert api_error(response, "not_found")
    assert response.json()["detail"] == "The file of this attachment is missing."


def test_a_row_without_a_file_is_a_404(integrator, photo):
    Attachment.objects.filter(pk=photo.pk).update(file="")
    response, _ = download(with_token(integrator), file_url(photo))
    assert response.status_code == 404
    assert response.json()["detail"] == "The file of this attachment is missing."


# The schema.


def test_the_schema_documents_the_download(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/cases/{reference}/attachments/{id}/"]["get"]
    responses = operation["responses"]
    assert {"200", "401", "403", "404"} <= set(responses)
    assert {"application/octet-stream", "image/png", "text/plain"} <= set(
        responses["200"]["content"]
    )
    binary = responses["200"]["content"]["application/octet-stream"]["schema"]
    assert binary == {"type": "string", "format": "binary"}
    assert set(responses["404"]["content"]) == {"application/json"}
    message = schema["components"]["schemas"]["Message"]["properties"]["attachments"]
    assert message["items"]["$ref"] == "#/components/schemas/Attachment"
    attachment = schema["components"]["schemas"]["Attachment"]["properties"]
    assert set(attachment) == {
        "id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "inline",
        "rejected",
        "url",
    }
    assert attachment["url"]["nullable"] is True
