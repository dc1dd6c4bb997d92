from django.db import migrations

from core.config import version_triggers


class Migration(migrations.Migration):
    """Writes to these tables give the configuration version a new value (core.config)."""

    dependencies = [("inventory", "0003_exchange_shipment"), ("core", "0001_config_version")]

    operations = [version_triggers("inventory_inventorysettings")]
