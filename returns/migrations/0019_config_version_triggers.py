from django.db import migrations

from core.config import version_triggers


class Migration(migrations.Migration):
    """Writes to these tables give the configuration version a new value (core.config)."""

    dependencies = [("returns", "0018_photos"), ("core", "0001_config_version")]

    operations = [version_triggers("returns_catalogentry", "returns_returnsettings", "returns_returnsettings_photo_required_reasons")]
