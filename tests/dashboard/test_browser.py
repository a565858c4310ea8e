"""The dashboard and retraining in a real browser: charts, the policy button, and the
progress bar that htmx polls while the worker trains."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from review.models import Intent, ModelVersion, TrainingExample, TrainingRun
from review.training import training_execute
from tests.dashboard.test_dashboard import event, world
from tests.factories import IntentFactory, SuggestionFactory
from tests.review.test_suggest import EXAMPLES, POLICY

pytestmark = pytest.mark.browser


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/dashboard/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR") or tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_supervisor_reads_the_dashboard_and_automates_a_ready_intent(
    live_server, page: Page, supervisor, artifacts_dir
):
    world(12)
    ready = IntentFactory(slug="invoice_copy", name="Invoice copy", mode="assist")
    for _ in range(40):
        suggestion = SuggestionFactory(intent=ready)
        event(suggestion.case, "approve", suggestion=suggestion, actor_kind="agent")
    page.set_viewport_size({"width": 1280, "height": 1600})
    log_in(page, live_server.url, supervisor.username)

    expect(page.locator("#kpi-automation .value")).to_have_text("50 %")
    expect(page.locator("figure.chart svg rect").first).to_be_visible()
    assert page.locator("figure.chart").count() == 5
    row = page.locator("#intent-invoice_copy")
    expect(row.locator(".badge")).to_contain_text("Ready to automate")
    expect(row.locator("svg.interval circle")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)

    row.get_by_role("button", name="Switch to auto").click()
    expect(page.get_by_text("Invoice copy is now in Auto")).to_be_visible()
    ready.refresh_from_db()
    assert (ready.mode, ready.policy_version) == (Intent.Mode.AUTO, 2)

    page.get_by_role("link", name="7 days").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/?days=7")


def test_retraining_shows_a_progress_bar_until_the_worker_is_done(
    live_server, page: Page, supervisor, monkeypatch, artifacts_dir
):
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    # The worker is "busy": the job is queued, not run inline, until this test runs it.
    queued = []
    monkeypatch.setattr(
        "django_q.tasks.async_task", lambda *args, **kw: queued.append(args) or "t1"
    )
    log_in(page, live_server.url, supervisor.username)

    page.get_by_role("button", name="Retrain now").click()
    progress = page.locator("#training-run")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress.locator("progress")).to_be_visible()
    expect(progress).to_contain_text("Waiting for the worker")
    run = TrainingRun.objects.get()
    assert queued == [("review.tasks.training_run", run.pk)]

    TrainingRun.objects.filter(pk=run.pk).update(status="training")
    expect(progress).to_have_attribute("data-status", "training")  # htmx polled, every second
    expect(progress).to_contain_text("updates by itself")
    TrainingRun.objects.filter(pk=run.pk).update(status="queued")

    training_execute(run_id=run.pk)  # what the worker does
    expect(progress).to_have_attribute("data-status", "done", timeout=10_000)
    version = ModelVersion.objects.get(is_active=True)
    expect(progress).to_contain_text(version.label)
    expect(progress).to_contain_text("Activated")
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    page.screenshot(path=str(artifacts_dir / "dashboard-retrained.png"), full_page=True)
