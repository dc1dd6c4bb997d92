import django.utils.timezone
from django.db import migrations, models

# When each return came into its status, read from its history: the latest entry that set
# a status (created, status changed, reopened), else its creation. One UPDATE, the same
# SQL on PostgreSQL and SQLite.
BACKFILL = """
UPDATE returns_return SET status_changed_at = COALESCE(
    (SELECT MAX(h.created_at) FROM returns_historyentry h
     WHERE h.rma_id = returns_return.id AND h.to_status <> ''),
    returns_return.created_at
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0012_return_restock_skipped"),
    ]

    operations = [
        migrations.AddField(
            model_name="return",
            name="status_changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="Waiting since"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
        migrations.AddIndex(
            model_name="return",
            index=models.Index(fields=["status_changed_at", "id"], name="returns_waiting_idx"),
        ),
        migrations.AddIndex(
            model_name="return",
            index=models.Index(
                fields=["status", "status_changed_at", "id"], name="returns_status_waiting_idx"
            ),
        ),
    ]
