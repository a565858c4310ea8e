import os
import shutil

import pytest

# Playwright's sync API leaves an asyncio loop running in the main thread; Django would then
# refuse every ORM call from the test. Must be set before any fixture runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing, and browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request the test client made (the staff
    language middleware activates the user's language for its thread) does not leak into the
    next test."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the queue keeps its facets there for a few seconds
    (cases.views.queue_facets), and a test's tags or intents must not meet another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def postgres(settings):
    """Skip on SQLite: row locks, concurrent writers and triggers need PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run on PostgreSQL (DATABASE_URL)")
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def agent(db):
    from tests.factories import UserFactory

    return UserFactory(username="agent", role="agent")


@pytest.fixture
def agent2(db):
    from tests.factories import UserFactory

    return UserFactory(username="agent2", role="agent")


@pytest.fixture
def supervisor(db):
    from tests.factories import UserFactory

    return UserFactory(username="supervisor", role="supervisor")


@pytest.fixture
def integrator(db):
    from tests.factories import UserFactory

    return UserFactory(username="integrator", role="integrator")


@pytest.fixture
def new_page(browser):
    """Browser pages in contexts of their own (own cookies, viewport, JavaScript), closed
    afterwards: several people at once."""
    contexts = []

    def make(**options):
        contexts.append(browser.new_context(**options))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()
