import pytest
from django.contrib.auth.models import Group

from accounts.roles import ADMIN, STAFF, sync_roles


@pytest.mark.django_db
def test_migrate_creates_the_two_roles_with_their_permissions():
    staff = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=STAFF).permissions.all()
    }
    admin = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=ADMIN).permissions.all()
    }
    assert "accounts.access_backoffice" in staff
    assert "accounts.manage_settings" not in staff
    assert "accounts.manage_settings" in admin
    assert staff < admin


@pytest.mark.django_db
def test_sync_roles_is_idempotent():
    before = Group.objects.get(name=ADMIN).permissions.count()
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name=ADMIN).count() == 1
    assert Group.objects.get(name=ADMIN).permissions.count() == before


def test_staff_and_admin_flags(staff, shop_admin, customer):
    assert staff.is_backoffice_user and not staff.can_manage_settings
    assert shop_admin.is_backoffice_user and shop_admin.can_manage_settings
    assert not customer.user.is_backoffice_user
