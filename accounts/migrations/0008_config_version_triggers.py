from django.db import migrations

from core.config import version_triggers


class Migration(migrations.Migration):
    """Writes to these tables give the configuration version a new value (core.config)."""

    dependencies = [("accounts", "0007_session"), ("core", "0001_config_version")]

    operations = [version_triggers("accounts_user", "accounts_user_groups", "auth_group")]
