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


def test_permissions_are_read_in_one_query(staff, shop_admin, django_assert_num_queries):
    from accounts.models import User

    for user in (staff, shop_admin):
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            assert fresh.has_perm("accounts.access_backoffice")
            assert fresh.has_perm("returns.view_return")
            assert fresh.has_perm("accounts.manage_settings") == (user == shop_admin)


def test_a_permission_given_to_the_user_alone_counts_too(db):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_return"))
    assert user.has_perm("returns.view_return") and not user.has_perm("returns.change_return")
