"""Permissions are cached per process under the user's permission version: a page reads
them once, and any change to a user's groups, own permissions or a group's permissions is
seen on the very next request, in every process (the version lives in the user's row)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import ADMIN, STAFF


def catalog_allowed(client):
    return client.get("/backoffice/returns/reasons-and-actions/").status_code == 200


def permission_reads(client, path):
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len([q for q in captured.captured_queries if '"auth_permission"' in q["sql"]])


def test_the_permissions_are_read_once_per_version(staff_client, staff):
    assert permission_reads(staff_client, "/backoffice/returns/") == 1
    assert permission_reads(staff_client, "/backoffice/returns/") == 0
    staff.groups.add(Group.objects.get(name=ADMIN))
    assert permission_reads(staff_client, "/backoffice/returns/") == 1


def test_a_new_role_counts_on_the_next_request(staff_client, staff):
    assert not catalog_allowed(staff_client)
    staff.groups.add(Group.objects.get(name=ADMIN))
    assert catalog_allowed(staff_client)
    staff.groups.remove(Group.objects.get(name=ADMIN))
    assert not catalog_allowed(staff_client)


def test_a_group_losing_a_permission_counts_for_its_members(staff_client, staff):
    assert staff_client.get("/backoffice/returns/").status_code == 200
    group = Group.objects.get(name=STAFF)
    view = Permission.objects.get(codename="view_return")
    group.permissions.remove(view)
    assert staff_client.get("/backoffice/returns/").status_code == 403
    view.group_set.add(group)
    assert staff_client.get("/backoffice/returns/").status_code == 200


@pytest.mark.parametrize("how", ["user_permissions", "clear_members", "delete_group"])
def test_every_other_path_raises_the_version(staff, how):
    before = User.objects.get(pk=staff.pk).permissions_version
    group = Group.objects.get(name=STAFF)
    if how == "user_permissions":
        staff.user_permissions.add(Permission.objects.get(codename="change_catalogentry"))
    elif how == "clear_members":
        group.user_set.clear()
    else:
        group.delete()
    assert User.objects.get(pk=staff.pk).permissions_version > before
