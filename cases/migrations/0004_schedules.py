"""The scheduled jobs of the case lifecycle, as django-q2 schedules the worker runs."""

from django.db import migrations

SCHEDULES = [
    # name, function, schedule type, minutes
    ("Close quiet resolved cases", "cases.tasks.close_quiet_cases", "H", None),
    ("Expire unanswered customer confirmations", "cases.tasks.expire_confirmations", "I", 15),
]


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
        )


def backwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_caseevent_append_only"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
