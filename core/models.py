from django.db import models


class AppendOnlyModel(models.Model):
    """A history table: rows are written once and never changed or deleted.

    The model refuses it here, and a database trigger refuses it for every other code path
    (core.db.ensure_append_only, run after every migrate, finds the subclasses)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{self._meta.verbose_name_plural} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name_plural} is append-only.")


class ConfigVersion(models.Model):
    """One row whose `version` changes, through database triggers (core.config), with every
    write to a table that per-process caches are read from. Every web process reads it
    once per request (with the session) and keeps its caches while it is the same, so a
    change made by any process, host or path (the Django admin, a shell, a migration) is
    seen at the next request everywhere.

    The version is a token compared for equality, never reused: a sequence on PostgreSQL
    (a rolled-back change does not give its number back), a random 64-bit number on SQLite.
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "configuration version"

    def __str__(self):
        return str(self.version)
