"""Rarely-changing configuration, kept per process under a cluster-wide version.

Apps name the tables their cached reads come from (`watch`, in their AppConfig.ready);
a database trigger on each (statement-level on PostgreSQL, row-level on SQLite) gives
core.models.ConfigVersion a new value on every INSERT, UPDATE (of the columns that matter)
or DELETE, whatever path wrote it: the backoffice, the Django admin, a shell, the API.

`cached(key, loader)` returns what `loader()` returned under the current version, and calls
it again once the version has changed. The version is read once per request (the session's
query reads it too: accounts.sessions) or, outside a request, once per call; it is never
kept across requests. A value is stored under the version read BEFORE it was loaded, so a
change that lands meanwhile can only make the next request load again, never keep old data.
Versions are never reused (a PostgreSQL sequence; random on SQLite), so what a transaction
read of its own uncommitted writes is never taken for a version that commits later.

Cached values are shared by every request of the process: loaders return immutable values
(tuples, frozensets, frozen dataclasses) or callers get a copy; nobody changes them.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, migrations, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .request_scope import request_forget, request_memo, request_note

VERSION_KEY = "core.config.version"
TABLE = "core_configversion"
SEQUENCE = "core_configversion_seq"
# Entries are few (a key per reader and language); the bound only guards against a key
# that grows with data by mistake.
MAX_ENTRIES = 1000

_cache: dict = {}


@dataclass(frozen=True)
class Watched:
    table: str
    # UPDATE raises the version only when one of these columns is set (None: any).
    columns: tuple[str, ...] | None = None
    # INSERT raises it only for rows matching this SQL condition on NEW (None: any row).
    insert_when: str | None = None


_watched: dict[str, Watched] = {}


def watch(model, *, columns=None, insert_when: str | None = None) -> None:
    """Declare that cached reads come from `model`'s table: its triggers raise the version
    (installed by the app's migration, core.config.version_triggers, and again after every
    migrate), and a save through the ORM makes this request read the version again."""
    table = model._meta.db_table
    _watched[table] = Watched(table, tuple(columns) if columns else None, insert_when)
    uid = f"core.config.{table}"
    if model._meta.auto_created:
        m2m_changed.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
    else:
        post_save.connect(_changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete", weak=False)


def watched_tables() -> dict[str, Watched]:
    return dict(_watched)


def _changed(**kwargs) -> None:
    config_changed()


def config_changed() -> None:
    """The request has written configuration: its next read asks for the version again
    (and so sees its own change). The ORM's saves call it; a bulk .update() should too."""
    request_forget(VERSION_KEY)


def note_version(version) -> None:
    """The version as the session's query read it (accounts.sessions)."""
    if version is not None:
        request_note(VERSION_KEY, version)


def config_version() -> int:
    """The current version: read once per request, or per call outside one."""
    return request_memo(VERSION_KEY, read_version)


def read_version() -> int:
    from .models import ConfigVersion

    version = ConfigVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if version is None:
        # Only after the table was emptied (a test flush): start again with a fresh token.
        try:
            with transaction.atomic():
                ConfigVersion.objects.create(pk=1, version=new_token())
        except IntegrityError:
            pass
        version = ConfigVersion.objects.values_list("version", flat=True).get(pk=1)
    return version


def new_token() -> int:
    return secrets.randbits(62)


def cached(key, loader: Callable):
    """loader()'s value as of the current configuration version (see the module's doc)."""
    version = config_version()
    entry = _cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = loader()
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = (version, value)
    return value


def cache_clear() -> None:
    _cache.clear()


# --- The triggers --------------------------------------------------------------------


def _trigger_sql(vendor: str, spec: Watched) -> list[str]:
    table = spec.table
    name = f"{table}_config_version"
    if vendor == "postgresql":
        update = f"UPDATE OF {', '.join(spec.columns)}" if spec.columns else "UPDATE"
        events = f"{update} OR DELETE" if spec.insert_when else f"INSERT OR {update} OR DELETE"
        sql = [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"DROP TRIGGER IF EXISTS {name}_insert ON {table}",
            f"CREATE TRIGGER {name} AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_config_version_raise()",
        ]
        if spec.insert_when:
            sql.append(
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW "
                f"WHEN ({spec.insert_when}) EXECUTE FUNCTION core_config_version_raise()"
            )
        return sql
    if vendor == "sqlite":
        raise_it = f"BEGIN UPDATE {TABLE} SET version = random() WHERE id = 1; END"  # noqa: S608
        update_of = f"UPDATE OF {', '.join(spec.columns)}" if spec.columns else "UPDATE"
        when = f" WHEN {spec.insert_when}" if spec.insert_when else ""
        return [
            *(f"DROP TRIGGER IF EXISTS {name}_{suffix}" for suffix in ("ins", "upd", "del")),
            f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} FOR EACH ROW{when} {raise_it}",
            f"CREATE TRIGGER {name}_upd AFTER {update_of} ON {table} FOR EACH ROW {raise_it}",
            f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} FOR EACH ROW {raise_it}",
        ]
    return []


def _drop_sql(vendor: str, table: str) -> list[str]:
    name = f"{table}_config_version"
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"DROP TRIGGER IF EXISTS {name}_insert ON {table}",
        ]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}_{suffix}" for suffix in ("ins", "upd", "del")]
    return []


def install_triggers(db, tables=None) -> None:
    """Create (or re-create) the version triggers of the watched tables that exist."""
    existing = set(db.introspection.table_names())
    with db.cursor() as cursor:
        for table, spec in sorted(_watched.items()):
            if (tables is None or table in tables) and table in existing:
                for sql in _trigger_sql(db.vendor, spec):
                    cursor.execute(sql)


def version_triggers(*tables: str) -> migrations.RunPython:
    """A migration operation: the version triggers of these watched tables (their columns
    are what the app's `watch` says now; every migrate installs them again, too, as SQLite
    drops a table's triggers whenever a migration rebuilds it)."""

    def forwards(apps, schema_editor):
        install_triggers(schema_editor.connection, tables=set(tables))

    def backwards(apps, schema_editor):
        for table in tables:
            for sql in _drop_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards, elidable=False)


def version_function_sql(vendor: str) -> tuple[list[str], list[str]]:
    """(forwards, backwards) SQL of the version row's machinery (core's migration)."""
    if vendor == "postgresql":
        return (
            [
                f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
                f"""CREATE OR REPLACE FUNCTION core_config_version_raise() RETURNS trigger AS $$
                BEGIN
                    UPDATE {TABLE} SET version = nextval('{SEQUENCE}') WHERE id = 1;
                    RETURN NULL;
                END;
                $$ LANGUAGE plpgsql""",  # noqa: S608 (constants, no input)
            ],
            [
                "DROP FUNCTION IF EXISTS core_config_version_raise() CASCADE",
                f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
            ],
        )
    return [], []
