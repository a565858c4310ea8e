"""Retrain every night from the decisions people and customers made (the learning loop)."""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

NAME = "Retrain the engine from new decisions"


def next_night() -> datetime:
    """02:30 local time, tonight: django-q2 would otherwise run a new schedule at once."""
    now = timezone.localtime()
    start = timezone.make_aware(datetime.combine(now.date(), time(2, 30)))
    return start if start > now else start + timedelta(days=1)


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "review.tasks.scheduled_retrain",
            "schedule_type": "C",
            "cron": "30 2 * * *",
            "repeats": -1,
            "next_run": next_night(),
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
