from django.db import migrations, models


class Migration(migrations.Migration):
    """The queue's counts by state as an index-only scan over open cases (bench/workspace)."""

    dependencies = [
        ("cases", "0006_queue_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("state__in", ["new", "in_review", "escalated", "in_progress", "awaiting_customer"])
                ),
                fields=["state", "id"],
                name="case_open_state_idx",
            ),
        ),
    ]
