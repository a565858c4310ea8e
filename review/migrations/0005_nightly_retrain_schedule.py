"""Retrain every night from the decisions people and customers made (the learning loop)."""

from django.db import migrations

NAME = "Retrain the engine from new decisions"


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "review.tasks.scheduled_retrain",
            "schedule_type": "C",
            "cron": "30 2 * * *",
            "repeats": -1,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_training_example_weight"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
