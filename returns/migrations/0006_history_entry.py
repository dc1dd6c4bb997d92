"""One name for a return's history: the model ReturnEvent becomes HistoryEntry (table
returns_historyentry). The append-only trigger moves with it."""

from django.db import migrations

from core.db import append_only

OLD = "returns_returnevent"


def drop_old_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {OLD}_append_only ON {OLD};"
            f"DROP FUNCTION IF EXISTS {OLD}_append_only();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {OLD}_append_only;")


class Migration(migrations.Migration):
    dependencies = [("returns", "0005_drop_duplicate_indexes")]

    operations = [
        migrations.RunPython(drop_old_trigger, migrations.RunPython.noop, elidable=False),
        migrations.RenameModel("ReturnEvent", "HistoryEntry"),
        migrations.RenameIndex(
            model_name="historyentry",
            new_name="returns_history_rma_idx",
            old_name="returns_event_rma_idx",
        ),
        append_only("returns_historyentry"),
    ]
