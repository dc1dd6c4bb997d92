"""The configuration version (core.config): database triggers give it a new value on every
write to a table that per-process caches are read from, whatever path wrote it, and the
caches load again when it changed, also after a change by another connection."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core import config
from core.request_scope import request_scope
from inventory.models import InventorySettings
from notifications.models import EmailTemplate
from returns.models import CatalogEntry, ReturnSettings
from returns.selectors import assignable_staff, catalog_for_form, reason_labels
from tests.factories import CatalogEntryFactory, StaffUserFactory, UserFactory
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _raises(write) -> bool:
    before = config.read_version()
    write()
    return config.read_version() != before


def _endpoint(**fields):
    return WebhookEndpoint.objects.create(
        url="https://example.org/hook", events=["return.created"], secret="whsec_x", **fields
    )


def test_every_watched_table_has_its_trigger():
    tables = set(config.watched_tables())
    assert tables == {
        "accounts_user",
        "accounts_user_groups",
        "auth_group",
        "inventory_inventorysettings",
        "notifications_emailtemplate",
        "returns_catalogentry",
        "returns_returnsettings",
        "returns_returnsettings_photo_required_reasons",
        "webhooks_webhookendpoint",
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s",
                ["%_config_version%"],
            )
            assert {row[0] for row in cursor.fetchall()} == tables
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%_config_version_%'"
            )
            assert {row[0] for row in cursor.fetchall()} == tables


def test_catalog_writes_raise_the_version():
    entry = None

    def create():
        nonlocal entry
        entry = CatalogEntryFactory(name="Broken")

    assert _raises(create)
    assert _raises(lambda: CatalogEntry.objects.filter(pk=entry.pk).update(name="Torn"))
    assert _raises(lambda: _sql("UPDATE returns_catalogentry SET active = %s", [False]))
    assert _raises(lambda: CatalogEntry.objects.filter(pk=entry.pk).delete())


def test_settings_writes_raise_the_version():
    assert _raises(lambda: InventorySettings.objects.update_or_create(pk=1))
    assert _raises(lambda: InventorySettings.objects.filter(pk=1).update(stock_linked_to_pos=True))
    assert _raises(lambda: ReturnSettings.objects.update_or_create(pk=1))
    assert _raises(lambda: ReturnSettings.objects.filter(pk=1).update(return_window_days=30))
    reason = CatalogEntryFactory(name="Scratched")
    settings = ReturnSettings.objects.get(pk=1)
    assert _raises(lambda: settings.photo_required_reasons.add(reason))
    assert _raises(lambda: settings.photo_required_reasons.clear())


def test_webhook_endpoint_writes_raise_it_but_a_failed_delivery_does_not():
    endpoint = None

    def create():
        nonlocal endpoint
        endpoint = _endpoint()

    assert _raises(create)
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    assert _raises(lambda: endpoints.update(active=False))
    assert _raises(lambda: endpoints.update(events=["return.updated"]))
    assert not _raises(lambda: endpoints.update(failing_since=timezone.now()))
    assert _raises(lambda: endpoints.delete())


def test_email_template_writes_raise_the_version():
    assert _raises(
        lambda: EmailTemplate.objects.create(
            event="return_approved", language="en", subject="S", body="B"
        )
    )
    assert _raises(lambda: EmailTemplate.objects.update(subject="T"))
    assert _raises(lambda: EmailTemplate.objects.all().delete())


def test_user_writes_that_change_who_can_be_assigned_raise_it_a_login_does_not():
    user = UserFactory()
    users = User.objects.filter(pk=user.pk)
    assert not _raises(lambda: users.update(last_login=timezone.now()))
    assert not _raises(lambda: UserFactory())  # a customer's new login
    assert _raises(lambda: UserFactory(is_superuser=True))
    assert _raises(lambda: users.update(is_active=False))
    assert _raises(lambda: users.update(full_name="Renamed"))
    assert _raises(lambda: users.update(email="renamed@example.org"))
    assert _raises(lambda: users.update(is_superuser=True))
    group = Group.objects.create(name="Night shift")
    assert _raises(lambda: user.groups.add(group))
    assert _raises(lambda: user.groups.remove(group))
    assert _raises(lambda: Group.objects.filter(pk=group.pk).update(name="Day shift"))
    assert _raises(lambda: users.delete())


def test_a_value_is_loaded_once_per_version():
    calls = []

    def loader():
        calls.append(1)
        return ("value",)

    with request_scope():
        assert config.cached("test.once", loader) == ("value",)
        assert config.cached("test.once", loader) == ("value",)
    with request_scope():
        config.cached("test.once", loader)
    assert len(calls) == 1
    CatalogEntryFactory(name="Dented")
    with request_scope():
        config.cached("test.once", loader)
    assert len(calls) == 2


def test_a_change_while_loading_makes_the_next_request_load_again():
    """The value is stored under the version read before loading: a change that lands
    during the load (here: by the loader itself) is never hidden behind the old version."""
    CatalogEntryFactory(name="Before")

    def racing_loader():
        names = tuple(CatalogEntry.objects.values_list("name", flat=True))
        CatalogEntryFactory(name="During")  # committed by another process meanwhile
        return names

    with request_scope():
        assert "During" not in config.cached("test.race", racing_loader)
    with request_scope():
        assert "During" in config.cached(
            "test.race", lambda: tuple(CatalogEntry.objects.values_list("name", flat=True))
        )


def test_outside_a_request_the_version_is_read_at_every_call():
    config.cached("test.outside", lambda: 1)
    with CaptureQueriesContext(connection) as queries:
        assert config.cached("test.outside", lambda: 2) == 1
        assert config.cached("test.outside", lambda: 3) == 1
    assert len(queries) == 2
    assert all("core_configversion" in q["sql"] for q in queries.captured_queries)


def test_within_a_request_the_version_is_read_once_and_again_after_a_write():
    with request_scope(), CaptureQueriesContext(connection) as queries:
        config.cached("test.scope", lambda: 1)
        config.cached("test.scope", lambda: 1)
        assert len(queries) == 1
        CatalogEntryFactory(name="Crushed")  # the request's own change: read again
        assert config.cached("test.scope", lambda: 2) == 2


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(config, "MAX_ENTRIES", 5)
    with request_scope():
        for key in range(20):
            config.cached(("test.bound", key), lambda: 0)
    assert len(config._cache) <= 5


def test_a_lost_version_row_is_made_again():
    from core.models import ConfigVersion

    ConfigVersion.objects.all().delete()
    assert config.read_version() == ConfigVersion.objects.get(pk=1).version


def test_a_deactivated_staff_member_leaves_the_assign_list_at_once():
    sam = StaffUserFactory(full_name="Sam")
    with request_scope():
        assert sam in list(assignable_staff())
    User.objects.filter(pk=sam.pk).update(is_active=False)  # e.g. the Django admin
    with request_scope():
        assert sam not in list(assignable_staff())


def test_the_catalog_reads_follow_a_rename():
    entry = CatalogEntryFactory(name="Too small")
    with request_scope():
        assert reason_labels()[entry.pk] == "Too small"
        assert entry.pk in {e.pk for e in catalog_for_form()}
    _sql("UPDATE returns_catalogentry SET name = %s WHERE id = %s", ["Tiny", entry.pk])
    with request_scope():
        assert reason_labels()[entry.pk] == "Tiny"
    _sql("UPDATE returns_catalogentry SET active = %s WHERE id = %s", [False, entry.pk])
    with request_scope():
        assert entry.pk not in {e.pk for e in catalog_for_form()}
        assert entry.pk in {e.pk for e in catalog_for_form(entry)}


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_reloads_the_cache():
    """Another process (here: a second database connection) renames a reason; this
    process's cached labels follow at its next request."""
    entry = CatalogEntry.objects.create(kind="reason", name="Too big", position=1)
    with request_scope():
        assert reason_labels()[entry.pk] == "Too big"
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE returns_catalogentry SET name = %s WHERE id = %s", ["Far too big", entry.pk]
            )
        if not other.get_autocommit():
            other.commit()
    finally:
        other.close()
    with request_scope():
        assert reason_labels()[entry.pk] == "Far too big"
