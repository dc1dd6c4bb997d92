"""The two backoffice roles of SPEC §1, as groups with model permissions.

Customers belong to no group: they have a customer profile (orders.Customer) and no
backoffice permission. The groups are brought up to date after every `migrate`, so a fresh
database, a test database and production all have the same roles.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

STAFF = "Staff"
ADMIN = "Admin"

STAFF_PERMISSIONS = [
    "accounts.access_backoffice",
    "inventory.view_product",
    "orders.view_order",
    "orders.view_customer",
    "returns.view_return",
    "returns.add_return",
    "returns.change_return",
    "returns.add_returnnote",
    "notifications.view_outgoingemail",
    "billing.view_creditinvoice",
    "billing.add_creditinvoice",
    "billing.change_creditinvoice",
]

ADMIN_PERMISSIONS = [
    *STAFF_PERMISSIONS,
    "accounts.manage_settings",
    "accounts.view_auditentry",
    "returns.reopen_return",
    "returns.add_catalogentry",
    "returns.change_catalogentry",
    "returns.delete_catalogentry",
    "notifications.change_emailtemplate",
    "notifications.resend_outgoingemail",
]

ROLE_PERMISSIONS = {STAFF: STAFF_PERMISSIONS, ADMIN: ADMIN_PERMISSIONS}


def sync_roles(apps=global_apps, using="default"):
    """Create the groups and give each exactly its permissions. Idempotent."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=global_apps, **kwargs):
    # post_migrate fires once per app that has models; act once, after the last one,
    # when every app's permissions exist.
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=apps)
    sync_roles(apps=global_apps, using=using)
