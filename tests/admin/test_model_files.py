"""Removing old model versions' files after an erasure: an admin action, audited, that never
touches the active version."""

import pytest
from django.urls import reverse

from review.models import AuditEntry, ModelVersion
from tests.admin.test_models_admin import version


@pytest.fixture
def versions(db):
    return [
        version("tfidf-1-aaaa", 0.81, days_ago=20),
        version("tfidf-2-bbbb", 0.86, days_ago=10),
        version("tfidf-3-cccc", 0.84, active=True, days_ago=1),
    ]


def remove(client, versions):
    return client.post(
        reverse("admin:review_modelversion_changelist"),
        {"action": "remove_files", "_selected_action": [v.pk for v in versions]},
        follow=True,
    )


def test_a_supervisor_removes_the_files_of_inactive_versions_only(client, supervisor, versions):
    client.force_login(supervisor)
    page = remove(client, versions).content.decode()
    assert "Removed the model files of 2 versions" in page
    old, previous, current = (ModelVersion.objects.get(pk=v.pk) for v in versions)
    assert bytes(old.blob) == bytes(previous.blob) == b""
    assert old.is_pruned and previous.is_pruned and old.metrics["accuracy"] == 0.81
    assert bytes(current.blob) == b"model" and not current.is_pruned and current.is_active
    audit = AuditEntry.objects.filter(action="model_file_removed")
    assert sorted(audit.values_list("data__label", flat=True)) == ["tfidf-1-aaaa", "tfidf-2-bbbb"]
    assert {entry.actor for entry in audit} == {supervisor}
    # Gone for good: no roll back to them, and a second removal finds nothing to do.
    assert "Removed the model files of 0 versions" in remove(client, versions).content.decode()
    assert AuditEntry.objects.filter(action="model_file_removed").count() == 2
    url = reverse("admin:review_modelversion_activate", args=[old.pk])
    client.post(url)
    assert ModelVersion.objects.get(is_active=True) == current


def test_only_the_active_version_selected_changes_nothing(client, supervisor, versions):
    client.force_login(supervisor)
    assert "0 versions" in remove(client, versions[2:]).content.decode()
    assert bytes(ModelVersion.objects.get(pk=versions[2].pk).blob) == b"model"


def test_agents_and_anonymous_visitors_cannot_remove_files(client, agent, versions):
    response = remove(client, versions)
    assert "/login/" in response.redirect_chain[0][0]
    client.force_login(agent)
    remove(client, versions)
    assert not ModelVersion.objects.filter(blob_pruned_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="model_file_removed").exists()
