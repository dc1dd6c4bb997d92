from django.db import migrations, models

from core.config import new_token, version_function_sql


def forwards(apps, schema_editor):
    for sql in version_function_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql)
    apps.get_model("core", "ConfigVersion").objects.create(pk=1, version=new_token())


def backwards(apps, schema_editor):
    for sql in version_function_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=1)),
            ],
            options={"verbose_name": "configuration version"},
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
