class ReadOnlyAdminMixin:
    """For Django admin classes (model admins and inlines) of rows that change only through
    a service (which locks, checks and audits) or never at all (append-only history): the
    admin may show them, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
