from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: form rendering, keyset pagination, append-only tables, admin
    helpers. It knows no feature app; feature apps build on it."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        post_migrate.connect(append_only_after_migrate, dispatch_uid="core.append_only")
        connection_created.connect(time_statements_on, dispatch_uid="core.metrics.db_time")
        connection_created.connect(fast_timestamps_on, dispatch_uid="core.db.timestamps")


def time_statements_on(sender, connection, **kwargs):
    """Every database statement is timed for /metrics (core.metrics); a connection object
    outlives its reconnects, so the wrapper is added once."""
    from .metrics import time_statements

    if time_statements not in connection.execute_wrappers:
        connection.execute_wrappers.append(time_statements)


def fast_timestamps_on(sender, connection, **kwargs):
    from .db import use_compiled_timestamp_loader

    use_compiled_timestamp_loader(connection)


def append_only_after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    from .db import ensure_append_only

    # post_migrate fires once per app with models; act after the last one.
    if sender.models_module is not None and sender is _last_app_with_models():
        ensure_append_only(connections[using])
        # Also the configuration version's triggers (core.config), for the same reason.
        from .config import install_triggers

        install_triggers(connections[using])


def _last_app_with_models():
    from django.apps import apps

    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]
