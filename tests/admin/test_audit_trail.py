"""The supervisors' audit trail is append-only; case events allow exactly one change: the
erasure's redaction of free text, declared in the same transaction (PostgreSQL trigger)."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from cases.models import CaseEvent, State
from review.models import AuditEntry
from review.models.audit import AppendOnlyAuditError
from tests.factories import case_in


@pytest.fixture
def entry(supervisor):
    return AuditEntry.record(
        action=AuditEntry.Action.MODEL_ACTIVATED, actor=supervisor, target=supervisor, label="x"
    )


def test_an_audit_entry_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.data = {"label": "y"}
    with pytest.raises(AppendOnlyAuditError):
        entry.save()
    with pytest.raises(AppendOnlyAuditError):
        entry.delete()
    with pytest.raises(AppendOnlyAuditError):
        AuditEntry.objects.filter(pk=entry.pk).update(data={})
    with pytest.raises(AppendOnlyAuditError):
        AuditEntry.objects.all().delete()


@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE review_auditentry SET data = '{}' WHERE id = %s",
        "DELETE FROM review_auditentry WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_changes_to_the_audit_trail(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])


@pytest.fixture
def event(db):
    return CaseEvent.objects.create(
        case=case_in(State.IN_REVIEW),
        name="customer_decline",
        from_state=State.AWAITING_CUSTOMER,
        to_state=State.IN_REVIEW,
        actor_kind="customer",
        comment="Ada Lovelace does not want this",
        data={"accepted": False, "comment": "Ada Lovelace does not want this"},
    )


REDACTED = json.dumps({"accepted": False, "redacted": True})


def attempt(sql, params, *, declared: bool):
    with transaction.atomic(), connection.cursor() as cursor:
        if declared:
            cursor.execute("SELECT set_config('backoffice.erasure', 'on', true)")
        cursor.execute(sql, params)


@pytest.mark.usefixtures("postgres")
def test_the_declared_erasure_may_blank_an_events_free_text(event):
    sql = "UPDATE cases_caseevent SET comment = '', data = %s::jsonb WHERE id = %s"
    attempt(sql, [REDACTED, event.pk], declared=True)
    assert CaseEvent.objects.filter(pk=event.pk).values_list("comment", "data").get() == (
        "",
        {"accepted": False, "redacted": True},
    )


@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize(
    ("sql", "params", "declared"),
    [
        # The same redaction, undeclared.
        (
            "UPDATE cases_caseevent SET comment = '', data = %s::jsonb WHERE id = %s",
            [REDACTED],
            False,
        ),
        # Declared, but rewriting instead of blanking.
        (
            "UPDATE cases_caseevent SET comment = 'rewritten', data = %s::jsonb WHERE id = %s",
            [REDACTED],
            True,
        ),
        # Declared, but changing what happened.
        (
            "UPDATE cases_caseevent SET comment = '', data = %s::jsonb, to_state = 'resolved' "
            "WHERE id = %s",
            [REDACTED],
            True,
        ),
        # Declared, but putting something into data instead of taking it out.
        (
            "UPDATE cases_caseevent SET comment = '', data = %s::jsonb WHERE id = %s",
            [json.dumps({"accepted": True, "redacted": True})],
            True,
        ),
        # Declared, but deleting.
        ("DELETE FROM cases_caseevent WHERE id = %s", [], True),
    ],
    ids=["undeclared", "rewrite", "other column", "new data", "delete"],
)
def test_anything_else_is_still_refused(event, sql, params, declared):
    with pytest.raises(DatabaseError, match="append-only"):
        attempt(sql, [*params, event.pk], declared=declared)
    assert CaseEvent.objects.get(pk=event.pk).comment == "Ada Lovelace does not want this"
