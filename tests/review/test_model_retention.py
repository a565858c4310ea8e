"""A night with nothing new trains nothing, and old model blobs are removed (retention): the
versions stay with their figures, but a pruned one can no longer be activated or rolled back to."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import AuditEntry, Intent, ModelVersion, TrainingExample, TrainingRun
from review.suggest import active_classifier
from review.tasks import scheduled_retrain
from review.training import examples_fingerprint, labelled_example_rows, model_train, retrain_needed
from tests.review.test_retrain_gate import PHRASES, add_examples


@pytest.fixture
def examples(db):
    """Twelve examples of each phrase, as in the retrain gate's tests: easy to tell apart."""
    for slug, phrases in PHRASES.items():
        add_examples(slug, phrases, range(101, 113))


def fingerprint():
    return examples_fingerprint(labelled_example_rows(), engine="tfidf")


def test_the_fingerprint_changes_when_an_example_is_added(examples):
    before = fingerprint()
    add_examples("order_status", PHRASES["order_status"][:1], [999])
    assert fingerprint() != before


def test_the_fingerprint_changes_when_a_supervisor_corrects_an_intent_in_the_admin(
    client, supervisor, examples
):
    before = fingerprint()
    example = TrainingExample.objects.filter(intent__slug="order_status").first()
    other = Intent.objects.get(slug="refund_request")
    client.force_login(supervisor)
    url = reverse("admin:review_trainingexample_change", args=[example.pk])
    response = client.post(url, {"intent": other.pk, "verdict": "corrected"})
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.intent == other
    assert fingerprint() != before


def test_the_fingerprint_changes_when_the_holdout_share_changes(examples, settings):
    before = fingerprint()
    settings.ENGINE_HOLDOUT_SHARE = 0.2
    assert fingerprint() != before


def test_the_fingerprint_ignores_what_training_does_not_read(examples):
    before = fingerprint()
    # A rejection carries no label, and an intent's policy is routing, not the model.
    add_examples("order_status", PHRASES["order_status"][:1], [999], source="agent_take_over")
    TrainingExample.objects.filter(source="agent_take_over").update(verdict="rejected")
    Intent.objects.filter(slug="order_status").update(threshold=0.7)
    assert fingerprint() == before


def test_a_trained_version_records_the_fingerprint_the_schedule_compares(examples):
    version = model_train()
    assert version.metrics["examples_fingerprint"] == fingerprint()
    assert not retrain_needed()


def test_the_schedule_trains_nothing_when_nothing_is_new(examples, caplog):
    first = ModelVersion.objects.get(
        pk=TrainingRun.objects.get(pk=scheduled_retrain()).model_version_id
    )
    with caplog.at_level(logging.INFO, logger="review.training"):
        assert scheduled_retrain() is None
    assert TrainingRun.objects.count() == 1 and ModelVersion.objects.count() == 1
    assert f"nothing new to learn since {first.label}" in caplog.text


def test_the_schedule_trains_again_after_a_new_example(examples):
    scheduled_retrain()
    add_examples("address_change", PHRASES["address_change"][:1], [999], source="agent_approve")
    run = TrainingRun.objects.get(pk=scheduled_retrain())
    assert run.status == TrainingRun.Status.DONE
    assert TrainingRun.objects.count() == 2 and ModelVersion.objects.count() == 2


def test_a_person_always_trains_even_with_nothing_new(examples):
    model_train()
    model_train()  # train_engine and the button call this, without asking retrain_needed
    assert ModelVersion.objects.count() == 2


def test_retention_keeps_the_newest_blobs_and_the_active_one(examples, settings):
    settings.ENGINE_KEEP_VERSIONS = 2
    active = model_train(activate="always")
    second, third, fourth = (model_train(activate="never") for _ in range(3))
    kept = ModelVersion.objects.filter(blob_pruned_at__isnull=True)
    assert set(kept) == {active, third, fourth}
    second.refresh_from_db()
    assert second.is_pruned and bytes(second.blob) == b""
    assert second.metrics["gate"]["n_holdout"] > 0 and second.metrics["accuracy"] > 0
    assert second.n_examples > 0 and second.labels == sorted(PHRASES)
    # The active version is always kept: suggestions go on being made with it.
    version, classifier = active_classifier()
    assert version == active and classifier is not None


def test_pruning_twice_prunes_nothing_more(examples, settings):
    settings.ENGINE_KEEP_VERSIONS = 2
    for _ in range(3):
        model_train()
    assert ModelVersion.objects.filter(blob_pruned_at__isnull=False).count() == 1
    assert ModelVersion.objects.prune_blobs(2) == 0


def version(label, *, active=False, days_ago=0, pruned=False):
    made = ModelVersion.objects.create(
        engine="tfidf",
        label=label,
        blob=b"model",
        sha256=ModelVersion.checksum(b"model"),
        metrics={"accuracy": 0.8},
        is_active=active,
    )
    ModelVersion.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    if pruned:
        ModelVersion.objects.filter(pk=made.pk).update(blob=b"", blob_pruned_at=timezone.now())
    made.refresh_from_db()
    return made


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def active_label():
    return ModelVersion.objects.get(is_active=True).label


def test_a_pruned_version_cannot_be_activated(logged_in, db):
    version("tfidf-2-bbbb", active=True)
    pruned = version("tfidf-1-aaaa", days_ago=5, pruned=True)
    url = reverse("admin:review_modelversion_activate", args=[pruned.pk])
    response = logged_in.post(url, follow=True)
    assert response.status_code == 200
    assert "Cannot activate tfidf-1-aaaa: blob removed on" in response.content.decode()
    assert active_label() == "tfidf-2-bbbb" and not AuditEntry.objects.exists()
    with pytest.raises(ModelVersion.BlobPruned):
        pruned.activate()
    assert active_label() == "tfidf-2-bbbb"


def test_a_pruned_version_page_says_so_and_offers_no_activation(logged_in, db):
    version("tfidf-2-bbbb", active=True)
    pruned = version("tfidf-1-aaaa", days_ago=5, pruned=True)
    page = logged_in.get(reverse("admin:review_modelversion_change", args=[pruned.pk]))
    text = page.content.decode()
    assert "blob removed on" in text and "(retention)" in text and "0.800" in text
    assert "Activate this version" not in text


def test_rolling_back_skips_pruned_versions(logged_in, db):
    version("tfidf-1-aaaa", days_ago=20)
    version("tfidf-2-bbbb", days_ago=10, pruned=True)
    version("tfidf-3-cccc", active=True, days_ago=1)
    page = logged_in.get(reverse("admin:review_modelversion_changelist")).content.decode()
    assert "Roll back to tfidf-1-aaaa" in page
    logged_in.post(reverse("admin:review_modelversion_roll_back"))
    assert active_label() == "tfidf-1-aaaa"


def test_with_only_pruned_versions_earlier_there_is_nothing_to_roll_back_to(logged_in, db):
    version("tfidf-1-aaaa", days_ago=10, pruned=True)
    version("tfidf-2-bbbb", active=True, days_ago=1)
    response = logged_in.post(reverse("admin:review_modelversion_roll_back"), follow=True)
    assert "There is no earlier version." in response.content.decode()
    assert active_label() == "tfidf-2-bbbb" and not AuditEntry.objects.exists()
