"""PostgreSQL guards for the audit trail.

1. Audit entries are append-only, like case events (a trigger refuses UPDATE and DELETE).
2. Case events get one narrow exception: erasing a customer may blank the free text of their
   cases' events (the comment, and the customer's words and proposal details in `data`), only
   inside a transaction that declared `backoffice.erasure = on`, and only that: every other
   column must stay as it was, and `data` must become exactly the old object without those keys
   plus `"redacted": true`. An event can lose text; it can never be forged or removed.
   See docs/supervisors.md ("Erasure and the append-only history").
"""

from django.db import migrations

AUDIT_CREATE = """
CREATE OR REPLACE FUNCTION review_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER review_auditentry_append_only
    BEFORE UPDATE OR DELETE ON review_auditentry
    FOR EACH ROW EXECUTE FUNCTION review_auditentry_append_only();
"""

AUDIT_DROP = """
DROP TRIGGER IF EXISTS review_auditentry_append_only ON review_auditentry;
DROP FUNCTION IF EXISTS review_auditentry_append_only();
"""

EVENTS_WITH_REDACTION = """
CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('backoffice.erasure', true) = 'on'
       AND NEW.comment = ''
       AND NEW.data = (OLD.data - ARRAY['comment', 'adjustment', 'option'])
                      || '{"redacted": true}'::jsonb
       AND (to_jsonb(NEW) - 'comment' - 'data') = (to_jsonb(OLD) - 'comment' - 'data')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

EVENTS_STRICT = """
CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_CREATE, params=None)
        schema_editor.execute(EVENTS_WITH_REDACTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_DROP, params=None)
        schema_editor.execute(EVENTS_STRICT, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_caseevent_append_only"),
        ("review", "0002_training_run_audit_entry"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
