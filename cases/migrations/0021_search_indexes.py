"""The search's indexes (cases.search), on PostgreSQL only; SQLite searches without them.

The full-text expressions are the same SQL as `cases.search.BothLanguages`: PostgreSQL uses an
expression index only for the identical expression. pg_trgm (a trusted extension since
PostgreSQL 13) lets `icontains` on the customer's name and address use an index.
"""

from django.db import migrations


def both(column: str) -> str:
    return (
        f"(to_tsvector('english'::regconfig, {column}) || "
        f"to_tsvector('german'::regconfig, {column}))"
    )


INDEXES = {
    "cases_message_search_idx": f"ON cases_message USING gin ({both('text')})",
    "cases_case_subject_search_idx": f"ON cases_case USING gin ({both('subject')})",
    "cases_caseevent_note_search_idx": (
        f"ON cases_caseevent USING gin ({both('comment')}) WHERE name = 'note'"
    ),
    "customers_customer_name_trgm_idx": "ON customers_customer USING gin (UPPER(name) gin_trgm_ops)",
    "customers_customer_email_trgm_idx": (
        "ON customers_customer USING gin (UPPER(email) gin_trgm_ops)"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_tags_and_duplicates"),
        ("customers", "0004_confirmation_text"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
