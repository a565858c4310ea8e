"""The database cache's table (settings.CACHES without REDIS_URL): created with the schema, so
that `migrate` is all a deployment runs."""

from django.core.management import call_command
from django.db import migrations


def forwards(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_sla_seed_and_schedule")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
