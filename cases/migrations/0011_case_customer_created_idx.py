from django.db import migrations, models


class Migration(migrations.Migration):
    """The case page's other cases of its customer, newest first (docs/performance.md, item 11)."""

    dependencies = [
        ("cases", "0010_mailbox_poll_schedule"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["customer", "created_at"], name="case_customer_created_idx"),
        ),
    ]
