"""Every HTML page has a Content-Security-Policy without 'unsafe-inline' and a
Permissions-Policy, and nothing on the pages people use breaks it (Chromium reports each
violation on the console)."""

import pytest
from playwright.sync_api import Page

from cases.models import State
from tests.browser.test_workspace_browser import in_review, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_no_page_breaks_the_content_security_policy(live_server, page: Page):
    UserFactory(username="sara", role="supervisor")
    case = in_review()
    violations, where = [], ["login"]
    page.on(
        "console",
        lambda message: (
            violations.append((where[0], message.text[:300]))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(page, live_server.url, "sara")
    for path in [
        "/",
        f"/cases/{case.reference}/",
        "/review/",
        "/dashboard/",
        "/notifications/",
        "/admin/",
        f"/admin/cases/case/{case.pk}/change/",
        "/api/docs/",
    ]:
        where[0] = path
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "camera=()" in response.headers["permissions-policy"], path
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert case.state == State.IN_REVIEW
