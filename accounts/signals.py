"""Keep User.permissions_version moving whenever a user's permissions may change, so that
the per-process permission cache (accounts.backends) never serves stale permissions.

(Migrations change groups through historical models, which send no signals; the web
processes restart with each deploy anyway, and their caches with them.)"""

from django.contrib.auth.models import Group
from django.db.models import F
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver

from .models import User


def bump(users) -> None:
    users.update(permissions_version=F("permissions_version") + 1)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # user.groups.add(...), user.user_permissions.set(...)
        if action.startswith("post_"):
            bump(User.objects.filter(pk=instance.pk))
    elif action == "pre_clear":  # group.user_set.clear(): its members, before they go
        side = "group" if sender is User.groups.through else "permission"
        bump(User.objects.filter(pk__in=sender.objects.filter(**{side: instance}).values("user")))
    elif action in ("post_add", "post_remove") and pk_set:  # group.user_set.add(users)
        bump(User.objects.filter(pk__in=pk_set))


@receiver(m2m_changed, sender=Group.permissions.through)
def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # group.permissions.set(...): every member of the group
        if action.startswith("post_"):
            bump(User.objects.filter(groups=instance))
    elif action in ("post_add", "post_remove") and pk_set:  # permission.group_set.add(...)
        bump(User.objects.filter(groups__pk__in=pk_set))
    elif action == "pre_clear":
        bump(User.objects.filter(groups__permissions=instance))


@receiver(pre_delete, sender=Group)
def group_deleted(sender, instance, **kwargs):
    bump(User.objects.filter(groups=instance))
