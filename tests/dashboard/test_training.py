"""Retraining from the dashboard: the job runs through django-q2 (inline in the tests), a
`TrainingRun` row carries its state, and the progress fragment polls it until it is done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_q.models import Task

from review import training
from review.models import AuditEntry, ModelVersion, TrainingExample, TrainingRun
from review.training import training_execute
from tests.factories import IntentFactory
from tests.review.test_retrain_gate import PHRASES, add_examples, mislabel_the_training_side
from tests.review.test_suggest import EXAMPLES, POLICY

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def examples(db):
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def progress(client, run):
    response = client.get(reverse("training-progress", args=[run.pk]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_the_retrain_button_trains_activates_and_shows_the_figures(logged_in, supervisor, examples):
    response = logged_in.post(reverse("training-start"), **HTMX)
    assert response.status_code == 200
    run = TrainingRun.objects.get()
    assert (run.status, run.activated, run.requested_by) == ("done", True, supervisor)
    assert run.task_id  # it went through django-q2
    assert Task.objects.filter(id=run.task_id, success=True).exists()
    page = response.content.decode()
    assert 'data-status="done"' in page and 'value="100"' in page
    assert run.model_version.label in page and "Activated" in page
    assert "every 1s" not in page
    assert AuditEntry.objects.filter(action="training_started").count() == 1
    activated = AuditEntry.objects.get(action="model_activated")
    assert activated.actor == supervisor and activated.data["label"] == run.model_version.label
    assert "retrain gate" in activated.data["reason"]


def test_without_htmx_the_button_returns_to_the_dashboard(logged_in, examples):
    response = logged_in.post(reverse("training-start"))
    assert response.status_code == 302 and response["Location"] == "/dashboard/#training"
    page = logged_in.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page


def test_a_version_that_is_worse_is_kept_but_not_activated(logged_in, db):
    for slug, phrases in PHRASES.items():
        add_examples(slug, phrases, range(101, 113))
    logged_in.post(reverse("training-start"), **HTMX)
    first = ModelVersion.objects.get(is_active=True)
    mislabel_the_training_side()
    page = logged_in.post(reverse("training-start"), **HTMX).content.decode()
    second = TrainingRun.objects.order_by("-pk").first()
    assert (second.status, second.activated) == ("done", False)
    assert second.previous_version == first
    assert ModelVersion.objects.get(is_active=True) == first
    assert "Not activated" in page and first.label in page
    # The verdict names the check that decided, with both figures (issue 17).
    assert escape(second.verdict) in page and " against " in second.verdict
    # Both models' figures on the same held-out examples, side by side.
    gate = second.model_version.metrics["gate"]
    assert f"the same {gate['n_holdout']} held-out examples" in page
    assert "Right among the automated" in page and f"{first.label} (was active)" in page


@pytest.mark.parametrize(
    ("status", "polls", "texts"),
    [
        ("queued", True, ['value="10"', "Waiting for the worker"]),
        ("training", True, ["<progress aria-label", "updates by itself"]),
        ("failed", False, ['class="failed"', "Training failed", "ValueError: no examples"]),
    ],
)
def test_the_progress_shows_each_state_and_polls_until_finished(
    logged_in, supervisor, status, polls, texts
):
    run = TrainingRun.objects.create(
        engine="tfidf",
        requested_by=supervisor,
        status=status,
        started_at=timezone.now() if status != "queued" else None,
        error="ValueError: no examples" if status == "failed" else "",
    )
    page = progress(logged_in, run)
    assert f'data-status="{status}"' in page
    assert ('hx-trigger="every 1s"' in page) is polls
    for text in texts:
        assert text in page


def test_a_second_click_while_training_shows_the_same_run(logged_in, supervisor):
    running = TrainingRun.objects.create(
        engine="tfidf", requested_by=supervisor, status="training", started_at=timezone.now()
    )
    page = logged_in.post(reverse("training-start"), **HTMX).content.decode()
    assert TrainingRun.objects.get() == running
    assert f"Training run {running.pk}" in page


def test_a_failing_training_is_shown_as_failed_and_the_active_model_stays(
    logged_in, examples, monkeypatch
):
    def broken(**kwargs):
        raise ValueError("the engine broke")

    monkeypatch.setattr(training, "model_train", broken)
    response = logged_in.post(reverse("training-start"), **HTMX)
    assert response.status_code == 200
    run = TrainingRun.objects.get()
    assert (run.status, run.error) == ("failed", "ValueError: the engine broke")
    assert "the engine broke" in response.content.decode()
    assert not ModelVersion.objects.exists()


def test_a_job_the_worker_gave_up_on_is_shown_as_failed(logged_in, supervisor):
    run = TrainingRun.objects.create(
        engine="tfidf",
        requested_by=supervisor,
        status="training",
        started_at=timezone.now(),
        task_id="a1b2c3",
    )
    Task.objects.create(
        id="a1b2c3",
        name="training-run",
        func="review.tasks.training_run",
        started=timezone.now(),
        stopped=timezone.now(),
        success=False,
        result="Task exceeded maximum timeout value (120 seconds)",
    )
    page = progress(logged_in, run)
    assert 'data-status="failed"' in page and "exceeded maximum timeout" in page


def test_a_queued_job_nobody_picks_up_is_given_up_after_an_hour(logged_in, supervisor):
    run = TrainingRun.objects.create(
        engine="tfidf",
        requested_by=supervisor,
        created_at=timezone.now() - timedelta(hours=2),
    )
    page = progress(logged_in, run)
    assert 'data-status="failed"' in page and "qcluster" in page


def test_a_redelivered_job_does_not_train_twice(db, supervisor, examples):
    run = TrainingRun.objects.create(engine="tfidf", requested_by=supervisor)
    assert training_execute(run_id=run.pk).status == "done"
    assert training_execute(run_id=run.pk) is None
    assert ModelVersion.objects.count() == 1


def test_a_job_whose_worker_died_is_taken_over_after_the_timeout(db, supervisor, examples):
    run = TrainingRun.objects.create(
        engine="tfidf",
        requested_by=supervisor,
        status="training",
        started_at=timezone.now() - timedelta(hours=1),
    )
    assert training_execute(run_id=run.pk).status == "done"


@pytest.mark.parametrize("view", ["training-start", "training-progress"])
def test_agents_cannot_start_or_watch_training(client, agent, supervisor, view):
    client.force_login(agent)
    run = TrainingRun.objects.create(engine="tfidf", requested_by=supervisor)
    if view == "training-start":
        assert client.post(reverse(view)).status_code == 403
        assert TrainingRun.objects.count() == 1
    else:
        assert client.get(reverse(view, args=[run.pk])).status_code == 403
