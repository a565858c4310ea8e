"""Model versions in the admin: their figures, activate and roll back (audited), and retraining
with its progress page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from review.models import AuditEntry, ModelVersion, TrainingExample, TrainingRun
from tests.factories import IntentFactory, UserFactory
from tests.review.test_suggest import EXAMPLES, POLICY


def version(label, accuracy, *, active=False, days_ago=0):
    made = ModelVersion.objects.create(
        engine="tfidf",
        label=label,
        blob=b"model",
        sha256=ModelVersion.checksum(b"model"),
        metrics={"accuracy": accuracy, "macro_f1": accuracy - 0.05, "ece_after": 0.03},
        labels=["order_status", "refund_request"],
        n_examples=240,
        is_active=active,
    )
    ModelVersion.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return made


@pytest.fixture
def versions(db):
    return {
        "old": version("tfidf-1-aaaa", 0.81, days_ago=20),
        "previous": version("tfidf-2-bbbb", 0.86, days_ago=10),
        "current": version("tfidf-3-cccc", 0.84, active=True, days_ago=1),
    }


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def active_label():
    return ModelVersion.objects.get(is_active=True).label


def test_the_list_shows_each_version_with_its_figures(logged_in, versions):
    page = logged_in.get(reverse("admin:review_modelversion_changelist")).content.decode()
    for label, accuracy in (("tfidf-1-aaaa", "0.810"), ("tfidf-3-cccc", "0.840")):
        assert label in page and accuracy in page
    assert "Roll back to tfidf-2-bbbb" in page and "Retrain the model" in page


def test_a_version_page_shows_its_figures_and_not_its_blob(logged_in, versions):
    url = reverse("admin:review_modelversion_change", args=[versions["old"].pk])
    response = logged_in.get(url)
    page = response.content.decode()
    assert "Out-of-fold accuracy" in page and "0.810" in page and "Macro F1" in page
    assert "blob" not in response.context["adminform"].form.fields
    assert "Activate this version" in page


def test_a_version_page_shows_the_retrain_gate(logged_in, versions):
    version = versions["old"]
    version.metrics |= {
        "gate": {
            "n_holdout": 70,
            "challenger": {"coverage": 0.6, "realised_precision": 0.99},
            "reason": "automates more within the error budget",
        }
    }
    version.save()
    page = logged_in.get(reverse("admin:review_modelversion_change", args=[version.pk]))
    text = page.content.decode()
    assert "Held-out examples" in text and "0.600" in text and "0.990" in text
    assert "automates more within the error budget" in text


def test_activating_a_version_is_audited(logged_in, supervisor, versions):
    url = reverse("admin:review_modelversion_activate", args=[versions["old"].pk])
    assert logged_in.post(url).status_code == 302
    assert active_label() == "tfidf-1-aaaa"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "model_activated",
        supervisor,
        str(versions["old"].pk),
    )
    assert entry.data == {"label": "tfidf-1-aaaa", "previous": "tfidf-3-cccc"}


def test_rolling_back_returns_to_the_version_before_the_active_one_and_is_audited(
    logged_in, versions
):
    assert logged_in.post(reverse("admin:review_modelversion_roll_back")).status_code == 302
    assert active_label() == "tfidf-2-bbbb"
    entry = AuditEntry.objects.get()
    assert entry.action == "model_rolled_back"
    assert entry.data == {"label": "tfidf-2-bbbb", "previous": "tfidf-3-cccc"}
    logged_in.post(reverse("admin:review_modelversion_roll_back"))
    assert active_label() == "tfidf-1-aaaa"


def test_with_nothing_earlier_a_roll_back_changes_nothing(logged_in, db):
    version("tfidf-1-aaaa", 0.8, active=True)
    response = logged_in.post(reverse("admin:review_modelversion_roll_back"), follow=True)
    assert "There is no earlier version." in response.content.decode()
    assert active_label() == "tfidf-1-aaaa" and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda v: reverse("admin:review_modelversion_activate", args=[v["old"].pk]),
        lambda v: reverse("admin:review_modelversion_roll_back"),
        lambda v: reverse("admin:review_modelversion_retrain"),
    ],
    ids=["activate", "roll back", "retrain"],
)
def test_model_actions_are_post_only_and_for_supervisors(client, agent, supervisor, versions, url):
    client.force_login(supervisor)
    assert client.get(url(versions)).status_code == 405
    client.force_login(agent)
    assert client.post(url(versions)).status_code == 302  # to the admin's login
    assert active_label() == "tfidf-3-cccc" and not TrainingRun.objects.exists()


def test_a_staff_user_who_may_only_look_at_models_cannot_activate_or_retrain(client, versions):
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["handle_escalated", "view_modelversion"])
    )
    client.force_login(viewer)
    url = reverse("admin:review_modelversion_activate", args=[versions["old"].pk])
    assert client.post(url).status_code == 403
    assert client.post(reverse("admin:review_modelversion_retrain")).status_code == 403
    assert active_label() == "tfidf-3-cccc"


@pytest.fixture
def examples(db):
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )


def test_retraining_from_the_admin_shows_the_run_with_its_result(logged_in, supervisor, examples):
    response = logged_in.post(reverse("admin:review_modelversion_retrain"))
    run = TrainingRun.objects.get()
    assert response["Location"] == reverse("admin:review_trainingrun_change", args=[run.pk])
    # django-q2 runs synchronously in the tests: the job is done by now.
    assert (run.status, run.activated, run.requested_by) == ("done", True, supervisor)
    assert run.model_version.is_active and run.model_version.n_examples == 21
    page = logged_in.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and run.model_version.label in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    assert AuditEntry.objects.filter(action="training_started", object_id=str(run.pk)).exists()


def test_the_run_page_polls_while_the_job_is_queued(logged_in, supervisor):
    run = TrainingRun.objects.create(engine="tfidf", requested_by=supervisor)
    page = logged_in.get(reverse("admin:review_trainingrun_change", args=[run.pk])).content.decode()
    assert 'data-status="queued"' in page
    assert f'hx-get="/dashboard/training/{run.pk}/"' in page and 'hx-trigger="every 1s"' in page
    assert "htmx" in page  # the admin page loads htmx from our static files


def test_training_runs_are_read_only(logged_in, supervisor):
    run = TrainingRun.objects.create(engine="tfidf", requested_by=supervisor)
    assert logged_in.get(reverse("admin:review_trainingrun_add")).status_code == 403
    url = reverse("admin:review_trainingrun_delete", args=[run.pk])
    assert logged_in.post(url, {"post": "yes"}).status_code == 403
