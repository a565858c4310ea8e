"""One date and time format per language, everywhere, and the time zone with every deadline
(issue 17). Before: "05.12. 23:49" in the English workspace, "Dec. 5, 2026, 11:49 p.m." in the
admin, link expiries without a zone."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases.formats import deadline_text, moment_text
from cases.models import Message, State
from customers.models import ConfirmationRequest
from tests.factories import case_in

WINTER = datetime(2026, 12, 5, 22, 49, tzinfo=UTC)  # 23:49 in Berlin (CET)
SUMMER = datetime(2026, 7, 5, 21, 49, tzinfo=UTC)  # 23:49 in Berlin (CEST)


@pytest.mark.parametrize(
    ("language", "moment", "deadline", "summer"),
    [
        ("en", "5 Dec 2026, 23:49", "5 Dec 2026, 23:49 CET", "5 Jul 2026, 23:49 CEST"),
        ("de", "05.12.2026, 23:49", "05.12.2026, 23:49 CET", "05.07.2026, 23:49 CEST"),
    ],
)
def test_each_language_writes_a_moment_one_way_and_a_deadline_with_its_zone(
    language, moment, deadline, summer
):
    with translation.override(language):
        assert moment_text(WINTER) == moment
        assert deadline_text(WINTER) == deadline
        assert deadline_text(SUMMER) == summer


def on_page(client, user, url, language):
    client.force_login(user)
    client.post("/settings/language/", {"language": language})
    return client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "created", "due"),
    [
        ("en", "5 Dec 2026, 23:49", "6 Dec 2026, 23:49 CET"),
        ("de", "05.12.2026, 23:49", "06.12.2026, 23:49 CET"),
    ],
)
def test_the_case_page_writes_times_one_way_and_the_due_time_with_its_zone(
    client, agent, language, created, due
):
    case = case_in(State.IN_REVIEW)
    case.due_at = WINTER.replace(day=6)
    case.save(update_fields=["due_at"])
    Message.objects.filter(case=case).update(created_at=WINTER)
    page = on_page(client, agent, reverse("case-page", args=[case.reference]), language)
    assert f">{created}</time>" in page
    assert f">{due}</time>" in page
    assert "d.m." not in page and "p.m." not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "created"), [("en", "5 Dec 2026, 23:49"), ("de", "05.12.2026, 23:49")]
)
def test_the_admin_writes_times_as_the_workspace_does(client, supervisor, language, created):
    case = case_in(State.IN_REVIEW)
    type(case).objects.filter(pk=case.pk).update(created_at=WINTER)
    page = on_page(client, supervisor, reverse("admin:cases_case_changelist"), language)
    assert created in page
    assert "Dec. 5, 2026" not in page and "11:49 p.m." not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "email", "page"),
    [
        (
            "en",
            "The link works until 5 Dec 2026, 23:49 CET.",
            "This link works until 5 Dec 2026, 23:49 CET.",
        ),
        (
            "de",
            "Der Link ist gültig bis 05.12.2026, 23:49 CET.",
            "Dieser Link ist gültig bis 05.12.2026, 23:49 CET.",
        ),
    ],
)
def test_the_customers_link_expiry_names_its_time_zone(language, email, page):
    case = case_in(State.AWAITING_CUSTOMER)
    confirmation = ConfirmationRequest.objects.filter(case=case).first()
    confirmation.expires_at = WINTER
    context = {"case": case, "customer": case.customer, "confirmation": confirmation}
    with translation.override(language):
        text = render_to_string("customers/email/body.txt", context | {"link": "https://x/"})
        html = render_to_string("customers/email/body.html", context | {"link": "https://x/"})
        shown = render_to_string(
            "customers/page.html", context | {"language": language, "page": "open"}
        )
    assert email in text and email in html
    assert page in shown
