"""axe-core in the browser tests: inject the checker into a page and list WCAG 2.1 A/AA violations.

axe-core comes from the npm registry, pinned in the Makefile (`make axe`, run by `make test`),
into a gitignored folder; `AXE_JS` names the file. Without it the checks skip, except in CI.
"""

import os
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str | None:
    named = os.environ.get("AXE_JS")
    if named:
        path = Path(named)
        if not path.is_absolute():
            path = Path(settings.BASE_DIR) / path
        return path.read_text(encoding="utf-8")
    found = sorted((Path(settings.BASE_DIR) / "var" / "npm").glob("axe-core-*/axe.min.js"))
    return found[-1].read_text(encoding="utf-8") if found else None


def require_axe() -> str:
    source = axe_source()
    if source is None:
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing (make axe), and the accessibility checks must run")
        pytest.skip("axe-core not fetched: run `make axe`")
    return source


def violations(page: Page) -> list[str]:
    """The WCAG 2.1 A/AA rules the page breaks now, one line per rule and element.

    The source goes in through the DevTools protocol (`evaluate`), which the page's
    Content-Security-Policy does not govern: the pages keep their real policy while checked.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(require_axe() + "\n;undefined")
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => v.nodes.map(
                (n) => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`
            )).flat();
        }""",
        WCAG_21_AA,
    )
    return found


def assert_accessible(page: Page, where: str = "") -> None:
    found = violations(page)
    assert found == [], f"{where or page.url}:\n" + "\n".join(found)
