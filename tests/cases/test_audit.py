"""Case events are history: never updated, never deleted, not even by raw SQL on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from cases.models import AppendOnlyError, CaseEvent, State
from cases.transitions import Actor, case_transition
from tests.factories import case_in


@pytest.fixture
def event(db):
    return case_transition(case=case_in(State.NEW), name="route_to_review", actor=Actor.ai())


def test_an_event_cannot_be_saved_again(event):
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_bulk_updated_or_deleted(event):
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()
    assert CaseEvent.objects.get(pk=event.pk).comment == ""


@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseevent SET comment = 'rewritten' WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).comment == ""


def test_every_event_names_its_actor_model_and_policy(event):
    assert event.actor_kind == "ai"
    assert event.model_version == "test-model"
    assert event.policy_version == 1
    assert event.reason_codes == ["low_confidence"]
