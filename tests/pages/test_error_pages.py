"""Styled error pages in both languages, a favicon, and a login link where a login is needed
(issue 17): right user, wrong user and anonymous."""

import pytest
from django.test import RequestFactory
from django.urls import path
from django.utils import translation
from django.views.defaults import server_error

from backoffice.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db

DE = {"HTTP_ACCEPT_LANGUAGE": "de"}


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *site_urls]


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("headers", "title", "heading", "link"),
    [
        ({}, "Page not found", "There is no such page", "Go to the start page"),
        (DE, "Seite nicht gefunden", "Diese Seite gibt es nicht", "Zur Startseite"),
    ],
    ids=["en", "de"],
)
def test_a_missing_page_is_styled_in_the_visitors_language(client, headers, title, heading, link):
    response = client.get("/no/such/page/", **headers)
    assert response.status_code == 404
    page = text_of(response)
    assert f"<title>{title} · " in page and f"<h1>{heading}</h1>" in page
    assert f'<a href="/">{link}</a>' in page
    assert "/static/css/errors.css" in page


@pytest.mark.parametrize(
    ("headers", "explains", "link"),
    [
        ({}, "You are logged in as agent, and this page needs a permission", "Log in as someone"),
        (DE, "Sie sind als agent angemeldet, und diese Seite braucht eine Berechtigung", "Als"),
    ],
    ids=["en", "de"],
)
def test_the_wrong_user_gets_a_403_page_with_a_way_to_log_in_as_someone_else(
    client, agent, headers, explains, link
):
    client.force_login(agent)
    response = client.get("/dashboard/", **headers)
    assert response.status_code == 403
    page = text_of(response)
    assert "<h1>" in page and explains in page
    assert f'<a href="/accounts/login/?next=/dashboard/">{link}' in page


def test_the_right_user_gets_the_dashboard(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize(
    ("headers", "heading", "button"),
    [({}, "Please log in", "Log in"), (DE, "Bitte melden Sie sich an", "Anmelden")],
    ids=["en", "de"],
)
def test_the_api_docs_logged_out_say_so_and_link_to_the_login(client, headers, heading, button):
    response = client.get("/api/docs/", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    page = text_of(response)
    assert f"<h1>{heading}</h1>" in page
    assert (
        f'<a class="button primary" href="/accounts/login/?next=%2Fapi%2Fdocs%2F">{button}</a>'
        in page
    )


def test_the_api_docs_open_for_staff(client, agent):
    client.force_login(agent)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "swagger-ui" in text_of(response)


def test_the_login_link_brings_one_back_to_the_docs(client, agent):
    response = client.post(
        "/accounts/login/?next=/api/docs/",
        {"username": "agent", "password": "pw", "next": "/api/docs/"},
    )
    assert response.status_code == 302 and response["Location"] == "/api/docs/"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("headers", "heading"),
    [({}, "Something went wrong on our side"), (DE, "Bei uns ist etwas schiefgegangen")],
    ids=["en", "de"],
)
def test_a_server_error_is_styled_in_the_visitors_language(client, headers, heading):
    client.raise_request_exception = False
    response = client.get("/broken/", **headers)
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in text_of(response)


def test_the_500_page_needs_neither_a_request_context_nor_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")  # no session, no user: the middleware never ran
    with translation.override("de"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "<h1>Bei uns ist etwas schiefgegangen</h1>" in text_of(response)


@pytest.mark.parametrize(
    ("headers", "heading"),
    [({}, "The form has expired"), (DE, "Das Formular ist abgelaufen")],
    ids=["en", "de"],
)
def test_a_refused_form_says_what_to_do(headers, heading, agent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "agent", "password": "pw"}, **headers)
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in text_of(response)


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
