"""SLA targets as they were (`SLA_HOURS`), the cases' first-response facts, the breach check.

Until now one due time stood for the first human decision or the resolution, so both targets
start at that value; supervisors change them in the admin. Existing cases get their first
response due at their old due time, and their first answer from the events that sent one.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery

HOURS = {1: 72, 2: 24, 3: 8, 4: 4}  # cases.models.choices.SLA_HOURS as of this migration
SCHEDULE = "Record SLA breaches"
ANSWERING = ["automate", "approve", "amend", "reply", "propose"]


def forwards(apps, schema_editor):
    SlaTarget = apps.get_model("cases", "SlaTarget")
    for priority, hours in HOURS.items():
        SlaTarget.objects.get_or_create(
            priority=priority,
            defaults={"first_response_minutes": hours * 60, "resolution_minutes": hours * 60},
        )
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case.objects.filter(first_response_due_at__isnull=True).update(
        first_response_due_at=F("due_at")
    )
    answered = (
        CaseEvent.objects.filter(case=OuterRef("pk"), name__in=ANSWERING)
        .filter(Q(data__has_key="message") | Q(data__has_key="confirmation"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    Case.objects.filter(first_responded_at__isnull=True).update(
        first_responded_at=Subquery(answered)
    )
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=SCHEDULE,
        defaults={
            "func": "cases.tasks.record_sla_breaches",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_sla_targets_and_notifications"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
