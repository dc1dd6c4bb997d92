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
